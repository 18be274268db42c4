import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { env } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * The slow-statement log: each SQL statement that took SLOW_QUERY_MS or longer, at warn, with
 * its text and never its parameters (they hold people's data and password hashes). Quiet
 * otherwise. Prisma's query events time the statement at the driver, pool wait included.
 */
function createClient(url: string) {
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  const slowMs = env().SLOW_QUERY_MS;
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (event) => {
    if (event.duration >= slowMs) logger.warn("slow query", { ms: Math.round(event.duration), statement: event.query.slice(0, 2_000) });
  });
  return client;
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
