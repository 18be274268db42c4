import { fold } from "~/modules/search/query.ts";
import synonymGroups from "~/modules/search/synonyms.json";

/**
 * In-process text similarity between two listings' own texts (docs/matching.md "Text").
 * Pure: no database, no Meilisearch. A text becomes a bag of weighted terms:
 *
 * - syllables (Vietnamese words are mostly one or two syllables; English words are words),
 *   lower-cased, NFC, with common function words and listing boilerplate left out;
 * - adjacent pairs of kept syllables ("sấy lạnh", "nước thải"): the two-syllable terms
 *   that carry most of a Vietnamese text's meaning, and English compounds;
 * - concepts: every group of the domain synonyms (app/modules/search/synonyms.json,
 *   vi ↔ en, everyday ↔ technical) whose phrase occurs in the text, so "shrimp shells"
 *   and "vỏ tôm" meet.
 *
 * Each term is weighted by IDF (rarer terms count more), and two texts are compared by the
 * cosine of their weighted vectors. Diacritics are kept (mây ≠ máy, đường ≠ dương);
 * a text written without them still meets others through English and the concepts.
 */

/** Words with no topic, in Vietnamese and English, and the boilerplate every listing shares. */
const STOP_WORDS = new Set(
  (
    "và với của cho các có là một những này được để trong khi từ theo về đã đang sẽ hoặc như tại nên thì mà " +
    "cần tìm muốn hiện nay đến ra vào lên trên dưới sau trước bằng do nhờ qua giữa mỗi nhiều ít rất hơn không chưa " +
    "cũng còn vẫn đều chỉ đó kia ấy ta chúng tôi bạn họ mình gì nào thế nếu vì bởi tuy nhưng mới hay " +
    "khoảng gồm kèm thêm năm tháng ngày giờ đồng triệu tỷ nghìn ngàn cái chiếc bộ loại việc sự " +
    "đơn vị doanh nghiệp công ty htx hợp tác xã viện trường đại học trung tâm " +
    "the a an and or of for to in on at with by from is are be been being that this these those it its " +
    "we our us you your they their need needs needed looking seeking want wants find per via into than " +
    "can could will would should may also about over under up out as not no any all each both more most " +
    "such which who whom whose what when where how has have had do does did"
  ).split(/\s+/),
);

/** Lower case, NFC, đ kept as a letter; Latin and Vietnamese letters and digits only. */
function syllablesOf(text: string): string[] {
  return text
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !/^\p{N}+$/u.test(w));
}

interface ConceptIndex {
  /** First syllable → phrases (as syllable lists) starting with it, and their group. */
  byFirst: Map<string, { words: string[]; group: number }[]>;
}

let conceptIndex: ConceptIndex | null = null;

function concepts(): ConceptIndex {
  if (conceptIndex) return conceptIndex;
  const byFirst = new Map<string, { words: string[]; group: number }[]>();
  (synonymGroups as string[][]).forEach((group, i) => {
    for (const phrase of group) {
      const words = syllablesOf(phrase);
      // One short syllable alone ("ras", "do") is too ambiguous to stand for a concept.
      if (words.length === 0 || (words.length === 1 && words[0]!.length < 4)) continue;
      const add = (w: string[]) => {
        const list = byFirst.get(w[0]!) ?? [];
        list.push({ words: w, group: i });
        byFirst.set(w[0]!, list);
      };
      add(words);
      // Folded phrases of two or more syllables, for text typed without diacritics (one folded
      // syllable is too ambiguous: mây = máy = may).
      const folded = words.map(fold);
      if (words.length > 1 && folded.some((w, j) => w !== words[j])) add(folded);
    }
  });
  conceptIndex = { byFirst };
  return conceptIndex;
}

/** The synonym groups whose phrases occur in the syllables (all kept, stop words included). */
function conceptsIn(words: readonly string[]): Set<number> {
  const { byFirst } = concepts();
  const found = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    for (const { words: phrase, group } of byFirst.get(words[i]!) ?? []) {
      if (phrase.every((w, j) => words[i + j] === w)) found.add(group);
    }
  }
  return found;
}

/** Term → count for one text. */
export type TermCounts = Map<string, number>;

/** The terms of one text: kept syllables, adjacent pairs of them, and synonym concepts ("@12"). */
export function termsOf(text: string): TermCounts {
  const counts: TermCounts = new Map();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  // Sentences and list items are separate runs: a pair never spans a full stop or a comma.
  for (const run of text.split(/[.,;:!?()[\]\n\r•·|/–—]+/u)) {
    const words = syllablesOf(run);
    const folded = words.map(fold);
    for (const group of new Set([...conceptsIn(words), ...conceptsIn(folded)])) add(`@${group}`);
    let previous: string | null = null;
    for (const word of words) {
      if (STOP_WORDS.has(word)) {
        previous = null;
        continue;
      }
      add(word);
      if (previous) add(`${previous} ${word}`);
      previous = word;
    }
  }
  return counts;
}

