/**
 * How well an offer answers a need (DESIGN.md §3 "Matching", docs/matching.md). Pure: no
 * database, no Meilisearch; the caller supplies the text similarity and both listings' facts.
 *
 * The score is calibrated: it reads as the chance that a broker would call the pair a good
 * match (fitted on the judged set tests/matching/set.json, see `npm run eval:matching`):
 *
 *   score = σ(B0 + B.text·text + B.sector·sector + B.trl·trl + B.price·price + B.mode·mode + B.province·province)
 *
 * Each component is in [0, 1]:
 * - text: cosine similarity of the two listings' own texts (text.ts: syllables, two-syllable
 *   terms and domain-synonym concepts, IDF-weighted).
 * - sector: 1 when both share a sub-field (2.11), 0.5 when they share only a field (2), else 0.
 * - trl: 1 when the offer's TRL ≥ the need's minimum; 0.5 (unknown) when either side has no TRL.
 * - price: the offer's price in VND against the need's budget: 1 entirely within, 0.75 when the
 *   range straddles the budget's top, 0.25 when a NEGOTIABLE asking price is above it, 0.5 (unknown)
 *   when there is no price (NEGOTIABLE/ON_REQUEST without amounts) or no budget.
 * - mode: 1 when a wanted transfer mode is offered, 0 when none is, 0.5 when the need names none.
 * - province: 1 when the offer is in a preferred province, 0 when it is not, 0.5 without a preference.
 *
 * Hard criteria EXCLUDE a pair (never suggested; an introduced or dismissed match keeps its status
 * and gets the new score, capped at EXCLUDED_CAP, and the reasons, which say why): a TRL below the
 * need's minimum, a FIXED price entirely above the budget, none of the need's wanted transfer modes,
 * text similarity below MIN_TEXT (a few shared words are not a topic), and no shared field at all
 * unless the texts are clearly about the same thing (text ≥ STRONG_TEXT).
 * A pair is suggested when it is not excluded and its score ≥ MIN_SCORE; each need keeps its best
 * MAX_PER_NEED offers.
 */

/** Logistic coefficients (fitted on the judged set; see docs/matching.md "Calibration"). */
export const COEFFICIENTS = { bias: -7.4, text: 18, sector: 2.5, trl: 0.8, price: 0.4, mode: 0.8, province: 0.3 } as const;
/** Below this text similarity two listings share words, not a topic. */
export const MIN_TEXT = 0.08;
/** Listings with no field in common are matched only on texts at least this similar. */
export const STRONG_TEXT = 0.35;
/** The score of an excluded pair never reads as a good match. */
export const EXCLUDED_CAP = 0.2;
/** The lowest score suggested to people (on the judged set most pairs at or above it are good or acceptable). */
export const MIN_SCORE = 0.6;
/** The lowest score at which a new suggestion notifies both sides (see docs/matching.md "Calibration"). */
export const NOTIFY_MIN_SCORE = 0.75;
export const MAX_PER_NEED = 20;
/** A component's value when a side lacks the information: neither a reason for nor against. */
const UNKNOWN = 0.5;

export type Reason =
  | { code: "TEXT"; score: number }
  | { code: "SECTOR"; sector: string }
  | { code: "SECTOR_FIELD"; field: string }
  | { code: "NO_SECTOR" }
  | { code: "TRL_OK"; trl: number; min: number }
  | { code: "TRL_LOW"; trl: number; min: number }
  | { code: "TRL_UNKNOWN" }
  | { code: "WITHIN_BUDGET"; partial?: true }
  | { code: "OVER_BUDGET" }
  | { code: "NEGOTIABLE_OVER_BUDGET" }
  | { code: "PRICE_UNKNOWN" }
  | { code: "TRANSFER_MODE"; modes: string[] }
  | { code: "NO_TRANSFER_MODE" }
  | { code: "PROVINCE"; province: string }
  | { code: "OTHER_PROVINCE" };

