import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { USD_VND_RATE } from "~/modules/search/document.server.ts";
import { needsRelevantTo, offersRelevantTo } from "~/modules/search/related.server.ts";
import { combineTextScores, MAX_PER_NEED, rankPairs, scorePair, type NeedFacts, type OfferFacts, type PairScore } from "./scoring.ts";

/**
 * Matching (DESIGN.md §3): the need side is the source of truth. A need's matches are
 * "its best offers": one Meilisearch multi-search with the need's text, plus offers of
 * the same sector field, each scored by scoring.ts. A changed offer recomputes every
 * need that may now rank it (needs found with the offer's text or sector, and needs it
 * is already suggested to), so a pair's score is the same whichever side triggered it.
 */

const OFFER_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"] as const;
/** The parts of a need's text, each scored on its own by Meilisearch, and their weights. */
const NEED_TEXT_WEIGHTS = { title: 0.35, keywords: 0.2, problem: 0.25, summary: 0.2 } as const;
const CANDIDATES_PER_QUERY = 100;
/** A changed offer recomputes at most this many needs; the nightly pass covers the rest. */
const MAX_NEEDS_PER_OFFER = 150;

const factsSelect = {
  id: true,
  type: true,
  title: true,
  summary: true,
  keywords: true,
  problemStatement: true,
  organisationId: true,
  trl: true,
  minTrl: true,
  priceType: true,
  priceMin: true,
  priceMax: true,
  currency: true,
  budgetMin: true,
  budgetMax: true,
  budgetCurrency: true,
  transferModes: true,
  preferredProvinceCodes: true,
  provinceCode: true,
  sectors: { select: { sectorCode: true } },
} satisfies Prisma.ListingSelect;
type FactsRow = Prisma.ListingGetPayload<{ select: typeof factsSelect }>;

function toVnd(amount: bigint | null, currency: "VND" | "USD" | null): number | null {
  if (amount === null) return null;
  return currency === "USD" ? Number(amount) * USD_VND_RATE : Number(amount);
}

const sectorCodesOf = (row: FactsRow) => row.sectors.map((s) => s.sectorCode);
const fieldsOf = (codes: string[]) => [...new Set(codes.map((c) => c.split(".")[0]!))];

function needFacts(row: FactsRow): NeedFacts {
  return {
    sectorCodes: sectorCodesOf(row),
    minTrl: row.minTrl,
    budgetMinVnd: toVnd(row.budgetMin, row.budgetCurrency),
    budgetMaxVnd: toVnd(row.budgetMax, row.budgetCurrency),
    transferModes: row.transferModes,
    preferredProvinceCodes: row.preferredProvinceCodes,
  };
}

function offerFacts(row: FactsRow): OfferFacts {
  return {
    sectorCodes: sectorCodesOf(row),
    trl: row.trl,
    priceType: row.priceType,
    priceMinVnd: toVnd(row.priceMin, row.currency),
    priceMaxVnd: toVnd(row.priceMax, row.currency),
    transferModes: row.transferModes,
    provinceCode: row.provinceCode,
  };
}

/** The parts of a need's text queried separately, with their weights. */
function needTexts(need: FactsRow) {
  return [
    { text: need.title, weight: NEED_TEXT_WEIGHTS.title },
    { text: need.keywords, weight: NEED_TEXT_WEIGHTS.keywords },
    { text: need.problemStatement ?? "", weight: NEED_TEXT_WEIGHTS.problem },
    { text: need.summary, weight: NEED_TEXT_WEIGHTS.summary },
  ].filter((part) => (typeof part.text === "string" ? part.text.trim() !== "" : part.text.length > 0));
}

export interface ScoredOffer extends PairScore {
  offerId: string;
}

/** Every candidate offer of a published need, scored (qualifying or not), best first. */
export async function scoreOffersForNeed(need: FactsRow): Promise<{ scored: ScoredOffer[]; offers: Map<string, FactsRow> }> {
  const texts = needTexts(need);
  const related = await offersRelevantTo(
    texts.map((t) => t.text),
    { limit: CANDIDATES_PER_QUERY, sectorCodes: fieldsOf(sectorCodesOf(need)), excludeOrganisationId: need.organisationId },
  );
  const ids = new Set([...related.bySector, ...related.byText.flatMap((m) => [...m.keys()])]);
  // The index may lag the database by a moment: only offers public now count.
  const rows = await prisma.listing.findMany({
    where: { id: { in: [...ids] }, type: { in: [...OFFER_TYPES] }, organisationId: { not: need.organisationId }, ...publicListingWhere() },
    select: factsSelect,
  });
  const facts = needFacts(need);
  const scored = rows.map((offer) => {
    const text = combineTextScores(texts.map((t, i) => ({ weight: t.weight, score: related.byText[i]!.get(offer.id) ?? 0 })));
    return { offerId: offer.id, ...scorePair(facts, offerFacts(offer), text) };
  });
  return { scored: rankPairs(scored), offers: new Map(rows.map((r) => [r.id, r])) };
}

/** Removes the SUGGESTED matches of a listing that is no longer public; decided ones stay. */
export async function removeSuggestions(listingId: string): Promise<number> {
  const { count } = await prisma.match.deleteMany({
    where: { status: "SUGGESTED", OR: [{ offerListingId: listingId }, { requestListingId: listingId }] },
  });
  return count;
}

export interface NeedRecompute {
  created: number;
  updated: number;
  removed: number;
}

/**
 * Recomputes one need's matches: creates the new suggestions (notifying both
 * organisations once), updates the score and reasons of existing ones (also of
 * introduced and dismissed matches, whose status never changes here), and deletes
 * suggestions that no longer qualify. Serialised per need by an advisory lock.
 */
