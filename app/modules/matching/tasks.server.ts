import DataLoader from "dataloader";
import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { singleton } from "~/lib/singleton.server.ts";
import { MATCH_DIGEST_TASK, sendMatchDigest } from "./digest.server.ts";
import { MATCH_FULL_PASS_TASK, MATCH_LISTING_TASK } from "./enqueue.server.ts";
import { recomputeListings, runFullPass, type ListingRecompute, type Serialiser } from "./matching.server.ts";

/**
 * Matching jobs that run at the same time are recomputed together (recomputeListings: one
 * candidate lookup and one read for the lot). An import queues thousands of jobs; recomputed
 * one by one they took about half a second each at 100,000 listings, most of it per-request
 * overhead shared by a batch. Each job still gets its own listing's outcome and fails (and
 * is retried) on its own. A batch is kept small enough for its lookup and writes to finish well
 * within the background timeout on a busy machine.
 */
const BATCH_WINDOW_MS = 20;
const MAX_BATCH = 32;

/**
 * One batch writes at a time in a process: two batches touching the same needs would wait for
 * each other's locks while holding pooled connections.
 */
let writes: Promise<unknown> = Promise.resolve();
const oneWriterAtATime: Serialiser = (write) => {
  const turn = writes.then(write);
  writes = turn.catch(() => undefined);
  return turn;
};

/**
 * A pipeline of two stages: while one batch writes, the next reads and searches, and the
 * batch after it gathers the jobs that arrive meanwhile. A batch is sent (dispatched) only
 * once the batch before it has started writing, so under load batches fill up to MAX_BATCH
 * instead of leaving as one or two jobs every BATCH_WINDOW_MS: an import's matching then
 * costs a few hundred candidate lookups and facts reads instead of thousands, and the writer
 * is never queued behind a pile of small batches that all looked up their candidates first
 * (bench:matching: 990 batches of 1.5 listings for a 1,500-row import, each waiting about
 * two seconds for the writer).
 */
let previousStartedWriting: Promise<void> = Promise.resolve();
let sending: Promise<void> = Promise.resolve();
const afterPreviousBatch = (dispatch: () => void) => {
  sending = sending.then(
    () =>
      new Promise<void>((sent) =>
        setTimeout(() => {
          dispatch();
          void previousStartedWriting.then(sent);
        }, BATCH_WINDOW_MS),
      ),
  );
};

/** The batch function; DataLoader calls it inside dispatch(), so previousStartedWriting is this batch's by the time afterPreviousBatch waits on it. */
function recomputeBatch(ids: readonly string[]) {
  let startedWriting!: () => void;
  previousStartedWriting = new Promise<void>((resolve) => (startedWriting = resolve));
  const writing: Serialiser = (write) =>
    oneWriterAtATime(async () => {
      startedWriting();
      await write();
    });
  return recomputeListings(ids, { writing }).finally(startedWriting);
}

const listingRecomputes = singleton(
  "matching-recomputes",
  () => new DataLoader<string, ListingRecompute>(recomputeBatch, { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: afterPreviousBatch }),
);

/**
 * This feature's background jobs (graphile-worker), merged into the worker's task list.
 * A failure throws, so graphile-worker retries with backoff and keeps the last error.
 */
export const matchingTasks: TaskList = {
  /** Queued by the search index job after a listing's document was upserted or deleted. */
  [MATCH_LISTING_TASK]: async (payload) => {
    const { listingId } = payload as { listingId?: unknown };
    if (typeof listingId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const result = await listingRecomputes.load(listingId);
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
