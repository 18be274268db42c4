import type { Tx } from "~/lib/db.server.ts";
import { enqueueListingSync, enqueueListingSyncs, INDEX_LISTING_TASK, INDEX_MAX_ATTEMPTS, INDEX_QUEUES } from "~/modules/search/outbox.server.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);

/**
 * Adds a featured placement bought by `paymentId`: it starts when the listing's
 * current placement ends (or now) and lasts `days`, so buying again extends.
 * Updates Listing.featuredUntil and queues the search sync in the caller's transaction.
 */
export async function addFeaturedPlacement(tx: Tx, input: { listingId: string; paymentId: string; days: number; now: Date }) {
  const listing = await tx.listing.findUniqueOrThrow({ where: { id: input.listingId }, select: { featuredUntil: true } });
  const startsAt = listing.featuredUntil ? later(input.now, listing.featuredUntil) : input.now;
  const placement = await tx.featuredPlacement.create({
    data: { listingId: input.listingId, paymentId: input.paymentId, startsAt, endsAt: new Date(startsAt.getTime() + input.days * DAY_MS) },
    select: { id: true, startsAt: true, endsAt: true },
  });
  await recomputeFeaturedUntil(tx, input.listingId);
  return placement;
}

/** Revokes the placement a refunded payment bought; later placements move back into the freed days. */
export async function revokeFeaturedPlacement(tx: Tx, input: { paymentId: string; now: Date }) {
  const placement = await tx.featuredPlacement.findUnique({ where: { paymentId: input.paymentId }, select: { id: true, listingId: true, revokedAt: true } });
  if (!placement || placement.revokedAt) return null;
  await tx.featuredPlacement.update({ where: { id: placement.id }, data: { revokedAt: input.now } });
  await recomputeFeaturedUntil(tx, placement.listingId);
  return placement;
}

/**
 * Listing.featuredUntil is derived from the listing's placements: the end of the
 * chain of live (non-revoked) placements, or null. Placements run back to back in
 * the order they were bought. When one is revoked (refunded), the placements after
 * it move back so each still lasts what was paid for, but never to before it was
 * bought: the refunded days are removed, not handed to the next purchase.
 * Queues the search sync when the value changes.
 */
export async function recomputeFeaturedUntil(tx: Tx, listingId: string): Promise<Date | null> {
  // Serialises concurrent grants and refunds of one listing's placements.
  await tx.$queryRaw`SELECT id FROM "Listing" WHERE id = ${listingId} FOR UPDATE`;
  const [listing, placements] = await Promise.all([
    tx.listing.findUniqueOrThrow({ where: { id: listingId }, select: { featuredUntil: true } }),
    tx.featuredPlacement.findMany({
      where: { listingId },
      orderBy: [{ startsAt: "asc" }, { createdAt: "asc" }],
      select: { id: true, startsAt: true, endsAt: true, createdAt: true, revokedAt: true },
    }),
  ]);
  let cursor: Date | null = null;
  let freed = false;
  for (const p of placements) {
    if (p.revokedAt) {
      freed = true;
      continue;
    }
    const length = p.endsAt.getTime() - p.startsAt.getTime();
    let startsAt = p.startsAt;
    if (freed) startsAt = earlier(p.startsAt, later(p.createdAt, cursor ?? p.createdAt));
    else if (cursor && cursor > startsAt) startsAt = cursor;
    const endsAt = new Date(startsAt.getTime() + length);
    if (startsAt.getTime() !== p.startsAt.getTime()) {
      await tx.featuredPlacement.update({ where: { id: p.id }, data: { startsAt, endsAt } });
    }
    cursor = endsAt;
  }
  const featuredUntil = cursor;
  if ((listing.featuredUntil?.getTime() ?? null) !== (featuredUntil?.getTime() ?? null)) {
    await tx.listing.update({ where: { id: listingId }, data: { featuredUntil } });
    await enqueueListingSync(tx, listingId);
    if (featuredUntil) await scheduleSyncAt(tx, listingId, featuredUntil);
  }
  return featuredUntil;
}

/**
 * The search document says "featured" until it is re-read after featuredUntil:
 * one outbox job is scheduled for that moment (in the listing's serial queue;
 * its own key, so it is moved rather than duplicated when the end changes).
 */
async function scheduleSyncAt(tx: Tx, listingId: string, at: Date) {
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    ${INDEX_LISTING_TASK},
    json_build_object('listingId', ${listingId}::text),
    queue_name := 'search-index-' || (hashtext(${listingId}::text) & ${INDEX_QUEUES - 1}),
    run_at := ${new Date(at.getTime() + 1000)}::timestamptz,
    job_key := ${`listing-featured-end:${listingId}`},
    max_attempts := ${INDEX_MAX_ATTEMPTS}
  )`;
}

/**
 * Listings whose featured placement ended within the last `withinHours`: their
 * search document still says featured until the outbox re-reads them.
 */
export async function resyncEndedFeaturedListings(tx: Tx, now: Date, withinHours: number) {
  const ended = await tx.listing.findMany({
    where: { featuredUntil: { lte: now, gt: new Date(now.getTime() - withinHours * 60 * 60 * 1000) } },
    select: { id: true },
  });
  await enqueueListingSyncs(tx, ended.map((e) => e.id));
  return ended.length;
}