export async function recomputeNeed(needId: string): Promise<NeedRecompute> {
  const need = await prisma.listing.findFirst({ where: { id: needId, type: "TECHNOLOGY_REQUEST", ...publicListingWhere() }, select: factsSelect });
  if (!need) return { created: 0, updated: 0, removed: await removeSuggestions(needId) };
  const { scored, offers } = await scoreOffersForNeed(need);
  const suggested = scored.filter((s) => s.qualifies).slice(0, MAX_PER_NEED);
  const byOffer = new Map(scored.map((s) => [s.offerId, s]));
  const keep = new Set(suggested.map((s) => s.offerId));
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`match:${need.id}`}))`;
    const existing = await tx.match.findMany({ where: { requestListingId: need.id }, select: { id: true, offerListingId: true, status: true } });
    const known = new Map(existing.map((m) => [m.offerListingId, m]));
    const result: NeedRecompute = { created: 0, updated: 0, removed: 0 };
    const now = new Date();
    for (const match of existing) {
      const pair = byOffer.get(match.offerListingId);
      // Decided matches keep their status whatever the score; suggestions stay only while they qualify.
      if (!pair || (match.status === "SUGGESTED" && !keep.has(match.offerListingId))) continue;
      await tx.match.update({ where: { id: match.id }, data: { score: pair.score, textScore: pair.textScore, reasons: pair.reasons as Prisma.InputJsonValue, computedAt: now } });
      result.updated++;
    }
    const stale = existing.filter((m) => m.status === "SUGGESTED" && !keep.has(m.offerListingId)).map((m) => m.id);
    if (stale.length) result.removed = (await tx.match.deleteMany({ where: { id: { in: stale }, status: "SUGGESTED" } })).count;
    for (const pair of suggested) {
      if (known.has(pair.offerId)) continue;
      const offer = offers.get(pair.offerId)!;
      const match = await tx.match.create({
        data: { offerListingId: offer.id, requestListingId: need.id, score: pair.score, textScore: pair.textScore, reasons: pair.reasons as Prisma.InputJsonValue, computedAt: now },
        select: { id: true },
      });
      await notifySuggested(tx, match.id, need, offer, pair.score);
      result.created++;
    }
    return result;
  });
}

/** Tells each side's organisation about a new suggestion, from its own listing's point of view. */
async function notifySuggested(tx: Tx, matchId: string, need: FactsRow, offer: FactsRow, score: number) {
  for (const [mine, other] of [
    [need, offer],
    [offer, need],
  ] as const) {
    await notifyOrganisations(tx, [mine.organisationId], {
      type: "MATCH_SUGGESTED",
      data: { matchId, listingId: mine.id, listingTitle: mine.title, otherListingId: other.id, otherTitle: other.title, score },
      url: `/listings/${mine.id}/matches`,
    });
  }
}

/** A changed offer: recomputes every need that may rank it now, or that it is suggested to. */
export async function recomputeOffer(offerId: string): Promise<{ needs: number }> {
  const offer = await prisma.listing.findFirst({ where: { id: offerId, type: { in: [...OFFER_TYPES] }, ...publicListingWhere() }, select: factsSelect });
  if (!offer) {
    await removeSuggestions(offerId);
    return { needs: 0 };
  }
  const related = await needsRelevantTo([offer.title, offer.keywords, offer.summary], {
    limit: 50,
    sectorCodes: fieldsOf(sectorCodesOf(offer)),
    excludeOrganisationId: offer.organisationId,
  });
  const current = await prisma.match.findMany({ where: { offerListingId: offer.id, status: "SUGGESTED" }, select: { requestListingId: true } });
  const needIds = [...new Set([...current.map((m) => m.requestListingId), ...related.byText.flatMap((m) => [...m.keys()]), ...related.bySector])].slice(0, MAX_NEEDS_PER_OFFER);
  for (const needId of needIds) await recomputeNeed(needId);
  return { needs: needIds.length };
}

/** The matching job for one listing, whatever its type and state (run after its search document changed). */
export async function recomputeListing(listingId: string) {
  const listing = await prisma.listing.findUnique({ where: { id: listingId }, select: { type: true } });
  if (!listing) return { kind: "gone" as const };
  if (listing.type === "TECHNOLOGY_REQUEST") return { kind: "need" as const, ...(await recomputeNeed(listingId)) };
  return { kind: "offer" as const, ...(await recomputeOffer(listingId)) };
}

/**
 * The nightly pass: drops suggestions whose listings stopped being public (expired
 * overnight), then recomputes every published need, a page at a time.
 */
export async function runFullPass(options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 200;
  const started = performance.now();
  const now = new Date();
  const notPublic: Prisma.ListingWhereInput = { NOT: publicListingWhere(now) };
  const { count: dropped } = await prisma.match.deleteMany({
    where: { status: "SUGGESTED", OR: [{ offerListing: notPublic }, { requestListing: notPublic }] },
  });
  const totals = { needs: 0, created: 0, updated: 0, removed: dropped };
  for (let after: string | undefined; ; ) {
    const page = await prisma.listing.findMany({
      where: { type: "TECHNOLOGY_REQUEST", ...publicListingWhere(now), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true },
    });
    if (page.length === 0) break;
    for (const { id } of page) {
      const r = await recomputeNeed(id);
      totals.needs++;
      totals.created += r.created;
      totals.updated += r.updated;
      totals.removed += r.removed;
    }
    after = page[page.length - 1]!.id;
  }
  logger.info("matching full pass", { ...totals, ms: Math.round(performance.now() - started) });
  return totals;
}
