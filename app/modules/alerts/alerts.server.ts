import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { notifyUsers } from "~/modules/notifications/notify.server.ts";
import { INDEX_MAX_ATTEMPTS } from "~/modules/search/outbox.server.ts";
import { searchListingHits } from "~/modules/search/search.server.ts";
import { parseSavedSearch, savedSearchPath, toSavedFilters } from "./schema.ts";

/** How many listings a digest names; the rest are counted. */
export const DIGEST_TITLES = 10;
const SEARCH_PAGE_SIZE = 50;
/** A digest looks at most this many of the newest matches (1,000 listings). */
const MAX_SEARCH_PAGES = 20;
const BATCH = 200;

type DueFrequency = "INSTANT" | "DAILY" | "WEEKLY";

export interface AlertRunSummary {
  searches: number;
  alerted: number;
  listings: number;
  failed: number;
}

/**
 * Publication times of listings published after `since` whose search outbox job
 * has not run yet (a dead job, waiting for an admin, does not hold alerts back).
 * Usually none or a handful.
 */
async function pendingIndexTimes(since: Date): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ publishedAt: Date }[]>`
    SELECT l."publishedAt" AS "publishedAt"
    FROM "Listing" l
    JOIN graphile_worker.jobs j ON j.key = 'listing:' || l.id
    WHERE l."publishedAt" > ${since} AND j.attempts < ${INDEX_MAX_ATTEMPTS}`;
  return rows.map((r) => r.publishedAt.getTime());
}

/**
 * The instant up to which the search index surely holds every listing published
 * after `checkedUntil`: just before the earliest one still waiting for its
 * outbox job. Such a listing is looked at again next time instead of being
 * skipped for good.
 */
function indexedUntil(pending: number[], checkedUntil: Date, now: Date): Date {
  const waiting = pending.filter((t) => t > checkedUntil.getTime());
  return waiting.length ? new Date(Math.min(now.getTime(), Math.min(...waiting) - 1)) : now;
}

interface DueSearch {
  id: string;
  userId: string;
  name: string;
  query: string;
  filters: unknown;
  frequency: DueFrequency;
  checkedUntil: Date;
}

/**
 * One saved search: listings first published after its checkedUntil that match
 * its query and filters and were never sent for it. Their delivery rows, one
 * digest notification (its e-mail job included) and the new checkedUntil are
 * written in one transaction; the delivery key makes a listing go out once.
 */
export async function alertSavedSearch(search: DueSearch, now = new Date(), indexed?: Date): Promise<number> {
  const until = indexed ?? indexedUntil(await pendingIndexTimes(search.checkedUntil), search.checkedUntil, now);
  const candidates = await prisma.listing.findMany({
    where: {
      ...publicListingWhere(now),
      publishedAt: { gt: search.checkedUntil, lte: now },
      savedSearchDeliveries: { none: { savedSearchId: search.id } },
    },
    select: { id: true, title: true, publishedAt: true },
  });
  let matched: { id: string; title: string }[] = [];
  if (candidates.length) {
    const parsed = parseSavedSearch(search.query, search.filters, { sort: "newest", perPage: SEARCH_PAGE_SIZE });
    if (!parsed.ok) throw new Error(`saved search ${search.id} no longer parses: ${parsed.error.message}`);
    const wanted = new Map(candidates.map((c) => [c.id, c]));
    // The index keeps publishedAt in whole seconds.
    const floor = Math.floor(search.checkedUntil.getTime() / 1000) * 1000;
    for (let page = 1; page <= MAX_SEARCH_PAGES && wanted.size > matched.length; page++) {
      const result = await searchListingHits({ ...parsed.params, page });
      for (const hit of result.hits) {
        const candidate = wanted.get(hit.id);
        if (candidate && !matched.some((m) => m.id === hit.id)) matched.push({ id: candidate.id, title: candidate.title });
      }
      const last = result.hits[result.hits.length - 1];
      if (!last || page >= result.totalPages || new Date(last.publishedAt).getTime() < floor) break;
    }
    // Newest first, as the digest lists them.
    const order = new Map(candidates.map((c) => [c.id, c.publishedAt!.getTime()]));
    matched = matched.sort((a, b) => order.get(b.id)! - order.get(a.id)!);
  }
  return prisma.$transaction(async (tx) => {
    // Another run that got here first moved checkedUntil: this one steps back.
    const moved = await tx.savedSearch.updateMany({
      where: { id: search.id, checkedUntil: search.checkedUntil, unsubscribedAt: null, frequency: search.frequency },
      data: { checkedUntil: until > search.checkedUntil ? until : search.checkedUntil },
    });
    if (moved.count === 0 || matched.length === 0) return 0;
    const inserted = await tx.savedSearchDelivery.createManyAndReturn({
      data: matched.map((m) => ({ savedSearchId: search.id, listingId: m.id, sentAt: now })),
      skipDuplicates: true,
      select: { listingId: true },
    });
    const fresh = new Set(inserted.map((d) => d.listingId));
    const listings = matched.filter((m) => fresh.has(m.id));
    if (listings.length === 0) return 0;
    await tx.savedSearch.update({ where: { id: search.id }, data: { lastAlertedAt: now } });
    const parsed = parseSavedSearch(search.query, search.filters);
    const path = parsed.ok ? savedSearchPath(parsed.params.q, toSavedFilters({ ...parsed.params, sort: "newest" })) : "/saved-searches";
    await notifyUsers(tx, [search.userId], {
      type: "SAVED_SEARCH_ALERT",
      data: { savedSearchId: search.id, searchName: search.name, count: listings.length, listings: listings.slice(0, DIGEST_TITLES) },
      url: path,
    });
    return listings.length;
  });
}

/**
 * Every saved search of one frequency that is still subscribed, each on its own:
 * a search that fails is logged and the others go on; the run then throws, so
 * graphile-worker retries it (searches already done have nothing new to send).
 */
export async function runSavedSearchAlerts(frequency: DueFrequency, now = new Date()): Promise<AlertRunSummary> {
  const summary: AlertRunSummary = { searches: 0, alerted: 0, listings: 0, failed: 0 };
  let after: string | undefined;
  let pending: number[] | undefined;
  for (;;) {
    const batch = await prisma.savedSearch.findMany({
      where: { frequency, unsubscribedAt: null, user: { disabledAt: null }, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: BATCH,
      select: { id: true, userId: true, name: true, query: true, filters: true, frequency: true, checkedUntil: true },
    });
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.id;
    pending = undefined;
    for (const search of batch) {
      summary.searches++;
      try {
        pending ??= await pendingIndexTimes(new Date(Math.min(...batch.map((b) => b.checkedUntil.getTime()))));
        const sent = await alertSavedSearch(search as DueSearch, now, indexedUntil(pending, search.checkedUntil, now));
        if (sent) {
          summary.alerted++;
          summary.listings += sent;
        }
      } catch (error) {
        summary.failed++;
        logger.warn("saved-search alert failed; the run will be retried", { savedSearchId: search.id, error: (error as Error).message });
      }
    }
  }
  if (summary.failed) throw new Error(`${summary.failed} of ${summary.searches} ${frequency} saved-search alerts failed`);
  return summary;
}