export type ReasonCode = Reason["code"];
/** Reasons that exclude a pair from suggestions. */
export const HARD_FAILURES: readonly ReasonCode[] = ["TRL_LOW", "OVER_BUDGET", "NO_TRANSFER_MODE"];
/** Reasons that speak against a pair (shown as such). */
export const NEGATIVE_REASONS: readonly ReasonCode[] = ["TRL_LOW", "OVER_BUDGET", "NEGOTIABLE_OVER_BUDGET", "NO_TRANSFER_MODE", "OTHER_PROVINCE", "NO_SECTOR"];

export interface NeedFacts {
  sectorCodes: readonly string[];
  minTrl: number | null;
  /** Budget bounds in VND (already converted). */
  budgetMinVnd: number | null;
  budgetMaxVnd: number | null;
  transferModes: readonly string[];
  preferredProvinceCodes: readonly string[];
}

export interface OfferFacts {
  sectorCodes: readonly string[];
  trl: number | null;
  priceType: "FIXED" | "NEGOTIABLE" | "ON_REQUEST";
  /** Price bounds in VND (already converted). */
  priceMinVnd: number | null;
  priceMaxVnd: number | null;
  transferModes: readonly string[];
  provinceCode: string | null;
}

export interface PairScore {
  score: number;
  textScore: number;
  reasons: Reason[];
  /** Hard failures found; a pair with any is never suggested. */
  hardFailures: ReasonCode[];
  /** Whether the pair may be suggested (no hard failure, a topic in common, score ≥ MIN_SCORE). */
  qualifies: boolean;
  /** Whether a hard criterion or the lack of a common topic excludes the pair. */
  excluded: boolean;
  /** Each component's value in [0, 1] (for calibration, see scripts/eval-matching.ts). */
  components: Components;
}

