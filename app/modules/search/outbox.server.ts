import type { Tx } from "~/lib/db.server.ts";
import { addListingJobs } from "~/modules/jobs/add-jobs.server.ts";
import { queueCatalogueCountsRefresh } from "~/modules/listings/catalogue-counts.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";

export const INDEX_LISTING_TASK = "search:index-listing";
/** After this many failed attempts a job stays in the queue as dead, with its last error, for an admin. */
export const INDEX_MAX_ATTEMPTS = 8;

/** Jobs are spread over this many serial queues (a power of two: the queue is the id's hash & (n - 1)). */
export const INDEX_QUEUES = 64;

/**
 * Adds "bring this listing's search document up to date" to graphile-worker's
 * queue inside the caller's transaction, so the change and its outbox row
 * commit together or not at all. The job key coalesces repeated changes.
 *
 * Jobs of one listing must not overlap: when a change arrives while the
 * listing's job is running, graphile-worker starts a second job, and the first
 * (which read the row before the change) could write its stale document after
 * the second. A named queue runs its jobs one at a time, so every listing hashes
 * to one of INDEX_QUEUES queues. Jobs of different listings that run at the same
 * time share one Meilisearch write (sync.server.ts).
 */
export function enqueueListingSync(tx: Pick<Tx, "$executeRaw">, listingId: string) {
  return enqueueListingSyncs(tx, [listingId]);
}

/**
 * enqueueListingSync for many listings in one statement (reindex, reconcile). Every change
 * the public can see passes here in its own transaction, so the home page's counts are
 * queued for a (debounced) recount here too.
 */
export async function enqueueListingSyncs(tx: Pick<Tx, "$executeRaw">, listingIds: readonly string[]) {
  if (listingIds.length === 0) return;
  await addListingJobs(tx, INDEX_LISTING_TASK, listingIds, { keyPrefix: "listing:", maxAttempts: INDEX_MAX_ATTEMPTS, queuePrefix: "search-index-", queues: INDEX_QUEUES });
  await queueCatalogueCountsRefresh(tx, listingIds);
}

/**
 * Queues the documents of an organisation's public listings after a change their documents
 * carry (its verification: `verified`), in the caller's transaction.
 */
export async function enqueueOrganisationListingSyncs(tx: Pick<Tx, "$executeRaw" | "listing">, organisationId: string) {
  const listings = await tx.listing.findMany({ where: { organisationId, ...publicListingWhere() }, select: { id: true } });
  await enqueueListingSyncs(tx, listings.map((l) => l.id));
}
