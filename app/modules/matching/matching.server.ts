import { LRUCache } from "lru-cache";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { singleton } from "~/lib/singleton.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { usdVndRate } from "~/modules/search/document.server.ts";
import { notifySuggested } from "./digest.server.ts";
import { getTermStats } from "./idf.server.ts";
import { findTermCandidates, reconcileMatchTerms, type TermQuery } from "./terms.server.ts";
import { MAX_PER_NEED, rankPairs, scorePair, type NeedFacts, type OfferFacts, type PairScore } from "./scoring.ts";
import { listingSimilarity, listingTerms, tellingTerms, vectorOf, type TermStats, type TextVector } from "./text.ts";

/**
 * Matching (DESIGN.md §3, docs/matching.md). Candidates come from matching's own term index
 * in PostgreSQL (terms.server.ts), one statement per listing or batch; each (need, offer) pair is then judged
 * in-process on the two listings' own texts (text.ts) and facts (scoring.ts), so a
 * pair's score is the same whichever side triggered it.
 *
 * - A changed need recomputes its own list: one candidate lookup for offers, one query.
 * - A changed offer is scored against the needs that may want it (one candidate lookup for
 *   needs, plus the needs it is already matched to) and each need's top list is updated
 *   incrementally, in a few batched statements: the pair is inserted when it qualifies and
 *   beats the need's current last suggestion, updated when present, removed when it no
 *   longer qualifies. Other pairs of those needs are left as they are.
 * Writes to one need's matches are serialised by a per-need advisory lock.
 */

export const OFFER_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"] as const;
export const NEED_TYPES = ["TECHNOLOGY_REQUEST"] as const;

/** Terms looked up per listing (its most telling ones), and listings found per term. */
export const CANDIDATE_TERMS = 12;
const CANDIDATES_PER_TERM = 30;

export const factsSelect = {
  id: true,
  type: true,
  title: true,
  language: true,
  summary: true,
  keywords: true,
  problemStatement: true,
  applications: true,
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
  updatedAt: true,
} satisfies Prisma.ListingSelect;
export type FactsRow = Prisma.ListingGetPayload<{ select: typeof factsSelect }>;

function toVnd(amount: bigint | null, currency: "VND" | "USD" | null): number | null {
  if (amount === null) return null;
  return currency === "USD" ? Number(amount) * usdVndRate() : Number(amount);
}

const sectorCodesOf = (row: FactsRow) => row.sectors.map((s) => s.sectorCode);

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

type TextRow = Pick<FactsRow, "title" | "keywords" | "summary" | "problemStatement" | "applications">;

/** A listing's text as a vector under the current term statistics. */
export const textVectorOf = (row: TextRow, stats: TermStats): TextVector => vectorOf(listingTerms(row), stats);

/** Scores one pair from both listings' rows (the one formula for both directions). */
export function scoreRows(need: FactsRow, offer: FactsRow, stats: TermStats, vectors?: { need?: TextVector; offer?: TextVector }): PairScore {
  const text = listingSimilarity(vectors?.need ?? textVectorOf(need, stats), vectors?.offer ?? textVectorOf(offer, stats), need.language, offer.language);
  return scorePair(needFacts(need), offerFacts(offer), text);
}

/** What to look up for a listing's matching candidates: its most telling terms, on the other side, other organisations only. */
export const candidateQuery = (row: FactsRow, stats: TermStats): TermQuery => ({
  terms: tellingTerms(listingTerms(row), stats, CANDIDATE_TERMS),
  sides: row.type === "TECHNOLOGY_REQUEST" ? ["offer"] : ["need"],
  excludeOrganisationId: row.organisationId,
});

/** The candidates of several listings, in one statement. */
const candidatesOf = (rows: readonly FactsRow[], stats: TermStats) => findTermCandidates(rows.map((row) => candidateQuery(row, stats)), CANDIDATES_PER_TERM);

export interface ScoredOffer extends PairScore {
  offerId: string;
}

/** Every candidate offer of a published need (and the offers in `alsoIds`), scored, best first. */
export async function scoreOffersForNeed(need: FactsRow, alsoIds: readonly string[] = []): Promise<{ scored: ScoredOffer[]; offers: Map<string, FactsRow> }> {
  const stats = await getTermStats();
  const [candidates] = await candidatesOf([need], stats);
  const ids = [...new Set([...candidates!, ...alsoIds])];
  const rows = await publicFacts(ids);
  return scoreNeedAgainst(need, rows, stats);
}