export interface Components {
  text: number;
  sector: number;
  trl: number;
  price: number;
  mode: number;
  province: number;
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const fieldOf = (code: string) => code.split(".")[0]!;

function sectorPart(need: readonly string[], offer: readonly string[]): { value: number; reason: Reason } {
  const subNeed = need.filter((c) => c.includes("."));
  const subOffer = new Set(offer.filter((c) => c.includes(".")));
  const shared = subNeed.filter((c) => subOffer.has(c)).sort();
  if (shared.length) return { value: 1, reason: { code: "SECTOR", sector: shared[0]! } };
  const offerFields = new Set(offer.map(fieldOf));
  const field = [...new Set(need.map(fieldOf))].filter((f) => offerFields.has(f)).sort()[0];
  if (field) return { value: 0.5, reason: { code: "SECTOR_FIELD", field } };
  return { value: 0, reason: { code: "NO_SECTOR" } };
}

function trlPart(minTrl: number | null, trl: number | null): { value: number; reason: Reason | null } {
  if (minTrl === null) return { value: UNKNOWN, reason: null };
  if (trl === null) return { value: UNKNOWN, reason: { code: "TRL_UNKNOWN" } };
  return trl >= minTrl ? { value: 1, reason: { code: "TRL_OK", trl, min: minTrl } } : { value: 0, reason: { code: "TRL_LOW", trl, min: minTrl } };
}

function pricePart(need: NeedFacts, offer: OfferFacts): { value: number; reason: Reason | null } {
  const budgetTop = need.budgetMaxVnd ?? null;
  const low = offer.priceMinVnd ?? offer.priceMaxVnd;
  const high = offer.priceMaxVnd ?? offer.priceMinVnd;
  if (budgetTop === null) return { value: UNKNOWN, reason: null };
  if (offer.priceType === "ON_REQUEST" || low === null || high === null) return { value: UNKNOWN, reason: { code: "PRICE_UNKNOWN" } };
  if (high <= budgetTop) return { value: 1, reason: { code: "WITHIN_BUDGET" } };
  if (low <= budgetTop) return { value: 0.75, reason: { code: "WITHIN_BUDGET", partial: true } };
  // Entirely above the budget: decisive for a fixed price, a point against when negotiable.
  return offer.priceType === "FIXED" ? { value: 0, reason: { code: "OVER_BUDGET" } } : { value: 0.25, reason: { code: "NEGOTIABLE_OVER_BUDGET" } };
}

function modePart(wanted: readonly string[], offered: readonly string[]): { value: number; reason: Reason | null } {
  if (wanted.length === 0) return { value: UNKNOWN, reason: null };
  const have = new Set(offered);
  const modes = wanted.filter((m) => have.has(m));
  return modes.length ? { value: 1, reason: { code: "TRANSFER_MODE", modes } } : { value: 0, reason: { code: "NO_TRANSFER_MODE" } };
}

function provincePart(preferred: readonly string[], province: string | null): { value: number; reason: Reason | null } {
  if (preferred.length === 0) return { value: UNKNOWN, reason: null };
  return province !== null && preferred.includes(province)
    ? { value: 1, reason: { code: "PROVINCE", province } }
    : { value: 0, reason: { code: "OTHER_PROVINCE" } };
}

/** No pair is a certain match: the calibrated score is scaled to stay below MAX_SCORE (order kept). */
export const MAX_SCORE = 0.99;
const sigmoid = (z: number) => MAX_SCORE / (1 + Math.exp(-z));

/** Scores one (need, offer) pair; `textScore` is the similarity of their texts, in [0, 1]. */
export function scorePair(need: NeedFacts, offer: OfferFacts, textScore: number): PairScore {
  const text = Math.min(1, Math.max(0, Number.isFinite(textScore) ? textScore : 0));
  const sector = sectorPart(need.sectorCodes, offer.sectorCodes);
  const trl = trlPart(need.minTrl, offer.trl);
  const price = pricePart(need, offer);
  const mode = modePart(need.transferModes, offer.transferModes);
  const province = provincePart(need.preferredProvinceCodes, offer.provinceCode);
  const B = COEFFICIENTS;
  const raw = sigmoid(
    B.bias + B.text * text + B.sector * sector.value + B.trl * trl.value + B.price * price.value + B.mode * mode.value + B.province * province.value,
  );
  const reasons: Reason[] = [sector.reason, trl.reason, price.reason, mode.reason, province.reason].filter((r): r is Reason => r !== null);
  if (text > 0) reasons.push({ code: "TEXT", score: round(text, 2) });
  const hardFailures = reasons.map((r) => r.code).filter((code) => HARD_FAILURES.includes(code));
  // Unrelated fields, or a few shared words: not a topic in common.
  const offTopic = text < MIN_TEXT || (sector.value === 0 && text < STRONG_TEXT);
  const excluded = hardFailures.length > 0 || offTopic;
  const score = round(excluded ? Math.min(raw, EXCLUDED_CAP) : raw);
  return {
    score,
    textScore: round(text),
    reasons,
    hardFailures,
    qualifies: !excluded && score >= MIN_SCORE,
    excluded,
    components: { text, sector: sector.value, trl: trl.value, price: price.value, mode: mode.value, province: province.value },
  };
}

/** Best first; ties broken by the offer id so the order is stable. */
export function rankPairs<T extends { score: number; offerId: string }>(pairs: T[]): T[] {
  return [...pairs].sort((a, b) => b.score - a.score || a.offerId.localeCompare(b.offerId));
}

/**
 * How related two listings are on text and sector alone (the listing page's related listings):
 * the match score with the other criteria unknown, or null when they have no topic in common.
 */
export function relatedScore(sectorCodes: readonly string[], otherSectorCodes: readonly string[], textScore: number): number | null {
  const sector = sectorPart(sectorCodes, otherSectorCodes);
  if (textScore < MIN_TEXT || (sector.value === 0 && textScore < STRONG_TEXT)) return null;
  const B = COEFFICIENTS;
  return round(sigmoid(B.bias + B.text * Math.min(1, textScore) + B.sector * sector.value + (B.trl + B.price + B.mode + B.province) * UNKNOWN));
}
