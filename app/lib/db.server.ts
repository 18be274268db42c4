import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { env } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { singleton } from "./singleton.server.ts";

function createClient(url: string) {
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  const slowMs = env().SLOW_QUERY_MS;
  return new PrismaClient({ adapter }).$extends({
    name: "slow-query-log",
    query: {
      async $allOperations({ model, operation, args, query }) {
        const started = performance.now();
        const result = await query(args);
        const ms = performance.now() - started;
        if (ms >= slowMs) logger.warn("slow query", { model, operation, ms: Math.round(ms) });
        return result;
      },
    },
  });
}

export type Db = ReturnType<typeof createClient>;
/** The client handed to `prisma.$transaction(async (tx) => …)` callbacks. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

function databaseUrl(): string {
  const url = env().DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  return url;
}

/** The process's Prisma client (one pool, created on first use). */
export const prisma: Db = new Proxy({} as Db, {
  get(_target, key) {
    const client = singleton("prisma", () => createClient(databaseUrl()));
    const value = Reflect.get(client, key, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export async function disconnectDb() {
  const store = globalThis as unknown as { __techexSingletons?: Map<string, unknown> };
  const client = store.__techexSingletons?.get("prisma") as Db | undefined;
  if (client) {
    store.__techexSingletons?.delete("prisma");
    await client.$disconnect();
  }
}
