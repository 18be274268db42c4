import { prisma } from "~/lib/db.server.ts";
import { forbidden } from "~/lib/http.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { INDEX_LISTING_TASK } from "./outbox.server.ts";

export interface OutboxJob {
  id: string;
  listingId: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: Date;
  dead: boolean;
}

/** Search-outbox jobs that failed at least once; the dead ones are out of attempts. */
export async function listFailingSearchJobs(actor: Actor): Promise<OutboxJob[]> {
  if (!holds(actor, "taxonomy:manage:any")) throw forbidden();
  // The public jobs view has no payload; the job key ("listing:<id>") names the listing.
  const rows = await prisma.$queryRaw<{ id: bigint; key: string | null; attempts: number; max_attempts: number; last_error: string | null; run_at: Date }[]>`
    SELECT id, key, attempts, max_attempts, last_error, run_at FROM graphile_worker.jobs
    WHERE task_identifier = ${INDEX_LISTING_TASK} AND last_error IS NOT NULL
    ORDER BY (attempts >= max_attempts) DESC, run_at ASC LIMIT 200`;
  return rows.map((r) => ({
    id: String(r.id),
    listingId: r.key?.startsWith("listing:") ? r.key.slice("listing:".length) : null,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    runAt: r.run_at,
    dead: r.attempts >= r.max_attempts,
  }));
}

/** Gives failed jobs a fresh set of attempts, to run now. */
export async function retrySearchJobs(actor: Actor, ids: string[]): Promise<number> {
  if (!holds(actor, "taxonomy:manage:any")) throw forbidden();
  // graphile-worker's public SQL API; its JS wrapper drops `attempts: 0` as if unset.
  const jobs = await prisma.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM graphile_worker.reschedule_jobs(${ids}::bigint[], run_at := now(), attempts := 0)`;
  return jobs.length;
}
