import { LRUCache } from "lru-cache";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { singleton } from "~/lib/singleton.server.ts";
import { scopeOf, type Actor } from "~/modules/auth/permissions.ts";
import { judgeRelated, type RelatedListing } from "~/modules/matching/related.server.ts";
import { listAttachments } from "./attachments.server.ts";
import { onCatalogueChange } from "./catalogue-counts.server.ts";
import { cardSelect, getPublicListing, listingContentSelect, publicListingWhere } from "./catalogue.server.ts";
import { listingScopeWhere } from "./listings.server.ts";
import { LISTING_STATUSES, type ListingStatus } from "./lifecycle.ts";
import type { ListingTypeName } from "./schema.ts";

const num = (v: bigint | null) => (v === null ? null : Number(v));

/** The actor's organisations' listings, newest change first, with what "My listings" shows. */
export async function listMyListings(actor: Actor, filter: { status?: ListingStatus; organisationId?: string }) {
  const scope = scopeOf(actor, "listing:update");
  if (!scope || actor.organisationIds.length === 0) return { listings: [], counts: {} as Record<string, number> };
  // "My listings" means the actor's own organisations even for a broker who may edit any.
  const mine: Prisma.ListingWhereInput = { organisationId: { in: [...actor.organisationIds] } };
  const where: Prisma.ListingWhereInput = {
    ...mine,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.organisationId ? { organisationId: filter.organisationId } : {}),
  };
  const [listings, grouped] = await Promise.all([
    prisma.listing.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      take: 200,
      select: {
        id: true,
        type: true,
        status: true,
        title: true,
        language: true,
        updatedAt: true,
        publishedAt: true,
        expiresAt: true,
        viewCount: true,
        organisation: { select: { id: true, name: true } },
        revisions: { where: { status: "PENDING" }, select: { id: true }, take: 1 },
        events: { where: { kind: { in: ["REJECTED", "REVISION_REJECTED"] } }, orderBy: { createdAt: "desc" }, take: 1, select: { kind: true, reason: true, createdAt: true } },
      },
    }),
    prisma.listing.groupBy({ by: ["status"], where: mine, _count: { _all: true } }),
  ]);
  return {
    listings: listings.map(({ revisions, events, ...l }) => ({ ...l, pendingRevision: revisions.length > 0, lastRejection: events[0] ?? null })),
    counts: Object.fromEntries(LISTING_STATUSES.map((s) => [s, grouped.find((g) => g.status === s)?._count._all ?? 0])),
  };
}

const editSelect = {
  ...listingContentSelect,
  status: true,
  organisationId: true,
  submittedAt: true,
  organisation: { select: { id: true, name: true } },
  sectors: { select: { sectorCode: true } },
  confidential: { select: { details: true } },
  revisions: { where: { status: "PENDING" as const }, select: { id: true, data: true, createdAt: true }, take: 1 },
  events: {
    orderBy: { createdAt: "desc" as const },
    take: 20,
    select: { id: true, kind: true, fromStatus: true, toStatus: true, reason: true, createdAt: true, actor: { select: { name: true } } },
  },
} satisfies Prisma.ListingSelect;

