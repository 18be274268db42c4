import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";
import { workerState, type WorkerState } from "~/modules/jobs/status.server.ts";

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

/** "ok" when Meilisearch says it is available; anything else (no answer in time, an error, no MEILI_HOST) is down. */
async function searchState(): Promise<ServiceState> {
  try {
    const health = await meili("health").health();
    return health?.status === "available" ? "ok" : "down";
  } catch {
    return "down";
  }
}

/**
 * The state of the database, of search and of the job worker; the app can serve while the
 * database is up (search down answers from PostgreSQL; worker down lets jobs queue up).
 * The worker is "ok" while any process's worker has a fresh heartbeat, "unknown" when the
 * database cannot be asked.
 * Search is asked with the same short timeout as the search page (MEILI_SEARCH_TIMEOUT_MS),
 * so a stalled Meilisearch reads as down within it and leaves no request behind. The
 * database gets longer: its first query after start also opens the connection.
 */
export async function checkHealth() {
  const [database, search, worker] = await Promise.all([
    within(5_000, prisma.$queryRaw`SELECT 1`).then(
      () => "ok" as ServiceState,
      () => "down" as ServiceState,
    ),
    searchState(),
    within(5_000, workerState()).catch((): WorkerState | "unknown" => "unknown"),
  ]);
  return { database, search, worker, canServe: database === "ok" };
}
