import DataLoader from "dataloader";
import type { EnqueuedTaskPromise } from "meilisearch";
import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { indexName, meili, meiliFailure } from "~/lib/meili.server.ts";
import { singleton } from "~/lib/singleton.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { enqueueListingMatchings } from "~/modules/matching/enqueue.server.ts";
import { reconcileMatchTerms, syncMatchTerms } from "~/modules/matching/terms.server.ts";
import { loadDocumentPage, loadDocuments, type ListingDocument } from "./document.server.ts";
import { ensureListingsIndex, LISTINGS, listingsIndex } from "./index.server.ts";
import { ndjsonBodies } from "./ndjson.ts";
import { enqueueListingSyncs } from "./outbox.server.ts";

const TASK_TIMEOUT_MS = 30_000;

/**
 * Outbox jobs that run at the same time share one Meilisearch task: each job asks for its
 * listing, and what arrives within BATCH_WINDOW_MS is read in one query and written in one
 * addDocuments (and one deleteDocuments). Meilisearch's cost is mostly per task, not per
 * document (at 100,000 documents a one-document task and a hundred-document task take
 * about as long), so an import's thousands of jobs drain in a few dozen tasks instead of
 * one task each. Every job still waits for its own listing's outcome and fails (and is
 * retried) on its own, and a listing's jobs stay serial (its named queue), so a batch
 * never holds two versions of one listing.
 */
const BATCH_WINDOW_MS = 15;
const MAX_BATCH = 250;

type SyncOutcome = "upserted" | "deleted";

const documentWrites = singleton(
  "search-document-writes",
  () =>
    new DataLoader<string, SyncOutcome>(writeDocuments, {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (dispatch) => setTimeout(dispatch, BATCH_WINDOW_MS),
    }),
);

/** Waits for a Meilisearch task; throws when it did not succeed. */
async function succeeded(pending: EnqueuedTaskPromise, what: string) {
  const task = await pending.waitTask({ timeout: TASK_TIMEOUT_MS });
  if (task.status !== "succeeded") throw new Error(`Meilisearch task ${task.uid} (${what}) ${task.status}: ${task.error?.message ?? "no error given"}`);
  return task.uid;
}

/**
 * One batch of the outbox: the listings' documents re-read, upserted (public) or deleted
 * (not), and meanwhile their terms in matching's term index (PostgreSQL) brought in line;
 * then matching queued for all of them in one statement (it runs once the terms are in, or
 * out). A failed write fails the jobs whose documents it carried; the other half of the
 * batch still succeeds. A failed term write fails the whole batch (retried; both writes are
 * idempotent).
 */
async function writeDocuments(ids: readonly string[]): Promise<(SyncOutcome | Error)[]> {
  const unique = [...new Set(ids)];
  const documents = await loadDocuments(unique);
  const found = new Set(documents.map((d) => d.id));
  const gone = unique.filter((id) => !found.has(id));
  const index = listingsIndex();
  const [upserts, deletes, terms] = await Promise.allSettled([
    documents.length ? succeeded(index.addDocuments(documents, { primaryKey: "id" }), "upsert") : null,
    gone.length ? succeeded(index.deleteDocuments(gone), "delete") : null,
    syncMatchTerms(unique),
  ]);
  if (terms.status === "rejected") {
    const error = terms.reason instanceof Error ? terms.reason : new Error(String(terms.reason));
    return ids.map(() => new Error(`matching terms not written: ${error.message}`));
  }
  const failed = (id: string) => (found.has(id) ? upserts : deletes);
  const written = unique.filter((id) => failed(id).status === "fulfilled");
  if (written.length) await enqueueListingMatchings(prisma, written);
  logger.debug("search documents synced", { upserted: upserts.status === "fulfilled" ? documents.length : 0, deleted: deletes.status === "fulfilled" ? gone.length : 0 });
  return ids.map((id) => {
    const outcome = failed(id);
    // The message carries Meilisearch's causes ("…: fetch failed: connect ECONNREFUSED …"): it is the job's last_error on /admin/search.
    if (outcome.status === "rejected") return meiliFailure(outcome.reason);
    return found.has(id) ? "upserted" : "deleted";
  });
}

