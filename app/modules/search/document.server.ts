import { createHash } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { env } from "~/lib/env.server.ts";
import { perWord } from "~/lib/memo.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { conceptSynonyms, fold, markedToken } from "./query.ts";
import synonymGroups from "./synonyms.json";

/**
 * What one listing looks like in the search index: what the search page shows
 * and filters on, with sector labels in both languages and money in VND.
 */
export interface ListingDocument {
  id: string;
  externalRef: string | null;
  type: "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST";
  title: string;
  keywords: string[];
  summary: string;
  /** Labels of the listing's sub-fields and their fields, Vietnamese and English. */
  sectorLabels: string[];
  /** Sub-field codes and their field codes, so "2" finds every "2.x". */
  sectorCodes: string[];
  organisationName: string;
  organisationId: string;
  /** The organisation's registration was checked by the centre (its verifiedAt is set). */
  verified: boolean;
  /** The description as plain text, capped. */
  description: string;
  /** Title, keywords and summary with diacritics folded (đ → d), for queries typed without them. */
  folded: string;
  /**
   * Every phrase of each synonym group (synonyms.json) that the title, keywords or summary use,
   * in both languages: "máy bóc vỏ hạt điều" is in the document of "Cashew shelling machine".
   */
  concepts: string[];
  /** The same for groups only the description uses, searched last. */
  descriptionConcepts: string[];
  /**
   * The words of title, keywords, summary and concepts with their marks spelt out
   * (query.ts markedToken), so "mây" can be told from "máy", which Meilisearch folds alike.
   */
  marked: string[];
  language: string;
  provinceCode: string | null;
  provinceNames: string[];
  countryCode: string;
  trl: number | null;
  minTrl: number | null;
  ipStatus: string | null;
  transferModes: string[];
  condition: string | null;
  /** Lower price (offers) or upper budget (needs) in VND; USD converted at USD_VND_RATE. */
  priceVnd: number | null;
  featured: boolean;
  /** 1 while featured: the last ranking rule, so featured listings lead among equally relevant ones. */
  featuredRank: number;
  publishedAt: number;
  /** Unix seconds of the row's last change, to detect stale documents. */
  updatedAt: number;
  /** The vocabulary the document was built with (documentVocabulary): documents of an older one are rebuilt at start. */
  vocabulary: string;
}

/**
 * Bumped when toDocument changes what it derives from a row, so documents built the old way
 * are rebuilt (with the vocabulary's hash, documentVocabulary).
 */
const DOCUMENT_SHAPE = 2;

let vocabularyHash: string | null = null;

/**
 * A short hash of what documents derive from the vocabulary (the synonym groups and the
 * everyday-problem concepts, which documents carry as concepts) and of DOCUMENT_SHAPE. A deploy
 * that changes either leaves documents built the old way; prepareSearch (startup.server.ts)
 * finds them by this field and rebuilds the index.
 */
export function documentVocabulary(): string {
  vocabularyHash ??= createHash("sha256")
    .update(JSON.stringify([DOCUMENT_SHAPE, synonymGroups, conceptSynonyms()]))
    .digest("hex")
    .slice(0, 16);
  return vocabularyHash;
}

/** VND per USD for price filters and sorting; a setting (USD_VND_RATE), not live market data. */
export function usdVndRate(): number {
  return env().USD_VND_RATE;
}

