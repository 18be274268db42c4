import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";

export type ServiceState = "ok" | "down";

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The state of the database and of search; the app can serve while the database is up. */
export async function checkHealth() {
  const [database, search] = await Promise.all([
    within(2_000, prisma.$queryRaw`SELECT 1`).then(
      () => "ok" as ServiceState,
      () => "down" as ServiceState,
    ),
    within(2_000, meili().health()).then(
      (h) => (h.status === "available" ? "ok" : "down") as ServiceState,
      () => "down" as ServiceState,
    ),
  ]);
  return { database, search, canServe: database === "ok" };
}
