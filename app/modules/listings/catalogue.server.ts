import { LRUCache } from "lru-cache";
import { prisma } from "~/lib/db.server.ts";
import { singleton } from "~/lib/singleton.server.ts";
import { getCatalogueCounts, onCatalogueChange } from "./catalogue-counts.server.ts";
import { renderMarkdown } from "./markdown.server.ts";

/**
 * Read-only views of published listings for the public pages. A listing is public
 * when it is PUBLISHED and not past its expiry.
 */
export function publicListingWhere(now = new Date()) {
  return { status: "PUBLISHED" as const, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

/** Every content column of a listing: what its pages, forms and the API show (never confidential text). */
export const listingContentSelect = {
  id: true,
  type: true,
  language: true,
  title: true,
  summary: true,
  description: true,
  advantages: true,
  applications: true,
  keywords: true,
  provinceCode: true,
  countryCode: true,
  priceType: true,
  priceMin: true,
  priceMax: true,
  currency: true,
  transferModes: true,
  trl: true,
  ipStatus: true,
  ipNumbers: true,
  transferObjects: true,
  partnerSought: true,
  condition: true,
  manufacturer: true,
  model: true,
  manufactureYear: true,
  quantity: true,
  specifications: true,
  leaseAvailable: true,
  problemStatement: true,
  minTrl: true,
  budgetMin: true,
  budgetMax: true,
  budgetCurrency: true,
  deadline: true,
  preferredProvinceCodes: true,
  publishedAt: true,
  expiresAt: true,
} as const;

/** What a listing card shows (home page, related listings). */
export const cardSelect = {
  id: true,
  type: true,
  title: true,
  summary: true,
  language: true,
  publishedAt: true,
  featuredUntil: true,
  trl: true,
  condition: true,
  organisation: { select: { id: true, name: true, verifiedAt: true } },
  province: { select: { shortNameVi: true, nameEn: true } },
  sectors: { select: { sector: { select: { code: true, labelVi: true, labelEn: true } } }, take: 3 },
} as const;

/**
 * The home page: the newest and featured public listings, and the catalogue's counts (kept by
 * catalogue-counts.server.ts, never counted here). Every visitor sees the same page, so it is
 * read at most once per HOME_TTL_MS in a process (a stale copy is served while the next is
 * read): four queries per visit were most of the page's cost (#17). A listing change the
 * public can see forgets it at once in the process that made it (onCatalogueChange, with the
 * count refresh it queues); other processes see it within HOME_TTL_MS, as the counts lag.
 */
export async function getHomePage(): Promise<HomePage> {
  return (await homePage.fetch())!;
}

const HOME_TTL_MS = 5_000;

type HomePage = Awaited<ReturnType<typeof readHomePage>>;

const homePage = singleton("home-page", () => {
  // A change moves on to a new key (a cleared entry would abort a read in flight, failing its visitors).
  let generation = 0;
  const cache = new LRUCache<number, HomePage>({ max: 2, ttl: HOME_TTL_MS, allowStale: true, fetchMethod: () => readHomePage() });
  onCatalogueChange(() => void generation++);
  return { fetch: () => cache.fetch(generation) };
});

async function readHomePage() {
  const now = new Date();
  const where = publicListingWhere(now);
  const [latest, featured, counts, topSectors] = await Promise.all([
    prisma.listing.findMany({ where, orderBy: { publishedAt: "desc" }, take: 9, select: cardSelect }),
    prisma.listing.findMany({
      where: { ...where, featuredUntil: { gt: now } },
      orderBy: { featuredUntil: "desc" },
      take: 3,
      select: cardSelect,
    }),
    getCatalogueCounts(),
    prisma.sector.findMany({ where: { level: 1 }, orderBy: { position: "asc" }, select: { code: true, labelVi: true, labelEn: true } }),
  ]);
  return {
    latest,
    featured,
    counts: { ...counts.byType, organisations: counts.organisations },
    sectors: topSectors.map((s) => ({ ...s, count: counts.bySector[s.code] ?? 0 })),
  };
}

/** One public listing with what its page shows (never the confidential details). */
export async function getPublicListing(id: string) {
  const listing = await findPublicListing(id);
  if (!listing) return null;
  const { confidential, ...shown } = listing;
  const preferredProvinces = listing.preferredProvinceCodes.length
    ? await prisma.province.findMany({ where: { code: { in: listing.preferredProvinceCodes } }, orderBy: { position: "asc" }, select: { shortNameVi: true, nameEn: true } })
    : [];
  // Only whether confidential details exist is public; their text never leaves this module here.
  return { ...shown, preferredProvinces, hasConfidential: confidential !== null, descriptionHtml: renderMarkdown(listing.description) };
}

function findPublicListing(id: string) {
  return prisma.listing.findFirst({
    where: { id, ...publicListingWhere() },
    select: {
      ...listingContentSelect,
      viewCount: true,
      featuredUntil: true,
      updatedAt: true,
      organisation: { select: { id: true, name: true, kind: true, description: true, website: true, verifiedAt: true, province: { select: { shortNameVi: true, nameEn: true } } } },
      province: { select: { shortNameVi: true, nameEn: true } },
      sectors: { select: { sector: { select: { code: true, labelVi: true, labelEn: true } } } },
      confidential: { select: { listingId: true } },
    },
  });
}

/**
 * A public listing's NDA: the exact text a reader accepts, and the owner. Null when
 * the listing is not public or has no confidential details. Never the details.
 */
export async function getListingNda(listingId: string) {
  const row = await prisma.listingConfidential.findFirst({
    where: { listingId, listing: publicListingWhere() },
    select: { ndaText: true, listing: { select: { organisationId: true } } },
  });
  return row && { listingId, organisationId: row.listing.organisationId, ndaText: row.ndaText };
}

/**
 * A public listing's confidential details as sanitised HTML. Callers decide first
 * who may read them (the listing's organisation, or one that accepted its NDA:
 * see app/modules/inquiries/nda.server.ts); nothing else loads this text for a page.
 */
export async function getConfidentialDetailsHtml(listingId: string) {
  const row = await prisma.listingConfidential.findFirst({ where: { listingId, listing: publicListingWhere() }, select: { details: true } });
  return row ? renderMarkdown(row.details) : null;
}

/**
 * A published listing for the public JSON API: every public field, money as
 * numbers in whole units, sectors with both labels, no confidential text.
 */
export async function getListingApiView(id: string) {
  const l = await getPublicListing(id);
  if (!l) return null;
  const amount = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    id: l.id,
    type: l.type,
    language: l.language,
    title: l.title,
    summary: l.summary,
    description: l.description,
    advantages: l.advantages,
    applications: l.applications,
    keywords: l.keywords,
    sectors: l.sectors.map(({ sector }) => ({ code: sector.code, labelVi: sector.labelVi, labelEn: sector.labelEn })),
    province: l.province ? { nameVi: l.province.shortNameVi, nameEn: l.province.nameEn } : null,
    countryCode: l.countryCode,
    organisation: { id: l.organisation.id, name: l.organisation.name, kind: l.organisation.kind, url: `/orgs/${l.organisation.id}` },
    price: l.type === "TECHNOLOGY_REQUEST" ? null : { type: l.priceType, min: amount(l.priceMin), max: amount(l.priceMax), currency: l.currency },
    transferModes: l.transferModes,
    technology: l.type === "TECHNOLOGY_OFFER" ? { trl: l.trl, ipStatus: l.ipStatus, ipNumbers: l.ipNumbers, transferObjects: l.transferObjects, partnerSought: l.partnerSought } : null,
    equipment:
      l.type === "EQUIPMENT_OFFER"
        ? { condition: l.condition, manufacturer: l.manufacturer, model: l.model, year: l.manufactureYear, quantity: l.quantity, specifications: l.specifications, leaseAvailable: l.leaseAvailable }
        : null,
    request:
      l.type === "TECHNOLOGY_REQUEST"
        ? {
            problemStatement: l.problemStatement,
            minTrl: l.minTrl,
            budget: { min: amount(l.budgetMin), max: amount(l.budgetMax), currency: l.budgetCurrency },
            deadline: l.deadline?.toISOString().slice(0, 10) ?? null,
            preferredProvinces: l.preferredProvinces.map((p) => ({ nameVi: p.shortNameVi, nameEn: p.nameEn })),
          }
        : null,
    hasConfidentialDetails: l.hasConfidential,
    featured: l.featuredUntil !== null && l.featuredUntil > new Date(),
    publishedAt: l.publishedAt?.toISOString() ?? null,
    expiresAt: l.expiresAt?.toISOString() ?? null,
    viewCount: l.viewCount,
    url: `/listings/${l.id}`,
  };
}