/** The facts of those of these listings that are public now (the index may lag the database by a moment). */
async function publicFacts(ids: readonly string[]): Promise<FactsRow[]> {
  const rows: FactsRow[] = [];
  for (let i = 0; i < ids.length; i += 5_000) {
    rows.push(...(await prisma.listing.findMany({ where: { id: { in: ids.slice(i, i + 5_000) }, ...publicListingWhere() }, select: factsSelect })));
  }
  return rows;
}

const isOffer = (row: FactsRow) => (OFFER_TYPES as readonly string[]).includes(row.type);

/** A need scored against the offers among `rows` of other organisations, best first. */
function scoreNeedAgainst(need: FactsRow, rows: readonly FactsRow[], stats: TermStats, vectors?: VectorCache) {
  const offers = rows.filter((r) => isOffer(r) && r.organisationId !== need.organisationId);
  const needVector = vectorFor(need, stats, vectors);
  const scored = offers.map((offer) => ({ offerId: offer.id, ...scoreRows(need, offer, stats, { need: needVector, offer: vectorFor(offer, stats, vectors) }) }));
  return { scored: rankPairs(scored), offers: new Map(offers.map((r) => [r.id, r])) };
}

/** Text vectors of the listings of one batch, computed once each. */
type VectorCache = Map<string, TextVector>;

/**
 * Text vectors of recently seen listings, across batches: during an import the same few
 * thousand candidates come back batch after batch, and making a listing's vector (tokens,
 * pairs, concepts) is most of the cost of scoring a pair. A vector is keyed by the listing's
 * id and updatedAt, and belongs to one set of term statistics (a refresh starts a new cache).
 */
const recentVectors = singleton("matching-vectors", () => ({ stats: null as TermStats | null, cache: new LRUCache<string, TextVector>({ max: 20_000 }) }));

