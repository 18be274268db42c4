import type { Tx } from "~/lib/db.server.ts";
import { addListingJobs } from "~/modules/jobs/add-jobs.server.ts";

export const MATCH_LISTING_TASK = "matching:listing";
export const MATCH_FULL_PASS_TASK = "matching:full-pass";
const MATCH_MAX_ATTEMPTS = 10;
const MATCH_PRIORITY = 10;
/**
 * Matching jobs are spread over this many serial queues (a power of two: the queue is the id's
 * hash & (n - 1)), which also caps how many run at once across all workers: with the worker's
 * 48 slots, 16 always stay free for the search outbox, so a change becomes visible in search
 * while an import's matching runs (bench:matching: with 64 queues, matching jobs waiting for
 * their batch held every slot and index jobs queued behind them for seconds).
 */
export const MATCH_QUEUES = 32;

/**
 * Queues "recompute these listings' matches" (graphile-worker), one job per listing, in one
 * statement. Called by the search index job once the listings' documents are upserted or
 * deleted, so the matcher reads an index that already reflects the change.
 *
 * The key coalesces bursts of changes to one listing. A listing's jobs never overlap (a job
 * that read the listing before a change must not write after the job that read it after):
 * every listing hashes to one of MATCH_QUEUES named queues, which run their jobs one at a
 * time. Jobs of different listings run side by side and the matcher recomputes those that
 * run together as one batch (one candidate lookup, one read), see matching/tasks.server.ts.
 * A lower priority than the index jobs (graphile-worker runs smaller numbers first) keeps
 * waiting index jobs ahead of matching, so search stays current during bursts.
 */
export async function enqueueListingMatchings(db: Pick<Tx, "$executeRaw">, listingIds: readonly string[]) {
  await addListingJobs(db, MATCH_LISTING_TASK, listingIds, {
    keyPrefix: "match:",
    maxAttempts: MATCH_MAX_ATTEMPTS,
    queuePrefix: "matching-",
    queues: MATCH_QUEUES,
    priority: MATCH_PRIORITY,
  });
}

/** One listing's matching job (see enqueueListingMatchings). */
export function enqueueListingMatching(db: Pick<Tx, "$executeRaw">, listingId: string) {
  return enqueueListingMatchings(db, [listingId]);
}