/**
 * Brings one listing's document in line with the database: re-reads the row,
 * upserts it under its id when public, deletes it otherwise, and waits for
 * Meilisearch's task (shared with the other jobs running at the same moment).
 * Running it twice gives the same index. Throws when the task fails, so
 * graphile-worker retries it with backoff.
 */
export function syncListing(listingId: string): Promise<SyncOutcome> {
  return documentWrites.load(listingId);
}

/**
 * How a reindex feeds Meilisearch (bench:matching -- --reuse --reindex, 100,000 listings on 2
 * cores): Meilisearch's cost per batch is large beside its cost per document (2,000-document
 * tasks: 642 documents/s; 10,000: about 1,260), so tasks are big; and the next page is read
 * while Meilisearch indexes one, with at most one more waiting, so reading (PostgreSQL and
 * document building) is hidden behind indexing and two big pages at most are held in memory.
 */
const REINDEX_PAGE_SIZE = 10_000;
const REINDEX_TASKS_IN_FLIGHT = 2;
/** One task's body at most: well under Meilisearch's default payload limit (100 MB), whatever the listings' lengths. */
const REINDEX_MAX_TASK_BYTES = 32 * 1024 * 1024;

/** How far before a reindex's first read its "changed since" window opens: clock skew between app servers, and writes committed just after they stamped updatedAt. */
const REINDEX_WINDOW_MARGIN_MS = 60_000;

/**
 * Builds a fresh index from the database and swaps it in, so search keeps
 * answering from the old one meanwhile; then deletes the old one.
 *
 * The build reads a snapshot page by page while outbox jobs keep writing newer
 * documents into the live index; the swap would replace them with the
 * snapshot's older ones (and bring back listings unpublished meanwhile). So the
 * moment the build starts is remembered, and after the swap every listing whose
 * row changed since then into a version the build did not write (public or not
 * any more, or whose featured placement ended) gets an outbox job, and a reconcile pass queues whatever else differs
 * (a long import transaction that committed during the build with older
 * timestamps). Outbox jobs, not direct writes: they run in the listing's serial
 * queue, so a re-sync cannot overtake a newer change.
 */
export async function reindexAll(
  options: { batchSize?: number; log?: (line: string) => void; onProgress?: (indexed: number) => void | Promise<void> } = {},
) {
  const client = meili();
  const live = indexName(LISTINGS);
  const building = `${live}_build_${Date.now()}`;
  const batchSize = options.batchSize ?? REINDEX_PAGE_SIZE;
  const since = new Date(Date.now() - REINDEX_WINDOW_MARGIN_MS);
  await ensureListingsIndex(live);
  await ensureListingsIndex(building);
  let count = 0;
  let after: string | null = null;
  const started = performance.now();
  /** The version (updatedAt, in the document's whole seconds) the build wrote of each listing. */
  const built = new Map<string, number>();
  /** Tasks sent and not yet indexed. */
  const inFlight: { uid: number; size: number }[] = [];
  const settleOldest = async () => {
    const { uid, size } = inFlight.shift()!;
    const task = await client.tasks.waitForTask(uid, { timeout: 300_000 });
    if (task.status !== "succeeded") throw new Error(`indexing into ${building} failed (task ${task.uid}): ${task.error?.message}`);
    count += size;
    options.log?.(`indexed ${count}`);
    await options.onProgress?.(count);
  };
  for (;;) {
    const page: ListingDocument[] = await loadDocumentPage(after, batchSize);
    if (page.length === 0) break;
    for (const document of page) built.set(document.id, document.updatedAt);
    for (const { body, count: size } of ndjsonBodies(page, REINDEX_MAX_TASK_BYTES)) {
      if (inFlight.length >= REINDEX_TASKS_IN_FLIGHT) await settleOldest();
      const enqueued = await client.index(building).addDocumentsFromString(body, "application/x-ndjson", { primaryKey: "id" });
      inFlight.push({ uid: enqueued.taskUid, size });
    }
    after = page[page.length - 1]!.id;
  }
  while (inFlight.length) await settleOldest();
  const swap = await client.swapIndexes([{ indexes: [live, building], rename: false }]).waitTask({ timeout: 60_000 });
  if (swap.status !== "succeeded") throw new Error(`swapping ${building} in failed (task ${swap.uid}): ${swap.error?.message}`);
  await client.index(building).delete().waitTask({ timeout: 60_000 });
  const changed = await listingsChangedSince(since, built);
  await enqueueSyncs(changed);
  const drift = await reconcile({ repair: "outbox", skipPending: true });
  // Matching's term index is derived from the same rows: a rebuild brings it in line too.
  const terms = await reconcileMatchTerms({ log: options.log });
  if (terms.written + terms.removed > 0) options.log?.(`matching terms: ${terms.written} listings written, ${terms.removed} removed`);
  const resynced = changed.length + drift.repaired;
  if (resynced > 0) options.log?.(`queued ${resynced} listings that changed during the build for re-sync`);
  const seconds = (performance.now() - started) / 1000;
  return { documents: count, resynced, seconds, perSecond: count / Math.max(seconds, 0.001) };
}

