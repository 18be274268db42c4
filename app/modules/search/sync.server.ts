import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { indexName, meili } from "~/lib/meili.server.ts";
import { enqueueListingMatching } from "~/modules/matching/enqueue.server.ts";
import { loadDocument, loadDocumentPage, type ListingDocument } from "./document.server.ts";
import { ensureListingsIndex, LISTINGS, listingsIndex } from "./index.server.ts";

const TASK_TIMEOUT_MS = 30_000;

/**
 * Brings one listing's document in line with the database: re-reads the row,
 * upserts it under its id when public, deletes it otherwise, and waits for
 * Meilisearch's task. Running it twice gives the same index. Throws when the
 * task fails, so graphile-worker retries it with backoff.
 */
export async function syncListing(listingId: string): Promise<"upserted" | "deleted"> {
  const document = await loadDocument(listingId);
  const index = listingsIndex();
  const task = document
    ? await index.addDocuments([document], { primaryKey: "id" }).waitTask({ timeout: TASK_TIMEOUT_MS })
    : await index.deleteDocument(listingId).waitTask({ timeout: TASK_TIMEOUT_MS });
  if (task.status !== "succeeded") {
    throw new Error(`Meilisearch task ${task.uid} ${task.status}: ${task.error?.message ?? "no error given"}`);
  }
  logger.debug("search document synced", { listingId, task: task.uid, action: document ? "upsert" : "delete" });
  // Matching reads the index, so it runs once the document is in (or out of) it.
  await enqueueListingMatching(prisma, listingId);
  return document ? "upserted" : "deleted";
}

/**
 * Builds a fresh index from the database and swaps it in, so search keeps
 * answering from the old one meanwhile; then deletes the old one.
 */
export async function reindexAll(options: { batchSize?: number; log?: (line: string) => void } = {}) {
  const client = meili();
  const live = indexName(LISTINGS);
  const building = `${live}_build_${Date.now()}`;
  const batchSize = options.batchSize ?? 2_000;
  await ensureListingsIndex(live);
  await ensureListingsIndex(building);
  let count = 0;
  let after: string | null = null;
  const started = performance.now();
  for (;;) {
    const page: ListingDocument[] = await loadDocumentPage(after, batchSize);
    if (page.length === 0) break;
    const task = await client.index(building).addDocuments(page, { primaryKey: "id" }).waitTask({ timeout: 300_000 });
    if (task.status !== "succeeded") throw new Error(`indexing into ${building} failed (task ${task.uid}): ${task.error?.message}`);
    count += page.length;
    after = page[page.length - 1]!.id;
    options.log?.(`indexed ${count}`);
  }
  const swap = await client.swapIndexes([{ indexes: [live, building], rename: false }]).waitTask({ timeout: 60_000 });
  if (swap.status !== "succeeded") throw new Error(`swapping ${building} in failed (task ${swap.uid}): ${swap.error?.message}`);
  await client.index(building).delete().waitTask({ timeout: 60_000 });
  const seconds = (performance.now() - started) / 1000;
  return { documents: count, seconds, perSecond: count / Math.max(seconds, 0.001) };
}

export interface Drift {
  missing: string[];
  extra: string[];
  stale: string[];
}

/** Compares database and index by paging ids on both sides; optionally repairs what differs. */
export async function reconcile(options: { repair?: boolean; pageSize?: number } = {}): Promise<Drift & { repaired: number }> {
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
  for (let after: string | null = null; ; ) {
    const page = await loadDocumentPage(after, pageSize);
    if (page.length === 0) break;
    for (const doc of page) {
      inDatabase.add(doc.id);
      const seen = indexed.get(doc.id);
      if (seen === undefined) drift.missing.push(doc.id);
      else if (seen !== doc.updatedAt) drift.stale.push(doc.id);
    }
    after = page[page.length - 1]!.id;
  }
  for (const id of indexed.keys()) if (!inDatabase.has(id)) drift.extra.push(id);
  let repaired = 0;
  if (options.repair) {
    for (const id of [...drift.missing, ...drift.stale, ...drift.extra]) {
      await syncListing(id);
      repaired++;
    }
  }
  return { ...drift, repaired };
}
