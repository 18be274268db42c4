import type { Tx } from "~/lib/db.server.ts";

export const MATCH_LISTING_TASK = "matching:listing";
export const MATCH_FULL_PASS_TASK = "matching:full-pass";
const MATCH_MAX_ATTEMPTS = 10;
const MATCH_PRIORITY = 10;

/**
 * Queues "recompute this listing's matches" (graphile-worker). Called by the search
 * index job once the listing's document is upserted or deleted, so the matcher reads
 * an index that already reflects the change. The key coalesces bursts of changes, and
 * one named queue runs these jobs one at a time, so matching never competes with itself
 * (or with people searching) for Meilisearch when many listings change at once.
 * A lower priority than the index jobs (graphile-worker runs smaller numbers first)
 * keeps waiting index jobs ahead of matching, so search stays current during bursts.
 */
export async function enqueueListingMatching(db: Pick<Tx, "$executeRaw">, listingId: string) {
  await db.$executeRaw`SELECT graphile_worker.add_job(
    ${MATCH_LISTING_TASK},
    json_build_object('listingId', ${listingId}::text),
    queue_name := 'matching',
    job_key := ${`match:${listingId}`},
    max_attempts := ${MATCH_MAX_ATTEMPTS},
    priority := ${MATCH_PRIORITY}
  )`;
}