/** Everything the edit page needs, in the form's field names; 404 outside the actor's scope. */
export async function getListingForEdit(actor: Actor, id: string) {
  const scope = scopeOf(actor, "listing:update");
  if (!scope) throw notFound();
  const l = await prisma.listing.findFirst({ where: { id, ...listingScopeWhere(scope) }, select: editSelect });
  if (!l) throw notFound();
  const { sectors, confidential, revisions, events, priceMin, priceMax, budgetMin, budgetMax, deadline, specifications, ...rest } = l;
  // A pending revision is what the owner last wrote: the form shows it.
  const pending = revisions[0];
  const values = {
    ...rest,
    priceMin: num(priceMin),
    priceMax: num(priceMax),
    budgetMin: num(budgetMin),
    budgetMax: num(budgetMax),
    deadline: deadline ? deadline.toISOString().slice(0, 10) : null,
    specifications: specifications && typeof specifications === "object" ? Object.entries(specifications as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join("\n") : "",
    sectorCodes: sectors.map((s) => s.sectorCode),
    confidentialDetails: confidential?.details ?? "",
  };
  return { listing: values, pendingRevision: pending ? { id: pending.id, createdAt: pending.createdAt, data: pending.data as Record<string, unknown> } : null, events };
}

export type ModerationFilter = { type?: ListingTypeName; sector?: string; province?: string };

/** Listings waiting for review and published listings' pending edits, oldest first. */
export async function getModerationQueue(actor: Actor, filter: ModerationFilter) {
  if (!scopeOf(actor, "listing:moderate")) throw notFound();
  const listingFilter: Prisma.ListingWhereInput = {
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.province ? { provinceCode: filter.province } : {}),
    ...(filter.sector ? { sectors: { some: { sector: { OR: [{ code: filter.sector }, { parentCode: filter.sector }] } } } } : {}),
  };
  const cardSelect = {
    id: true,
    type: true,
    title: true,
    summary: true,
    language: true,
    submittedAt: true,
    organisation: { select: { id: true, name: true, kind: true } },
    province: { select: { shortNameVi: true, nameEn: true } },
    sectors: { select: { sector: { select: { code: true, labelVi: true, labelEn: true } } } },
  } as const;
  const [pending, revisions] = await Promise.all([
    prisma.listing.findMany({ where: { status: "PENDING_REVIEW", ...listingFilter }, orderBy: [{ submittedAt: "asc" }, { id: "asc" }], take: 100, select: cardSelect }),
    prisma.listingRevision.findMany({
      where: { status: "PENDING", listing: listingFilter },
      orderBy: { createdAt: "asc" },
      take: 100,
      select: { id: true, createdAt: true, listing: { select: cardSelect } },
    }),
  ]);
  return { pending, revisions };
}

/** One listing as a moderator reviews it, with its pending revision, if any; 404 for others. */
export async function getListingForReview(actor: Actor, id: string) {
  if (!scopeOf(actor, "listing:moderate")) throw notFound();
  const l = await prisma.listing.findFirst({ where: { id }, select: { ...editSelect, organisation: { select: { id: true, name: true, kind: true } } } });
  if (!l) throw notFound();
  return l;
}

/**
 * How long a listing's related listings are kept once judged. Judging them is a candidate lookup and
 * a text comparison of some 200 candidates (about 100 ms at 100,000 listings, most of a listing
 * page's cost), and the answer changes only as the catalogue does: a listing read again within
 * this time is answered from memory, and one read after it gets the old answer while a new one
 * is judged. An edit of the listing is a new key, so the owner never sees related listings of
 * an older text; listings withdrawn since are left out by the read of the cards below.
 */
const RELATED_TTL_MS = 10 * 60_000;
/** An answer given when the database failed (none) is kept only this long. */
const RELATED_FALLBACK_TTL_MS = 30_000;

const relatedCache = singleton(
  "related-listings",
  () =>
    new LRUCache<string, RelatedListing[], { listingId: string; take: number }>({
      max: 10_000,
      ttl: RELATED_TTL_MS,
      allowStale: true,
      fetchMethod: async (_key, _stale, { options, context }) => {
        const { listings, from } = await judgeRelated(context.listingId, context.take);
        if (from !== "terms") options.ttl = RELATED_FALLBACK_TTL_MS;
        return listings;
      },
    }),
);

/**
 * Listings related to this one, most related first (issue #11 §5): matching's judgement of
 * text, sector and type (judgeRelated, from matching's term index; it never throws), kept for a while per version of the listing (RELATED_TTL_MS), shown
 * as cards. Only listings public now are shown.
 */