/**
 * Ids of listings, public or not, whose row changed since `since` into another version than
 * the build wrote (a listing written as it is now needs nothing: right after a bulk load,
 * every listing changed within the window and the build has them all), or whose featured
 * placement ended since then.
 */
async function listingsChangedSince(since: Date, built: ReadonlyMap<string, number>): Promise<string[]> {
  const now = new Date();
  const rows = await prisma.listing.findMany({
    where: { OR: [{ updatedAt: { gte: since } }, { featuredUntil: { gte: since, lte: now } }] },
    select: { id: true, updatedAt: true, featuredUntil: true },
  });
  return rows
    .filter((r) => built.get(r.id) !== Math.floor(r.updatedAt.getTime() / 1000) || (r.featuredUntil !== null && r.featuredUntil >= since && r.featuredUntil <= now))
    .map((r) => r.id);
}

/** Outbox jobs for these listings, a thousand per statement. */
async function enqueueSyncs(ids: string[]) {
  for (let i = 0; i < ids.length; i += 1_000) await enqueueListingSyncs(prisma, ids.slice(i, i + 1_000));
}

export interface Drift {
  missing: string[];
  extra: string[];
  stale: string[];
}

export interface ReconcileResult extends Drift {
  /** Differences whose outbox job is already waiting (left out of the lists above with skipPending). */
  pending: string[];
  /** Public listings in the database, documents in the index. */
  published: number;
  indexed: number;
  repaired: number;
}

/**
 * Compares database and index by paging ids (and the updatedAt stamp) on both
 * sides, never whole documents, so a pass over 100,000 listings stays cheap.
 *
 * repair: "sync" (or true) writes the differing documents now (the command an
 * operator runs); "outbox" queues an outbox job per listing, which the worker
 * applies in the listing's serial queue, so a repair can never overtake a newer
 * change (the scheduled pass). skipPending leaves out differences that already
 * have a live outbox job: a change on its way, not drift.
 */
