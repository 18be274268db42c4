/**
 * What a person typed → what Meilisearch is asked (decision 010). Pure, so it is
 * unit-tested without a server. Three steps, each driven by data, not code:
 *
 * 1. A one-letter slip in a short Vietnamese syllable ("sữa hạc", "bảo quản lạng")
 *    is corrected when the word next to it forms a known phrase with a word one
 *    edit away ("sữa hạt", "bảo quản lạnh"). Meilisearch's own typo tolerance
 *    cannot do this: most syllables have 2–4 letters, and allowing typos there
 *    floods every query with neighbours (measured: worse overall).
 * 2. Everyday wording of a problem ("mùi hôi", "phơi không khô", "tiền điện cao")
 *    becomes a concept token; the index's synonyms (listingIndexSettings) map each
 *    token to the technical terms listings use. One token is one query term that
 *    any of its terms satisfies, so pagination, totals, facets and highlighting
 *    stay those of one ordinary query.
 * 3. Words that carry no topic ("cần", "bị", "hàng xóm", "the", "for") are dropped
 *    from queries of three words or more: Meilisearch reads only ten words, and a
 *    rare filler word would otherwise decide which listings survive.
 *
 * Quoted phrases and negations ("-word") are Meilisearch syntax and left alone.
 */
import { perWord } from "~/lib/memo.ts";
import synonymGroups from "./synonyms.json";
import vocabulary from "./vocabulary.json";

export interface Concept {
  /** A short id; the query token is `CONCEPT_PREFIX + id`. */
  id: string;
  /** Everyday phrasings (matched with or without diacritics). */
  when: string[];
  /** What listings call it: the token's synonyms in the index. */
  means: string[];
  /** Circumstance rather than subject ("mùa mưa", "rớt giá"): asked for last, so dropped first. */
  weak?: boolean;
}

export interface Vocabulary {
  stopWords: string[];
  /**
   * Words that say where rather than what ("ruộng", "vườn", "nhà"): kept, but asked after the
   * subject, so a listing about the subject is not required to name the place.
   */
  placeWords?: string[];
  concepts: Concept[];
  /** Phrases of two or more words whose bigrams correct slips in short syllables. */
  phrases: string[];
}

export interface PreparedQuery {
  /** The query to send to Meilisearch. */
  q: string;
  /** Concept ids recognised, in query order. */
  concepts: string[];
  /** Words changed by the slip correction, as [typed, corrected]. */
  corrections: [string, string][];
  /** Words dropped as carrying no topic. */
  dropped: string[];
  /** The marked words' tokens (markedToken), asked after `q`: see searchText. */
  marked: string[];
  /**
   * How Meilisearch drops words when not all match. "frequency" (commonest first) suits
   * plain Vietnamese; with synonyms at stake, Meilisearch 1.21's "frequency" can return
   * nothing ("honey processing" → 0 hits while "honey" alone finds mật ong), so queries with
   * concepts or in unaccented/English words drop from the end, subjects first in line.
   */
  matchingStrategy: "frequency" | "last";
}

/** Concept tokens are single words no listing contains, so only their synonyms match. */
export const CONCEPT_PREFIX = "tcxconcept";

/** Diacritics folded (đ → d) and lower case: how a word typed without marks is compared, and the document's `folded` field. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

const hasMarks = (word: string) => fold(word) !== word;

/** An accented query word must match exactly; one typed without marks matches any marks. */
function sameWord(typed: string, known: string): boolean {
  return hasMarks(typed) ? typed === known : typed === fold(known);
}

function words(text: string): string[] {
  return text
    .normalize("NFC")
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter(Boolean);
}

/** Edit distance with adjacent transpositions (optimal string alignment), for short words. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The tone mark of a syllable (a slip keeps it more often than it keeps a letter). */
const tone = (word: string) => [...word.normalize("NFD")].filter((c) => /[\u0300\u0301\u0303\u0309\u0323]/.test(c)).join("");