function vectorFor(row: FactsRow, stats: TermStats, batch?: VectorCache): TextVector {
  const recent = recentVectors;
  if (recent.stats !== stats) {
    recent.cache.clear();
    recent.stats = stats;
  }
  const key = `${row.id}@${row.updatedAt.getTime()}`;
  let vector = batch?.get(row.id) ?? recent.cache.get(key);
  if (!vector) {
    vector = textVectorOf(row, stats);
    recent.cache.set(key, vector);
  }
  batch?.set(row.id, vector);
  return vector;
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

/** Takes the advisory locks of these needs' match lists, in one fixed order (no deadlock between jobs). */
async function lockNeeds(tx: Tx, needIds: readonly string[]) {
  if (needIds.length === 0) return;
  const keys = [...new Set(needIds)].map((id) => `match:${id}`);
  await tx.$queryRaw`SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtext(x) AS k FROM unnest(${keys}::text[]) AS x ORDER BY 1 OFFSET 0) AS ordered) AS locked`;
}

interface ScoreUpdate {
  id: string;
  pair: PairScore;
}

/** New scores and reasons for several matches in one statement. */
async function updateScores(tx: Tx, updates: readonly ScoreUpdate[], now: Date) {
  if (updates.length === 0) return;
  const ids = updates.map((u) => u.id);
  const scores = updates.map((u) => u.pair.score);
  const texts = updates.map((u) => u.pair.textScore);
  const reasons = updates.map((u) => JSON.stringify(u.pair.reasons));
  await tx.$executeRaw`UPDATE "Match" AS m
    SET "score" = v.score, "textScore" = v.text, "reasons" = v.reasons::jsonb, "computedAt" = ${now}, "updatedAt" = ${now}
    FROM unnest(${ids}::text[], ${scores}::float8[], ${texts}::float8[], ${reasons}::text[]) AS v(id, score, text, reasons)
    WHERE m."id" = v.id`;
}

interface NewPair {
  need: FactsRow;
  offer: FactsRow;
  pair: PairScore;
}

/** Creates suggestions in one statement and tells both organisations of each (notifySuggested). */
async function createSuggestions(tx: Tx, pairs: readonly NewPair[], now: Date): Promise<number> {
  if (pairs.length === 0) return 0;
  const created = await tx.match.createManyAndReturn({
    data: pairs.map(({ need, offer, pair }) => ({
      offerListingId: offer.id,
      requestListingId: need.id,
      score: pair.score,
      textScore: pair.textScore,
      reasons: pair.reasons as Prisma.InputJsonValue,
      computedAt: now,
    })),
    skipDuplicates: true,
    select: { id: true, offerListingId: true, requestListingId: true },
  });
  const byKey = new Map(pairs.map((p) => [`${p.offer.id}|${p.need.id}`, p]));
  await notifySuggested(
    tx,
    created.map((match) => {
      const { need, offer, pair } = byKey.get(`${match.offerListingId}|${match.requestListingId}`)!;
      return { need, offer, score: pair.score };
    }),
  );
  return created.length;
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
  const before = await prisma.match.findMany({ where: { requestListingId: need.id }, select: { offerListingId: true } });
  const { scored, offers } = await scoreOffersForNeed(
    need,
    before.map((m) => m.offerListingId),
  );
  return applyNeed(need, scored, offers);
}

/** Writes a need's list from its scored offers (recomputeNeed). */
function applyNeed(need: FactsRow, scored: readonly ScoredOffer[], offers: ReadonlyMap<string, FactsRow>): Promise<NeedRecompute> {
  const suggested = scored.filter((s) => s.qualifies).slice(0, MAX_PER_NEED);
  const byOffer = new Map(scored.map((s) => [s.offerId, s]));
  const keep = new Set(suggested.map((s) => s.offerId));
  return prisma.$transaction(async (tx) => {
    await lockNeeds(tx, [need.id]);
    const existing = await tx.match.findMany({ where: { requestListingId: need.id }, select: { id: true, offerListingId: true, status: true } });
    const known = new Set(existing.map((m) => m.offerListingId));
    const now = new Date();
    // Decided matches keep their status whatever the score; suggestions stay only while they qualify.
    const stale = new Set(existing.filter((m) => m.status === "SUGGESTED" && !keep.has(m.offerListingId)).map((m) => m.id));
    const updates = existing.filter((m) => !stale.has(m.id) && byOffer.has(m.offerListingId)).map((m) => ({ id: m.id, pair: byOffer.get(m.offerListingId)! }));
    await updateScores(tx, updates, now);
    const removed = stale.size ? (await tx.match.deleteMany({ where: { id: { in: [...stale] }, status: "SUGGESTED" } })).count : 0;
    const fresh = suggested.filter((s) => !known.has(s.offerId)).map((pair) => ({ need, offer: offers.get(pair.offerId)!, pair }));
    const created = await createSuggestions(tx, fresh, now);
    return { created, updated: updates.length, removed };
  });
}

export interface OfferUpdate {
  /** Needs the offer was scored against. */
  needs: number;
  created: number;
  updated: number;
  removed: number;
}

/**
 * A changed offer: scored against the needs that may want it (found with the offer's own
 * text and sub-fields, plus the needs it is already matched to), and each of those needs'
 * top list updated incrementally in one transaction. A need that would rank the offer only
 * through its own wording, and a place freed in a need's list, wait for that need's next
 * recompute or the nightly pass.
 */
export async function recomputeOffer(offerId: string): Promise<OfferUpdate> {
  const offer = await prisma.listing.findFirst({ where: { id: offerId, type: { in: [...OFFER_TYPES] }, ...publicListingWhere() }, select: factsSelect });
  if (!offer) return { needs: 0, created: 0, updated: 0, removed: await removeSuggestions(offerId) };
  const stats = await getTermStats();
  const [candidates, current] = await Promise.all([
    candidatesOf([offer], stats).then(([ids]) => ids!),
    prisma.match.findMany({ where: { offerListingId: offer.id }, select: { requestListingId: true } }),
  ]);
  const currentIds = current.map((m) => m.requestListingId);
  const needs = await publicFacts([...new Set([...candidates, ...currentIds])]);
  return applyOffer(offer, needs, currentIds, stats);
}

/** Scores an offer against the needs among `rows` and updates their lists (recomputeOffer); `currentIds`: the needs it has a row with. */
async function applyOffer(offer: FactsRow, rows: readonly FactsRow[], currentIds: readonly string[], stats: TermStats, vectors?: VectorCache): Promise<OfferUpdate> {
  const needs = rows.filter((r) => r.type === "TECHNOLOGY_REQUEST" && r.organisationId !== offer.organisationId);
  const offerVector = vectorFor(offer, stats, vectors);
  const pairs = new Map(needs.map((need) => [need.id, { need, pair: scoreRows(need, offer, stats, { offer: offerVector, need: vectorFor(need, stats, vectors) }) }]));
  // Only needs that want the offer now or already have a row for it are written to (and locked).
  // A row to a need that stopped being public is left to that need's own job and the nightly pass.
  const needIds = [...new Set([...currentIds, ...[...pairs.values()].filter((p) => p.pair.qualifies).map((p) => p.need.id)])].filter((id) => pairs.has(id));
  if (needIds.length === 0) return { needs: needs.length, created: 0, updated: 0, removed: 0 };
  return prisma.$transaction(async (tx) => {
    await lockNeeds(tx, needIds);
    // Each touched need's suggestions (to rank against) and its row for this offer, in one read.
    const rows = await tx.match.findMany({
      where: { requestListingId: { in: needIds }, OR: [{ status: "SUGGESTED" }, { offerListingId: offer.id }] },
      select: { id: true, offerListingId: true, requestListingId: true, status: true, score: true },
    });
    const byNeed = new Map<string, typeof rows>();
    for (const row of rows) byNeed.set(row.requestListingId, [...(byNeed.get(row.requestListingId) ?? []), row]);
    const now = new Date();
    const updates: ScoreUpdate[] = [];
    const deletions: string[] = [];
    const inserts: NewPair[] = [];
    for (const needId of needIds) {
      const { need, pair } = pairs.get(needId)!;
      const list = byNeed.get(needId) ?? [];
      const mine = list.find((m) => m.offerListingId === offer.id);
      if (mine && mine.status !== "SUGGESTED") {
        updates.push({ id: mine.id, pair });
      } else if (mine) {
        // A suggestion stays while it qualifies (it already holds a place in the top list).
        if (pair.qualifies) updates.push({ id: mine.id, pair });
        else deletions.push(mine.id);
      } else if (pair.qualifies) {
        const others = rankPairs(list.filter((m) => m.status === "SUGGESTED").map((m) => ({ ...m, offerId: m.offerListingId })));
        if (others.length < MAX_PER_NEED) {
          inserts.push({ need, offer, pair });
        } else {
          const last = others[MAX_PER_NEED - 1]!;
          if (pair.score > last.score || (pair.score === last.score && offer.id < last.offerId)) {
            inserts.push({ need, offer, pair });
            // The list keeps MAX_PER_NEED suggestions: what ranked last (and anything past it) leaves.
            deletions.push(...others.slice(MAX_PER_NEED - 1).map((m) => m.id));
          }
        }
      }
    }
    await updateScores(tx, updates, now);
    const removed = deletions.length ? (await tx.match.deleteMany({ where: { id: { in: deletions }, status: "SUGGESTED" } })).count : 0;
    const created = await createSuggestions(tx, inserts, now);
    return { needs: needs.length, created, updated: updates.length, removed };
  });
}

/** What a listing's matching job did; a listing that is no longer public only had its suggestions removed. */
/** Runs a batch's writes when it is its turn (see tasks.server.ts). */
export type Serialiser = (write: () => Promise<void>) => Promise<void>;

export type ListingRecompute = { kind: "gone" } | ({ kind: "need" } & NeedRecompute) | ({ kind: "offer" } & OfferUpdate);

/** The matching job for one listing, whatever its type and state (run after its search document changed). */
export async function recomputeListing(listingId: string): Promise<ListingRecompute> {
  const [outcome] = await recomputeListings([listingId]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/**
 * The matching jobs of several listings at once (the jobs the worker runs together, see
 * tasks.server.ts): one read of the listings, one candidate lookup (terms.server.ts) for all of them,
 * one read of the candidates' facts, each text vector computed once; then each listing's
 * writes in its own transaction, as recomputeNeed and recomputeOffer do, so one listing's
 * failure fails its own job only. The outcomes come back in the order of `ids`; a failed
 * candidate search fails them all (thrown).
 */
export async function recomputeListings(ids: readonly string[], options: { writing?: Serialiser } = {}): Promise<(ListingRecompute | Error)[]> {
  const unique = [...new Set(ids)];
  const clock = phaseClock();
  const [existing, listings] = await Promise.all([
    prisma.listing.findMany({ where: { id: { in: unique } }, select: { id: true, type: true } }),
    publicFacts(unique),
  ]);
  const typeOf = new Map(existing.map((r) => [r.id, r.type]));
  const stats = await getTermStats();
  clock.lap("readMs");
  const [candidates, needRows, offerRows] = await Promise.all([
    candidatesOf(listings, stats),
    prisma.match.findMany({ where: { requestListingId: { in: listings.filter((l) => !isOffer(l)).map((l) => l.id) } }, select: { requestListingId: true, offerListingId: true } }),
    prisma.match.findMany({ where: { offerListingId: { in: listings.filter(isOffer).map((l) => l.id) } }, select: { requestListingId: true, offerListingId: true } }),
  ]);
  const related = new Map<string, string[]>(listings.map((l, i) => [l.id, [...candidates[i]!]]));
  for (const m of needRows) related.get(m.requestListingId)!.push(m.offerListingId);
  for (const m of offerRows) related.get(m.offerListingId)!.push(m.requestListingId);
  const current = new Map<string, string[]>(listings.map((l) => [l.id, []]));
  for (const m of offerRows) current.get(m.offerListingId)!.push(m.requestListingId);
  clock.lap("candidatesMs");
  const facts = new Map((await publicFacts([...new Set([...related.values()].flat())])).map((r) => [r.id, r]));
  clock.lap("factsMs");
  const vectors: VectorCache = new Map();
  const outcomes = new Map<string, ListingRecompute | Error>();
  const byId = new Map(listings.map((l) => [l.id, l]));
  const writing = options.writing ?? ((write) => write());
  const applyOne = async (id: string) => {
    try {
      const listing = byId.get(id);
      const type = typeOf.get(id);
      if (!type) outcomes.set(id, { kind: "gone" });
      else if (!listing) {
        const removed = await removeSuggestions(id);
        outcomes.set(id, type === "TECHNOLOGY_REQUEST" ? { kind: "need", created: 0, updated: 0, removed } : { kind: "offer", needs: 0, created: 0, updated: 0, removed });
      }
      else {
        const rows = [...new Set(related.get(id))].map((other) => facts.get(other)).filter((r): r is FactsRow => r !== undefined);
        if (isOffer(listing)) outcomes.set(id, { kind: "offer", ...(await applyOffer(listing, rows, current.get(id)!, stats, vectors)) });
        else {
          const { scored, offers } = scoreNeedAgainst(listing, rows, stats, vectors);
          outcomes.set(id, { kind: "need", ...(await applyNeed(listing, scored, offers)) });
        }
      }
    } catch (error) {
      outcomes.set(id, error instanceof Error ? error : new Error(String(error)));
    }
  };
  await writing(async () => {
    clock.lap("waitMs");
    // A few listings' transactions at once: each is a handful of short statements, and one at a
    // time left PostgreSQL idle between round trips. Needs are locked in one global order
    // (lockNeeds), so two of them touching the same need wait for each other, never deadlock.
    const queue = [...unique];
    const lane = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await applyOne(id);
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, queue.length) }, lane));
    clock.lap("applyMs");
  });
  recomputeTimings.batches++;
  recomputeTimings.listings += unique.length;
  return ids.map((id) => outcomes.get(id)!);
}

