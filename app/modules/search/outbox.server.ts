import type { Tx } from "~/lib/db.server.ts";

export const INDEX_LISTING_TASK = "search:index-listing";
/** After this many failed attempts a job stays in the queue as dead, with its last error, for an admin. */
export const INDEX_MAX_ATTEMPTS = 8;

/**
 * Adds "bring this listing's search document up to date" to graphile-worker's
 * queue inside the caller's transaction, so the change and its outbox row
 * commit together or not at all. The job key coalesces repeated changes.
 */
export async function enqueueListingSync(tx: Pick<Tx, "$executeRaw">, listingId: string) {
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    ${INDEX_LISTING_TASK},
    json_build_object('listingId', ${listingId}::text),
    job_key := ${`listing:${listingId}`},
    max_attempts := ${INDEX_MAX_ATTEMPTS}
  )`;
}