interface Compiled {
  stop: Set<string>;
  place: Set<string>;
  /** Bigrams of the curated phrases (vocabulary and synonyms), not the catalogue's titles: folded, and as written. */
  curatedBigrams: Set<string>;
  curatedExact: Set<string>;
  /** Stop phrases of two words or more ("hàng xóm", "làm thế nào"). */
  stopPhrases: string[][];
  concepts: { id: string; weak: boolean; phrases: string[][] }[];
  /** Bigrams as "a b", accented and folded. */
  bigrams: Set<string>;
  /** Folded bigram → how many phrases use it (the catalogue's phrases count once each). */
  foldedBigrams: Map<string, number>;
  /** Every word seen in a phrase: a word seen is never "corrected". */
  seen: Set<string>;
  /** Folded word → accented words seen after it / before it. */
  next: Map<string, Set<string>>;
  prev: Map<string, Set<string>>;
  /** Phrases in which a stop word means something ("gạch không nung", "chân không"). */
  protectedPhrases: string[][];
}

const SHORT = 5;
const MIN_USES = 2;
/** A word the catalogue uses is rewritten only towards a phrase this common. */
const REAL_WORD_MIN_USES = 3;

function compile(vocab: Vocabulary, extraPhrases: Iterable<string> = []): Compiled {
  const stopEntries = vocab.stopWords.map(words);
  const stop = new Set(stopEntries.filter((w) => w.length === 1).map((w) => w[0]!));
  const stopPhrases = stopEntries.filter((w) => w.length > 1);
  const bigrams = new Set<string>();
  const foldedBigrams = new Map<string, number>();
  const next = new Map<string, Set<string>>();
  const prev = new Map<string, Set<string>>();
  const protectedPhrases: string[][] = [];
  const seen = new Set<string>();
  const link = (map: Map<string, Set<string>>, key: string, value: string) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
  };
  const add = (phrase: string, protect: boolean) => {
    const ws = words(phrase);
    for (const w of ws) seen.add(w);
    for (let i = 0; i + 1 < ws.length; i++) {
      const [a, b] = [ws[i]!, ws[i + 1]!];
      bigrams.add(`${a} ${b}`);
      const key = `${fold(a)} ${fold(b)}`;
      foldedBigrams.set(key, (foldedBigrams.get(key) ?? 0) + 1);
      link(next, fold(a), b);
      link(prev, fold(b), a);
    }
    if (protect && ws.length > 1 && ws.some((w) => stop.has(w))) protectedPhrases.push(ws);
  };
  for (const phrase of vocab.phrases) add(phrase, true);
  for (const concept of vocab.concepts) for (const phrase of [...concept.when, ...concept.means]) add(phrase, false);
  for (const phrase of extraPhrases) add(phrase, false);
  const concepts = vocab.concepts.map((c) => ({ id: c.id, weak: c.weak === true, phrases: c.when.map(words).sort((a, b) => b.length - a.length) }));
  const place = new Set((vocab.placeWords ?? []).map((w) => w.normalize("NFC").toLowerCase()));
  const curatedBigrams = new Set<string>();
  const curatedExact = new Set<string>();
  for (const phrase of [...vocab.phrases, ...vocab.concepts.flatMap((x) => [...x.when, ...x.means]), ...(synonymGroups as string[][]).flat()]) {
    const ws = words(phrase);
    for (let i = 0; i + 1 < ws.length; i++) {
      curatedBigrams.add(`${fold(ws[i]!)} ${fold(ws[i + 1]!)}`);
      curatedExact.add(`${ws[i]} ${ws[i + 1]}`);
    }
  }
  for (const phrase of (synonymGroups as string[][]).flat()) {
    const ws = words(phrase);
    // A word of the domain's vocabulary is a word, not a slip, even before a listing uses it.
    for (const w of ws) seen.add(w);
    // The synonyms' phrases that contain a stop word ("sao chè": tea roasting, not "why tea") keep it.
    if (ws.length > 1 && ws.some((w) => stop.has(w))) protectedPhrases.push(ws);
  }
  return { stop, place, curatedBigrams, curatedExact, stopPhrases, concepts, bigrams, foldedBigrams, seen, next, prev, protectedPhrases };
}

