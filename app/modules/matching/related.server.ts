import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { meiliErrorMessage } from "~/lib/meili.server.ts";
import { metrics } from "~/lib/metrics.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import type { ListingDocument } from "~/modules/search/document.server.ts";
import { findCandidates, NEED_TYPES, OFFER_TYPES } from "~/modules/search/related.server.ts";
import { getTermStats } from "./idf.server.ts";
import { candidateSource } from "./matching.server.ts";
import { relatedScore } from "./scoring.ts";
import { listingSimilarity, listingTerms, vectorOf, type TermStats } from "./text.ts";

/** One listing related to another, for the listing page (DESIGN.md §3; issue #11 point 5). */
export interface RelatedListing {
  id: string;
  title: string;
  type: string;
  organisationName: string;
  /** Calibrated like a match score, in [0, 1]. */
  score: number;
}

const sourceSelect = {
  id: true,
  type: true,
  title: true,
  language: true,
  summary: true,
  keywords: true,
  problemStatement: true,
  applications: true,
  sectors: { select: { sectorCode: true } },
} satisfies Prisma.ListingSelect;
type Source = Prisma.ListingGetPayload<{ select: typeof sourceSelect }>;

interface Other {
  id: string;
  title: string;
  type: string;
  organisationName: string;
  language: string;
  keywords: readonly string[];
  summary: string;
  sectorCodes: readonly string[];
}

/** For a need: the offers that answer it; for an offer: similar offers and the needs it answers. */
const typesFor = (type: Source["type"]) => (type === "TECHNOLOGY_REQUEST" ? OFFER_TYPES : [...OFFER_TYPES, ...NEED_TYPES]);

function rank(source: Source, others: readonly Other[], stats: TermStats, limit: number): RelatedListing[] {
  const mine = vectorOf(listingTerms(source), stats);
  const codes = source.sectors.map((s) => s.sectorCode);
  return others
    .filter((o) => o.id !== source.id)
    .map((o) => {
      const text = listingSimilarity(mine, vectorOf(listingTerms({ title: o.title, keywords: o.keywords, summary: o.summary }), stats), source.language, o.language);
      return { id: o.id, title: o.title, type: o.type, organisationName: o.organisationName, score: relatedScore(codes, o.sectorCodes, text) };
    })
    .filter((r): r is RelatedListing & { score: number } => r.score !== null)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** Without Meilisearch: published listings sharing a sub-field (then a field), judged the same way. */
async function fromDatabase(source: Source, stats: TermStats, limit: number): Promise<RelatedListing[]> {
  const codes = source.sectors.map((s) => s.sectorCode);
  if (codes.length === 0) return [];
  const fields = [...new Set(codes.map((c) => c.split(".")[0]!))];
  const where = publicListingWhere();
  // One query per type, merged: each walks the (status, type, publishedAt) index in order and
  // stops at 200. One query with `type IN (…)` had to read and sort every public listing of those
  // types when the planner had no statistics (434 ms instead of 9 ms at 50,000 listings).
  const perType = await Promise.all(
    typesFor(source.type).map((type) =>
      prisma.listing.findMany({
        where: { ...where, type, id: { not: source.id }, sectors: { some: { OR: [{ sectorCode: { in: codes } }, { sector: { parentCode: { in: fields } } }] } } },
        orderBy: { publishedAt: "desc" },
        take: 200,
        select: { id: true, title: true, type: true, language: true, keywords: true, summary: true, publishedAt: true, organisation: { select: { name: true } }, sectors: { select: { sectorCode: true } } },
      }),
    ),
  );
  const rows = perType
    .flat()
    .sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0))
    .slice(0, 200);
  const others = rows.map((r) => ({
    id: r.id,
    title: r.title,
    type: r.type,
    organisationName: r.organisation.name,
    language: r.language,
    keywords: r.keywords,
    summary: r.summary,
    sectorCodes: r.sectors.map((s) => s.sectorCode),
  }));
  return rank(source, others, stats, limit);
}

/** Where a listing's related listings came from: Meilisearch's candidates, the database's (search was down), or nowhere (both failed, or the listing is not public). */
export type RelatedSource = "search" | "database" | "none";

/**
 * The published listings most related to a listing, best first: for a need its best offers,
 * for an offer similar offers and the needs it answers; judged with the matcher's text
 * similarity and sector logic (one multi-search, one query). Never throws: when Meilisearch
 * fails it falls back to PostgreSQL by sector, and when that fails too it returns []. Says
 * where the answer came from (the listing page keeps a fallback's answer only briefly).
 */
export async function judgeRelated(listingId: string, limit = 6): Promise<{ listings: RelatedListing[]; from: RelatedSource }> {
  try {
    const source = await prisma.listing.findFirst({ where: { id: listingId, ...publicListingWhere() }, select: sourceSelect });
    if (!source) return { listings: [], from: "none" };
    const stats = await getTermStats();
    try {
      const candidates = await findCandidates(
        candidateSource(source, stats),
        // A person waits for this page: the search timeout, then the database.
        { types: typesFor(source.type), limit: 30, attributes: ["title", "type", "language", "organisationName", "keywords", "summary", "sectorCodes"], purpose: "search" },
      );
      const others = candidates.map(({ id, doc }) => {
        const d = doc as Partial<ListingDocument>;
        return {
          id,
          title: d.title ?? "",
          type: d.type ?? "",
          organisationName: d.organisationName ?? "",
          language: d.language ?? source.language,
          keywords: d.keywords ?? [],
          summary: d.summary ?? "",
          sectorCodes: d.sectorCodes ?? [],
        };
      });
      return { listings: rank(source, others, stats, limit), from: "search" };
    } catch (error) {
      logger.warn("related listings: search unavailable, using the database", { listingId, error: meiliErrorMessage(error) });
      metrics().searchFallbacks.inc({ feature: "related-listings" });
      return { listings: await fromDatabase(source, stats, limit), from: "database" };
    }
  } catch (error) {
    logger.warn("related listings unavailable", { listingId, error: String(error) });
    return { listings: [], from: "none" };
  }
}
