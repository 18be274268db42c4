import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { getTermStats } from "./idf.server.ts";
import { CANDIDATE_TERMS } from "./matching.server.ts";
import { relatedScore } from "./scoring.ts";
import { findTermCandidates } from "./terms.server.ts";
import { listingSimilarity, listingTerms, tellingTerms, vectorOf, type TermStats } from "./text.ts";

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

/** Where a listing's related listings came from: the term index, or nowhere (the listing is not public, or the database failed). */
export type RelatedSource = "terms" | "none";

/** Candidates per term: the listing page judges the union of the few terms' best users. */
const CANDIDATES_PER_TERM = 30;

/**
 * The published listings most related to a listing, best first: for a need its best offers,
 * for an offer similar offers and the needs it answers; judged with the matcher's text
 * similarity and sector logic, among the candidates of matching's term index (one lookup, one
 * read). Needs no Meilisearch. Never throws: when the database fails it returns [] and says so
 * (the listing page keeps such an answer only briefly).
 */
export async function judgeRelated(listingId: string, limit = 6): Promise<{ listings: RelatedListing[]; from: RelatedSource }> {
  try {
    const source = await prisma.listing.findFirst({ where: { id: listingId, ...publicListingWhere() }, select: sourceSelect });
    if (!source) return { listings: [], from: "none" };
    const stats = await getTermStats();
    // For a need: the offers that answer it; for an offer: similar offers and the needs it answers.
    const sides = source.type === "TECHNOLOGY_REQUEST" ? (["offer"] as const) : (["offer", "need"] as const);
    const [ids] = await findTermCandidates([{ terms: tellingTerms(listingTerms(source), stats, CANDIDATE_TERMS), sides }], CANDIDATES_PER_TERM);
    const rows = await prisma.listing.findMany({
      where: { id: { in: ids!.filter((id) => id !== source.id) }, ...publicListingWhere() },
      select: { id: true, title: true, type: true, language: true, keywords: true, summary: true, organisation: { select: { name: true } }, sectors: { select: { sectorCode: true } } },
    });
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
    return { listings: rank(source, others, stats, limit), from: "terms" };
  } catch (error) {
    logger.warn("related listings unavailable", { listingId, error: String(error) });
    return { listings: [], from: "none" };
  }
}