/** Accented words seen after `a` (or before `b`), honouring `a`'s marks when it has them. */
function after(c: Compiled, a: string): string[] {
  const seen = [...(c.next.get(fold(a)) ?? [])];
  return hasMarks(a) ? seen.filter((b) => c.bigrams.has(`${a} ${b}`)) : seen;
}
function before(c: Compiled, b: string): string[] {
  const seen = [...(c.prev.get(fold(b)) ?? [])];
  return hasMarks(b) ? seen.filter((a) => c.bigrams.has(`${a} ${b}`)) : seen;
}

/** Is the pair a known phrase, comparing accented words exactly and unaccented ones folded? */
function knownPair(c: Compiled, a: string, b: string): boolean {
  if (!hasMarks(a) && !hasMarks(b)) return c.foldedBigrams.has(`${a} ${b}`);
  if (hasMarks(a) && hasMarks(b)) return c.bigrams.has(`${a} ${b}`);
  return hasMarks(a) ? after(c, a).some((x) => fold(x) === b) : before(c, b).some((x) => fold(x) === a);
}

/** How well `word` fits between its neighbours: the catalogue's uses of both bigrams. */
function fit(c: Compiled, left: string | undefined, word: string, right: string | undefined): number {
  const count = (a: string, b: string) => c.foldedBigrams.get(`${fold(a)} ${fold(b)}`) ?? 0;
  return (left ? count(left, word) : 0) + (right ? count(word, right) : 0);
}

/**
 * Corrects words that the catalogue never uses and that form no known phrase with
 * either neighbour, to the word one edit away that fits the neighbours best. Only short words: Meilisearch forgives one typo in
 * words of five letters or more on its own.
 */
function correctSlips(c: Compiled, ws: string[], corrections: [string, string][]): string[] {
  const out = [...ws];
  const marked = ws.some(hasMarks);
  for (let round = 0; round < ws.length; round++) {
    let best: { at: number; word: string; score: number } | null = null;
    for (let j = 0; j < out.length; j++) {
      const [left, w, right] = [out[j - 1], out[j]!, out[j + 1]];
      if (fold(w).length > SHORT || (!left && !right) || c.stop.has(w)) continue;
      if ((left && knownPair(c, left, w)) || (right && knownPair(c, w, right))) continue;
      // How sure we are that the typed word is wrong decides which corrections are allowed.
      // - A word the catalogue never uses and that forms no phrase even with marks ignored: any one-letter slip.
      // - One that forms a phrase once marks are ignored ("nước mắn" ~ "nước mặn"): Meilisearch ignores
      //   marks, so only a slip of a letter that keeps the typed marks ("nước mắm") is worth making;
      //   typed without marks ("may rang"), it needs no help at all.
      // - A word the catalogue uses ("tôn", "tre") but in no known or curated phrase with its
      //   neighbours ("nuôi tôn", "cá tre"): only a slip that keeps its tone, to a phrase used often.
      const foldedFits = (a: string, b: string) => c.foldedBigrams.has(`${fold(a)} ${fold(b)}`);
      // A curated phrase ("nuôi tằm") is never a slip, even when no listing uses it yet. In a query
      // typed with marks, a word without them is taken as written ("cá tre" is not "cá trê").
      const curated = (a: string, b: string) => (marked ? c.curatedExact.has(`${a} ${b}`) : c.curatedBigrams.has(`${fold(a)} ${fold(b)}`));
      if ((left && curated(left, w)) || (right && curated(w, right))) continue;
      const real = c.seen.has(w);
      const marksFit = !real && !!((left && foldedFits(left, w)) || (right && foldedFits(w, right)));
      if (marksFit && !hasMarks(w)) continue;
      const typedFolded = fold(w);
      const candidates = new Set([...(left ? after(c, left) : []), ...(right ? before(c, right) : [])]);
      for (const candidate of candidates) {
        // A slip of one letter, with or without its marks ("mìu" for "mùi" is one swap once folded).
        const distance = marksFit ? editDistance(w, candidate) : Math.min(editDistance(typedFolded, fold(candidate)), hasMarks(w) ? editDistance(w, candidate) : 2);
        // Like Meilisearch, trust the first letter: "găng tay" is not a slip for "bằng tay".
        if (distance !== 1 || fold(candidate)[0] !== typedFolded[0]) continue;
        if ((real || marksFit) && (tone(candidate) !== tone(w) || fold(candidate) === typedFolded)) continue;
        // Two uses at least, so one odd title cannot rewrite queries; a slip keeps the tone mark more often than not.
        const uses = fit(c, left, candidate, right);
        if (uses < (real ? REAL_WORD_MIN_USES : MIN_USES)) continue;
        const score = uses + (tone(candidate) === tone(w) ? 0.5 : 0);
        if (!best || score > best.score) best = { at: j, word: candidate, score };
      }
    }
    if (!best) break;
    corrections.push([out[best.at]!, best.word]);
    out[best.at] = best.word;
  }
  return out;
}