/**
 * Where recomputeListings spent its time in this process, summed over batches: reading the
 * listings, the candidate lookup (with the current match rows), the candidates' facts,
 * waiting for the process's writer, and scoring plus writing. bench:matching prints it.
 */
export const recomputeTimings = { batches: 0, listings: 0, readMs: 0, candidatesMs: 0, factsMs: 0, waitMs: 0, applyMs: 0 };

function phaseClock() {
  let last = performance.now();
  return {
    lap(phase: "readMs" | "candidatesMs" | "factsMs" | "waitMs" | "applyMs") {
      const now = performance.now();
      recomputeTimings[phase] += now - last;
      last = now;
    },
  };
}

/** Listings of a batch written at the same time (each in its own transaction), well within the pool of 10 connections. */
const WRITE_CONCURRENCY = 4;

/** Needs recomputed together in the nightly pass (as a batch of matching jobs is). */
const FULL_PASS_BATCH = 32;

/**
 * The nightly pass: drops suggestions whose listings stopped being public (expired
 * overnight), brings the term index in line, then recomputes every published need, a page at a time.
 */
export async function runFullPass(options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 200;
  const started = performance.now();
  const now = new Date();
  const notPublic: Prisma.ListingWhereInput = { NOT: publicListingWhere(now) };
  const { count: dropped } = await prisma.match.deleteMany({
    where: { status: "SUGGESTED", OR: [{ offerListing: notPublic }, { requestListing: notPublic }] },
  });
  // Terms of listings that expired overnight go, and any drift is repaired, before the needs look for offers.
  await reconcileMatchTerms();
  const totals = { needs: 0, created: 0, updated: 0, removed: dropped };
  for (let after: string | undefined; ; ) {
    const page = await prisma.listing.findMany({
      where: { type: "TECHNOLOGY_REQUEST", ...publicListingWhere(now), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true },
    });
    if (page.length === 0) break;
    for (let i = 0; i < page.length; i += FULL_PASS_BATCH) {
      for (const outcome of await recomputeListings(page.slice(i, i + FULL_PASS_BATCH).map((p) => p.id))) {
        if (outcome instanceof Error) throw outcome;
        if (outcome.kind !== "need") continue;
        totals.needs++;
        totals.created += outcome.created;
        totals.updated += outcome.updated;
        totals.removed += outcome.removed;
      }
    }
    after = page[page.length - 1]!.id;
  }
  logger.info("matching full pass", { ...totals, ms: Math.round(performance.now() - started) });
  return totals;
}