export async function reconcile(
  options: { repair?: boolean | "sync" | "outbox"; pageSize?: number; skipPending?: boolean } = {},
): Promise<ReconcileResult> {
  const pageSize = options.pageSize ?? 1_000;
  const index = listingsIndex();
  const indexed = new Map<string, number>();
  for (let offset = 0; ; offset += pageSize) {
    const page = await index.getDocuments({ fields: ["id", "updatedAt"], limit: pageSize, offset });
    for (const doc of page.results) indexed.set(doc.id, doc.updatedAt);
    if (page.results.length < pageSize) break;
  }
  const drift: Drift = { missing: [], extra: [], stale: [] };
  const inDatabase = new Set<string>();
  const where = publicListingWhere();
  for (let after: string | null = null; ; ) {
    const page: { id: string; updatedAt: Date }[] = await prisma.listing.findMany({
      where: { ...where, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true, updatedAt: true },
    });
    if (page.length === 0) break;
    for (const row of page) {
      inDatabase.add(row.id);
      const seen = indexed.get(row.id);
      // The document keeps updatedAt in whole seconds (toDocument).
      if (seen === undefined) drift.missing.push(row.id);
      else if (seen !== Math.floor(row.updatedAt.getTime() / 1000)) drift.stale.push(row.id);
    }
    after = page[page.length - 1]!.id;
  }
  for (const id of indexed.keys()) if (!inDatabase.has(id)) drift.extra.push(id);
  await confirmDrift(drift, pageSize);

  let pending: string[] = [];
  if (options.skipPending) {
    const waiting = await listingsWithPendingSync([...drift.missing, ...drift.stale, ...drift.extra]);
    pending = [...waiting];
    drift.missing = drift.missing.filter((id) => !waiting.has(id));
    drift.stale = drift.stale.filter((id) => !waiting.has(id));
    drift.extra = drift.extra.filter((id) => !waiting.has(id));
  }

  let repaired = 0;
  const differing = [...drift.missing, ...drift.stale, ...drift.extra];
  if (options.repair === "outbox") {
    await enqueueSyncs(differing);
    repaired = differing.length;
  } else if (options.repair) {
    for (let i = 0; i < differing.length; i += MAX_BATCH) {
      const outcomes = await writeDocuments(differing.slice(i, i + MAX_BATCH));
      const error = outcomes.find((o): o is Error => o instanceof Error);
      if (error) throw error;
      repaired += outcomes.length;
    }
  }
  return { ...drift, pending, published: inDatabase.size, indexed: indexed.size, repaired };
}

/**
 * Both sides were read one after the other, over seconds at 100,000 listings: a listing
 * indexed after the index was paged reads as missing, one changed in between as stale or
 * extra. The differing listings are read again, on both sides, and only what still differs
 * stays in `drift` (in place).
 */
async function confirmDrift(drift: Drift, pageSize: number) {
  const ids = [...drift.missing, ...drift.stale, ...drift.extra];
  if (ids.length === 0) return;
  const index = listingsIndex();
  const where = publicListingWhere();
  const recheck: Drift = { missing: [], extra: [], stale: [] };
  for (let i = 0; i < ids.length; i += pageSize) {
    const chunk = ids.slice(i, i + pageSize);
    const [documents, rows] = await Promise.all([
      index.getDocuments({ ids: chunk, fields: ["id", "updatedAt"], limit: chunk.length }),
      prisma.listing.findMany({ where: { ...where, id: { in: chunk } }, select: { id: true, updatedAt: true } }),
    ]);
    const inIndex = new Map(documents.results.map((d) => [d.id, d.updatedAt]));
    const inDatabase = new Map(rows.map((r) => [r.id, Math.floor(r.updatedAt.getTime() / 1000)]));
    for (const id of chunk) {
      const seen = inIndex.get(id);
      const stamp = inDatabase.get(id);
      if (stamp === undefined && seen !== undefined) recheck.extra.push(id);
      else if (stamp !== undefined && seen === undefined) recheck.missing.push(id);
      else if (stamp !== undefined && seen !== stamp) recheck.stale.push(id);
    }
  }
  Object.assign(drift, recheck);
}

/**
 * Of these listings, those with an outbox job that will still run: attempts
 * left, and not held by a lock older than a minute (a lock that old may be a
 * dead worker's; the liveness sweep frees it, and a new job does no harm).
 */
async function listingsWithPendingSync(ids: string[]): Promise<Set<string>> {
  const waiting = new Set<string>();
  for (let i = 0; i < ids.length; i += 1_000) {
    const keys = ids.slice(i, i + 1_000).map((id) => `listing:${id}`);
    const rows = await prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM graphile_worker.jobs
      WHERE key = ANY(${keys}::text[]) AND attempts < max_attempts
        AND (locked_at IS NULL OR locked_at > now() - interval '1 minute')`;
    for (const row of rows) waiting.add(row.key.slice("listing:".length));
  }
  return waiting;
}