function matchesAt(ws: string[], at: number, phrase: string[]): boolean {
  if (phrase.length > ws.length - at) return false;
  // One syllable typed without marks is too ambiguous ("bo": bò, bộ, bơ) to stand for a concept.
  if (phrase.length === 1 && hasMarks(phrase[0]!)) return ws[at] === phrase[0];
  return phrase.every((p, k) => sameWord(ws[at + k]!, p));
}

let compiled: Compiled | null = null;
let corpusPhrases: string[] = [];

/**
 * Adds phrases seen in the catalogue (titles and keywords) to the slip
 * correction's known bigrams, so it also knows the hidden catalogue's words.
 */
export function setCatalogueVocabulary(phrases: string[]) {
  corpusPhrases = phrases;
  compiled = null;
}

function defaultCompiled(): Compiled {
  compiled ??= compile(vocabulary as Vocabulary, corpusPhrases);
  return compiled;
}

export function prepareQuery(raw: string, vocab?: Vocabulary): PreparedQuery {
  const c = vocab ? compile(vocab) : defaultCompiled();
  const result: PreparedQuery = { q: raw, concepts: [], corrections: [], dropped: [], marked: [], matchingStrategy: strategyFor(raw, false) };
  if (!raw.trim() || raw.includes('"') || /(^|\s)-\S/.test(raw)) return result;
  let ws = words(raw);
  ws = correctSlips(c, ws, result.corrections);

  // Concepts, longest phrasing first at each position.
  const out: string[] = [];
  const isConcept: boolean[] = [];
  for (let i = 0; i < ws.length; ) {
    const hit = c.concepts.flatMap((concept) => concept.phrases.filter((p) => matchesAt(ws, i, p)).map((p) => ({ concept, length: p.length }))).sort((x, y) => y.length - x.length)[0];
    if (hit) {
      if (!result.concepts.includes(hit.concept.id)) {
        result.concepts.push(hit.concept.id);
        out.push(CONCEPT_PREFIX + hit.concept.id);
        isConcept.push(true);
      }
      i += hit.length;
    } else {
      out.push(ws[i]!);
      isConcept.push(false);
      i += 1;
    }
  }

  // Stop words, in queries long enough to have them, unless part of a meaningful phrase.
  let kept = out;
  if (out.length >= 3) {
    const keep = out.map((w, i) => isConcept[i] || !c.stop.has(w));
    for (const phrase of c.stopPhrases) for (let i = 0; i < out.length; i++) if (matchesAt(out, i, phrase)) for (let k = 0; k < phrase.length; k++) keep[i + k] = false;
    for (const phrase of c.protectedPhrases) for (let i = 0; i < out.length; i++) if (matchesAt(out, i, phrase)) for (let k = 0; k < phrase.length; k++) keep[i + k] = true;
    if (keep.some((k, i) => k && !isConcept[i]) || result.concepts.length > 0) {
      kept = out.filter((_, i) => keep[i]);
      result.dropped = out.filter((_, i) => !keep[i]);
    }
  }
  // Places ("ruộng", "vườn") and circumstances ("mùa mưa") go last, so they are the first words
  // given up: with the "last" strategy a query's first words are the ones every result must have.
  const weak = new Set(c.concepts.filter((x) => x.weak).map((x) => CONCEPT_PREFIX + x.id));
  // A place word inside a known phrase ("nhà màng", "làng nghề", "nông thôn") is part of the subject.
  const curated = (a: string, b: string) => c.curatedBigrams.has(`${fold(a)} ${fold(b)}`);
  const isPlace = (i: number) => c.place.has(kept[i]!) && !(i > 0 && curated(kept[i - 1]!, kept[i]!)) && !(i + 1 < kept.length && curated(kept[i]!, kept[i + 1]!));
  const rank = kept.map((w, i) => (weak.has(w) ? 2 : kept.length > 1 && isPlace(i) ? 1 : 0));
  const q = [0, 1, 2].flatMap((r) => kept.filter((_, i) => rank[i] === r)).join(" ");
  result.matchingStrategy = strategyFor(q, result.concepts.length > 0);
  // Unchanged wording keeps the person's own punctuation.
  result.q = result.concepts.length || result.corrections.length || result.dropped.length ? q : raw;
  // One or two words typed with marks have no context to tell mây (rattan) from máy (machine),
  // which Meilisearch folds alike: their marked spellings are asked too. Under "frequency" the
  // folded word, matching more listings, is given up before its marked spelling, so listings
  // spelling it the same way are found and the others are not; a spelling no listing uses is
  // given up first ("hạt điêu" still finds "hạt điều").
  const plain = kept.filter((w) => !w.startsWith(CONCEPT_PREFIX));
  if (plain.length > 0 && plain.length <= MARKED_WORDS_MAX && plain.length === kept.length && plain.some(hasMarks)) {
    result.marked = plain.map(markedToken).filter((t): t is string => t !== null);
  }
  return result;
}