/** Markdown to searchable plain text. */
function plain(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[#>*_`~|-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 8_000);
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;

/**
 * One spelling per Vietnamese syllable whatever the tone mark's placement ("thuỷ" and "thủy",
 * "hoá" and "hóa" are the same word): the tone moved to the end. Other marks stay, so
 * bún (noodles) and bùn (sludge) remain two words.
 */
const syllableKey = perWord((word: string): string => {
  const decomposed = word.normalize("NFD");
  const tones = decomposed.match(TONE_MARKS)?.join("") ?? "";
  return tones ? decomposed.replace(TONE_MARKS, "").normalize("NFC") + tones : word;
});

/** Lower case, split at anything that is not a letter or a digit (as Meilisearch splits words). */
function wordsOf(text: string): string[] {
  return text.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(syllableKey);
}

/**
 * What a listing's text can add to its document: each synonym group adds all its phrases;
 * each everyday-problem concept (query.ts) adds its query token when a listing uses one of
 * its terms, so the token a query carries matches as a word of the document.
 */
interface Expansion {
  /** Phrases that, found in the text, bring the expansion in. */
  found: string[];
  /** What it adds to the document. */
  adds: string[];
}

let expansionList: Expansion[] | null = null;
/** First word → the phrases (as words) starting with it, and their expansion. */
let phrasesByFirstWord: Map<string, { words: string[]; expansion: number }[]> | null = null;

function expansions() {
  if (expansionList && phrasesByFirstWord) return { list: expansionList, index: phrasesByFirstWord };
  const lower = (phrases: string[]) => phrases.map((p) => p.normalize("NFC").toLowerCase());
  const list: Expansion[] = [
    ...(synonymGroups as string[][]).map((group) => ({ found: group, adds: lower(group) })),
    ...Object.entries(conceptSynonyms()).map(([token, terms]) => ({ found: terms, adds: [token] })),
  ];
  const index = new Map<string, { words: string[]; expansion: number }[]>();
  list.forEach(({ found }, i) => {
    for (const phrase of found) {
      const words = wordsOf(phrase);
      if (words.length === 0) continue;
      const entries = index.get(words[0]!) ?? [];
      entries.push({ words, expansion: i });
      index.set(words[0]!, entries);
    }
  });
  expansionList = list;
  phrasesByFirstWord = index;
  return { list, index };
}

/**
 * The synonym groups and concepts whose phrases the texts use (decision 010). Their phrases,
 * indexed in the document, match the words of a query in the other language directly:
 * Meilisearch looks up synonyms for query phrases of three words at most, and counts a
 * synonym of a two- or three-word phrase as a typo, so an English listing found only through
 * synonyms ranked below any Vietnamese listing that happened to contain the same syllables.
 * Accents are compared exactly: the texts are the publisher's own, written with them.
 */
export function expansionsIn(texts: readonly string[]): Set<number> {
  const { index } = expansions();
  const found = new Set<number>();
  for (const text of texts) {
    const words = wordsOf(text);
    for (let i = 0; i < words.length; i++) {
      for (const { words: phrase, expansion } of index.get(words[i]!) ?? []) {
        if (!found.has(expansion) && phrase.every((w, j) => words[i + j] === w)) found.add(expansion);
      }
    }
  }
  return found;
}

/** What the expansions add: every phrase of each group (both languages, lower case), each concept's token. */
export function expansionTerms(found: Iterable<number>): string[] {
  const { list } = expansions();
  return [...new Set([...found].sort((a, b) => a - b).flatMap((i) => list[i]!.adds))];
}

/** Each distinct marked word of the texts as its token. */
export function markedTokens(texts: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) for (const word of text.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    const token = word ? markedToken(word) : null;
    if (token) tokens.add(token);
  }
  return [...tokens];
}

export const documentSelect = {
  id: true,
  externalRef: true,
  type: true,
  title: true,
  keywords: true,
  summary: true,
  description: true,
  language: true,
  provinceCode: true,
  countryCode: true,
  trl: true,
  minTrl: true,
  ipStatus: true,
  transferModes: true,
  condition: true,
  priceMin: true,
  currency: true,
  budgetMax: true,
  budgetCurrency: true,
  featuredUntil: true,
  publishedAt: true,
  updatedAt: true,
  organisation: { select: { id: true, name: true, verifiedAt: true } },
  province: { select: { shortNameVi: true, nameEn: true } },
  sectors: { select: { sector: { select: { code: true, labelVi: true, labelEn: true, parent: { select: { code: true, labelVi: true, labelEn: true } } } } } },
} satisfies Prisma.ListingSelect;

type Row = Prisma.ListingGetPayload<{ select: typeof documentSelect }>;

function toVnd(amount: bigint | null, currency: string | null): number | null {
  if (amount === null || currency === null) return null;
  return currency === "USD" ? Number(amount) * usdVndRate() : Number(amount);
}

export function toDocument(row: Row, now = new Date()): ListingDocument {
  const labels = new Set<string>();
  const codes = new Set<string>();
  for (const { sector } of row.sectors) {
    codes.add(sector.code);
    labels.add(sector.labelVi).add(sector.labelEn);
    if (sector.parent) {
      codes.add(sector.parent.code);
      labels.add(sector.parent.labelVi).add(sector.parent.labelEn);
    }
  }
  const featured = row.featuredUntil !== null && row.featuredUntil > now;
  const description = plain(row.description);
  const own = expansionsIn([row.title, ...row.keywords, row.summary]);
  const descriptionOnly = [...expansionsIn([description])].filter((e) => !own.has(e));
  const concepts = expansionTerms(own);
  return {
    id: row.id,
    externalRef: row.externalRef,
    type: row.type,
    title: row.title,
    keywords: row.keywords,
    summary: row.summary,
    sectorLabels: [...labels],
    sectorCodes: [...codes],
    organisationName: row.organisation.name,
    organisationId: row.organisation.id,
    verified: row.organisation.verifiedAt !== null,
    description,
    folded: fold([row.title, row.keywords.join(" "), row.summary].join(" ")),
    concepts,
    descriptionConcepts: expansionTerms(descriptionOnly),
    marked: markedTokens([row.title, ...row.keywords, row.summary, ...concepts]),
    language: row.language,
    provinceCode: row.provinceCode,
    provinceNames: row.province ? [row.province.shortNameVi, row.province.nameEn] : [],
    countryCode: row.countryCode,
    trl: row.trl,
    minTrl: row.minTrl,
    ipStatus: row.ipStatus,
    transferModes: row.transferModes,
    condition: row.condition,
    priceVnd: row.type === "TECHNOLOGY_REQUEST" ? toVnd(row.budgetMax, row.budgetCurrency) : toVnd(row.priceMin, row.currency),
    featured,
    featuredRank: featured ? 1 : 0,
    publishedAt: Math.floor((row.publishedAt ?? row.updatedAt).getTime() / 1000),
    updatedAt: Math.floor(row.updatedAt.getTime() / 1000),
    vocabulary: documentVocabulary(),
  };
}

/** The documents of those of these listings that are public (in no particular order). */
export async function loadDocuments(ids: readonly string[]): Promise<ListingDocument[]> {
  if (ids.length === 0) return [];
  const rows = await prisma.listing.findMany({ where: { id: { in: [...ids] }, ...publicListingWhere() }, select: documentSelect });
  return rows.map((row) => toDocument(row));
}

/** Public listings' documents in id order, a page at a time (reindex, reconcile). */
export async function loadDocumentPage(afterId: string | null, take: number): Promise<ListingDocument[]> {
  const rows = await prisma.listing.findMany({
    where: { ...publicListingWhere(), ...(afterId ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take,
    select: documentSelect,
  });
  return rows.map((row) => toDocument(row));
}