/** Several parts of a listing (title, keywords…) with weights, as one bag of terms. */
export function weightedTerms(parts: readonly { text: string; weight: number }[]): TermCounts {
  const total: TermCounts = new Map();
  for (const { text, weight } of parts) {
    if (!text) continue;
    for (const [term, count] of termsOf(text)) total.set(term, (total.get(term) ?? 0) + weight * count);
  }
  return total;
}

/** Document frequencies: how many listings of a sample carry each term. */
export interface TermStats {
  documents: number;
  df: Map<string, number>;
}

/** Counts document frequencies over a sample of listings' term bags. */
export function termStats(bags: Iterable<TermCounts>): TermStats {
  const df = new Map<string, number>();
  let documents = 0;
  for (const bag of bags) {
    documents++;
    for (const term of bag.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return { documents, df };
}

/**
 * A young catalogue of a few listings, most on one topic, would make that topic's words look
 * common: counts are read as if the catalogue had at least this many listings.
 */
const MIN_CATALOGUE = 200;

/** Smoothed IDF; a term never seen in the sample counts as rare. Pairs and concepts weigh a little more. */
export function idf(stats: TermStats, term: string): number {
  const n = Math.max(stats.documents, MIN_CATALOGUE);
  const df = stats.df.get(term) ?? 0;
  const base = Math.log((n + 1) / (df + 0.5));
  const kind = term.startsWith("@") ? 1.2 : term.includes(" ") ? 1.3 : 1;
  return Math.max(0, base) * kind;
}

/** A text ready for comparison: IDF-weighted, sublinear term frequencies, unit length. */
export interface TextVector {
  weights: Map<string, number>;
}

export function vectorOf(bag: TermCounts, stats: TermStats): TextVector {
  const weights = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of bag) {
    const w = (1 + Math.log(count)) * idf(stats, term);
    if (w <= 0) continue;
    weights.set(term, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [term, w] of weights) weights.set(term, w / norm);
  return { weights };
}

/** Cosine similarity of two text vectors, in [0, 1]. */
export function cosine(a: TextVector, b: TextVector): number {
  const [small, large] = a.weights.size <= b.weights.size ? [a.weights, b.weights] : [b.weights, a.weights];
  let dot = 0;
  for (const [term, w] of small) {
    const other = large.get(term);
    if (other !== undefined) dot += w * other;
  }
  return Math.min(1, Math.max(0, dot));
}

/** The terms both vectors share, heaviest first (for explaining a score). */
export function sharedTerms(a: TextVector, b: TextVector, limit = 5): string[] {
  return [...a.weights]
    .filter(([term]) => b.weights.has(term) && !term.startsWith("@"))
    .map(([term, w]) => [term, w * b.weights.get(term)!] as const)
    .sort((x, y) => y[1] - x[1])
    .slice(0, limit)
    .map(([term]) => term);
}

/** What of a listing is compared, and how much each part counts. */
export interface ListingText {
  title: string;
  keywords: readonly string[];
  summary: string;
  problemStatement?: string | null;
  applications?: string | null;
}

/** A listing's text parts, weighted: title and keywords say what it is about. */
export function listingTerms(listing: ListingText): TermCounts {
  return weightedTerms([
    { text: listing.title, weight: 2 },
    { text: listing.keywords.join(". "), weight: 2 },
    { text: listing.problemStatement ?? "", weight: 1 },
    { text: listing.summary, weight: 1 },
    { text: listing.applications ?? "", weight: 0.5 },
  ]);
}

/**
 * The most telling terms of a text, to look up other listings by (terms.server.ts): the heaviest
 * two-syllable terms, concepts and syllables by TF-IDF weight; only terms other listings also use
 * (a term nobody else writes finds nothing), and no syllable already inside a chosen pair. A
 * concept ("@12") stands for its whole synonym group, so the candidates cross languages ("vỏ
 * tôm", "shrimp shell") through one term.
 */
export function tellingTerms(bag: TermCounts, stats: TermStats, max = 8): string[] {
  const ranked = [...bag]
    .filter(([term]) => term.startsWith("@") || (stats.df.get(term) ?? 0) >= 2)
    .map(([term, count]) => [term, (1 + Math.log(count)) * idf(stats, term)] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const chosen: string[] = [];
  for (const [term] of ranked) {
    if (chosen.length >= max) break;
    if (!term.startsWith("@") && !term.includes(" ") && chosen.some((c) => c.split(" ").includes(term))) continue;
    chosen.push(term);
  }
  return chosen;
}

/**
 * Two texts in different languages meet only through concepts (the synonyms) and the few words
 * both languages write alike, so their similarity reads low: it is scaled up by this factor
 * (calibrated on the judged set, which has Vietnamese needs with English offers and back).
 */
export const CROSS_LANGUAGE_FACTOR = 3.5;

/** The text similarity of two listings, allowing for their languages (BCP 47 tags). */
export function listingSimilarity(a: TextVector, b: TextVector, languageA: string, languageB: string): number {
  const primary = (tag: string) => tag.split("-")[0]!.toLowerCase();
  const raw = cosine(a, b);
  return primary(languageA) === primary(languageB) ? raw : Math.min(1, raw * CROSS_LANGUAGE_FACTOR);
}