const MARKED_WORDS_MAX = 2;

/** What Meilisearch is asked: the prepared words, then the marked words' tokens. */
export function searchText(prepared: PreparedQuery): string {
  return [prepared.q, ...prepared.marked].join(" ");
}

/** Prefix of the tokens that spell a word's marks (document.server.ts indexes them as `marked`). */
export const MARKED_PREFIX = "tcxv";
const MARK_CODES: Record<string, string> = { "\u0302": "za", "\u0306": "zw", "\u031b": "zo", "\u0300": "zf", "\u0301": "zs", "\u0303": "zx", "\u0309": "zr", "\u0323": "zj" };
const TONES = new Set(["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]);

/**
 * A word with its marks spelt out in plain letters ("mây" → "tcxvmazayq", "máy" → "tcxvmayzsq"),
 * one token per spelling, the tone last wherever it was placed (thuỷ = thủy); null for a word
 * without marks. Meilisearch folds marks away; these tokens keep them.
 */
export const markedToken = perWord((word: string): string | null => {
  const w = word.normalize("NFC").toLowerCase();
  if (!hasMarks(w)) return null;
  let body = "";
  let tone = "";
  for (const ch of w.normalize("NFD")) {
    if (TONES.has(ch)) tone += MARK_CODES[ch];
    else if (MARK_CODES[ch]) body += MARK_CODES[ch];
    else body += ch === "đ" ? "dzd" : ch;
  }
  // The closing letter keeps one token from being a prefix of another (mây, mấy).
  return /^[a-z]+$/.test(body + tone) ? `${MARKED_PREFIX}${body}${tone}q` : null;
});

function strategyFor(q: string, hasConcepts: boolean): "frequency" | "last" {
  return !hasConcepts && hasMarks(q.normalize("NFC").toLowerCase()) ? "frequency" : "last";
}

/** The concepts as one-way synonyms for the index settings: token → what listings call it. */
export function conceptSynonyms(vocab: Vocabulary = vocabulary as Vocabulary): Record<string, string[]> {
  return Object.fromEntries(vocab.concepts.map((c) => [CONCEPT_PREFIX + c.id, [...new Set([...c.means, ...c.when].map((t) => t.normalize("NFC").toLowerCase()))]]));
}