export async function getRelatedListings(listing: { id: string; updatedAt: Date }, take = 6) {
  const context = { listingId: listing.id, take };
  const ranked = (await relatedCache.fetch(`${listing.id}:${listing.updatedAt.getTime()}:${take}`, { context })) ?? [];
  if (ranked.length === 0) return [];
  const rows = await prisma.listing.findMany({ where: { ...publicListingWhere(), id: { in: ranked.map((r) => r.id), not: listing.id } }, select: cardSelect });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ranked.flatMap((r) => byId.get(r.id) ?? []);
}

/**
 * Counts a view of a public listing (called by a POST from the page, never by GET).
 * A view is not an edit: raw SQL, because Prisma's @updatedAt would stamp the row,
 * making the search document look stale and reordering "My listings". The
 * condition is publicListingWhere() in SQL.
 */
export async function recordListingView(id: string): Promise<boolean> {
  const count = await prisma.$executeRaw`
    UPDATE "Listing" SET "viewCount" = "viewCount" + 1
    WHERE id = ${id} AND status = 'PUBLISHED' AND ("expiresAt" IS NULL OR "expiresAt" > ${new Date()})`;
  return count > 0;
}

/** Sectors as a two-level tree and provinces, for the listing form. */
export async function getListingFormOptions() {
  const [sectors, provinces] = await Promise.all([
    prisma.sector.findMany({ orderBy: [{ level: "asc" }, { position: "asc" }], select: { code: true, parentCode: true, labelVi: true, labelEn: true, level: true } }),
    prisma.province.findMany({ orderBy: { position: "asc" }, select: { code: true, shortNameVi: true, nameEn: true } }),
  ]);
  const fields = sectors.filter((s) => s.level === 1).map((f) => ({ ...f, children: sectors.filter((s) => s.parentCode === f.code) }));
  return { sectors: fields, provinces };
}

/** The organisations the actor may post for. */
export function listPostingOrganisations(actor: Actor) {
  return prisma.organisation.findMany({ where: { id: { in: [...actor.organisationIds] } }, orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/**
 * A public listing as its page shows it to any visitor, with its attachments. Most views of a
 * listing come in bursts (a link shared, a listing on the home page), so each is read at most
 * once per LISTING_PAGE_TTL_MS in a process (#17: those reads were a third of the page's cost).
 * A change the public can see moves the listing on to a new key at once in the process that
 * made it (onCatalogueChange); in another process it lags at most that long. Its own
 * organisation's members always read it anew (`fresh`), so an edit, a new photo or a
 * withdrawal shows at once to those who made it. Related listings are not kept here: the
 * page reads their cards on every view, so a listing withdrawn elsewhere is never offered.
 */
export async function getPublicListingPage(id: string, options: { fresh?: (organisationId: string) => boolean } = {}) {
  const kept = await listingPages.fetch(id);
  if (kept && options.fresh?.(kept.listing.organisation.id)) return readListingPage(id);
  return kept ?? null;
}

const LISTING_PAGE_TTL_MS = 5_000;

type ListingPage = NonNullable<Awaited<ReturnType<typeof readListingPage>>>;

const listingPages = singleton("listing-pages", () => {
  // A changed listing moves on to a new key (deleting the entry would abort a read in flight,
  // failing its visitors); the old entry ages out. Generations are numbered process-wide, so a
  // forgotten one never brings an old entry back.
  let counter = 0;
  const generations = new LRUCache<string, number>({ max: 10_000 });
  const cache = new LRUCache<string, ListingPage, string>({
    max: 1_000,
    ttl: LISTING_PAGE_TTL_MS,
    fetchMethod: async (_key, _stale, { context }) => (await readListingPage(context)) ?? undefined,
  });
  onCatalogueChange((listingIds) => {
    for (const id of listingIds) generations.set(id, ++counter);
  });
  return { fetch: (id: string) => cache.fetch(`${id}#${generations.get(id) ?? 0}`, { context: id }) };
});

async function readListingPage(id: string) {
  const [listing, attachments] = await Promise.all([getPublicListing(id), listAttachments(id)]);
  return listing && { listing, attachments };
}
