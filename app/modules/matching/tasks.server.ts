import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { MATCH_DIGEST_TASK, sendMatchDigest } from "./digest.server.ts";
import { MATCH_FULL_PASS_TASK, MATCH_LISTING_TASK } from "./enqueue.server.ts";
import { recomputeListing, runFullPass } from "./matching.server.ts";

/**
 * This feature's background jobs (graphile-worker), merged into the worker's task list.
 * A failure throws, so graphile-worker retries with backoff and keeps the last error.
 */
export const matchingTasks: TaskList = {
  /** Queued by the search index job after a listing's document was upserted or deleted. */
  [MATCH_LISTING_TASK]: async (payload) => {
    const { listingId } = payload as { listingId?: unknown };
    if (typeof listingId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const result = await recomputeListing(listingId);
    logger.debug("matches recomputed", { listingId, ...result });
  },
  /** One listing's digest of new suggestions (scheduled by notifySuggested; at most one per listing per day). */
  [MATCH_DIGEST_TASK]: async (payload) => {
    const { listingId } = payload as { listingId?: unknown };
    if (typeof listingId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const outcome = await sendMatchDigest(listingId);
    logger.debug("match digest", { listingId, ...outcome });
  },
  /** Every published need against every published offer; nightly, or `npm run jobs -- matching:full-pass`. */
  [MATCH_FULL_PASS_TASK]: async () => {
    await runFullPass();
  },
};

/** This feature's crontab lines (UTC), merged into the worker's schedule. */
export const matchingCron: string[] = [
  // 18:00 UTC is 01:00 in Vietnam, after the expiry pass (00:05) has unpublished stale listings.
  `0 18 * * * ${MATCH_FULL_PASS_TASK} ?max=3`,
];
