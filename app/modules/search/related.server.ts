import type { MultiSearchQuery, SearchResponse } from "meilisearch";
import { indexName, meili } from "~/lib/meili.server.ts";
import type { ListingDocument } from "./document.server.ts";
import { LISTINGS } from "./index.server.ts";

/**
 * "Which published offers (or needs) are relevant to this text?" for matching
 * (DESIGN.md §3). Each text is cut into short queries (see chunksOf), all sent in one
 * multi-search with `showRankingScore`, so every hit carries a relevance in [0, 1]
 * that does not depend on the other hits; a text's relevance for a listing is the
 * mean over its queries. One more query lists listings sharing a sector field.
 */
export interface RelatedListings {
  /** Per text, in the order given: listing id → relevance in [0, 1]. Empty texts give empty maps. */
  byText: Map<string, number>[];
  /** Ids of listings sharing one of the sector codes given (empty when none were given). */
  bySector: string[];
}

export interface RelatedOptions {
  /** Hits per query. */
  limit?: number;
  /** Sector or field codes ("2.11", "2"): listings carrying any of them are returned in `bySector`. */
  sectorCodes?: readonly string[];
  /** Leaves out this organisation's own listings. */
  excludeOrganisationId?: string | null;
}

const OFFER_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"] as const;
const NEED_TYPES = ["TECHNOLOGY_REQUEST"] as const;

const quote = (value: string) => JSON.stringify(value);

/** Words that carry no topic in either language; never worth a query term. */
const STOP_WORDS = new Set(
  ("cần các của có cho và với là một những này được để trong khi từ theo về đã đang sẽ hoặc như tại nên thì mà " +
    "the a an and or of for to in on with by from is are be that this we our need needs looking want").split(" "),
);
/** At most this many queries per text, and per call: matching must stay a light load on search. */
const MAX_CHUNKS_PER_TEXT = 8;
const MAX_CHUNKS = 32;

function terms(text: string): string[] {
  return text
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w));
}

/**
 * A text as short queries: overlapping pairs of words ("sấy lạnh", "lạnh bảo", "bảo quản"),
 * since most Vietnamese words are two syllables; a list of phrases (keywords) gives one
 * query per phrase. Why not the whole text as one query: Meilisearch reads ten words of a
 * query, and its matching strategies never drop the rarest (or the first) word, so one
 * word the other side never uses ("xuất khẩu") would hide every listing.
 */
function chunksOf(text: string | readonly string[]): string[] {
  if (typeof text !== "string") return [...new Set(text.map((phrase) => terms(phrase).slice(0, 4).join(" ")).filter(Boolean))].slice(0, MAX_CHUNKS_PER_TEXT);
  const words = terms(text);
  if (words.length <= 2) return words.length ? [words.join(" ")] : [];
  return [...new Set(words.slice(1).map((word, i) => `${words[i]} ${word}`))].slice(0, MAX_CHUNKS_PER_TEXT);
}

async function relatedListings(types: readonly string[], texts: readonly (string | readonly string[])[], options: RelatedOptions): Promise<RelatedListings> {
  const limit = options.limit ?? 100;
  const filter = [`type IN [${types.map(quote).join(", ")}]`];
  if (options.excludeOrganisationId) filter.push(`organisationId != ${quote(options.excludeOrganisationId)}`);
  const uid = indexName(LISTINGS);
  const chunksPerText = texts.map(chunksOf);
  const chunks = [...new Set(chunksPerText.flat())].slice(0, MAX_CHUNKS);
  const queries: MultiSearchQuery[] = chunks.map((q) => ({ indexUid: uid, q, filter, limit, showRankingScore: true, matchingStrategy: "frequency", attributesToRetrieve: ["id"] }));
  const sectors = [...new Set(options.sectorCodes ?? [])];
  if (sectors.length) queries.push({ indexUid: uid, q: "", filter: [...filter, `sectorCodes IN [${sectors.map(quote).join(", ")}]`], limit, attributesToRetrieve: ["id"] });
  if (queries.length === 0) return { byText: texts.map(() => new Map()), bySector: [] };
  const { results } = await meili().multiSearch({ queries });
  const hitsOf = (i: number) => (results[i] as unknown as SearchResponse<Pick<ListingDocument, "id">>).hits;
  const chunkScores = new Map(chunks.map((chunk, i) => [chunk, new Map(hitsOf(i).map((hit) => [hit.id, hit._rankingScore ?? 0]))]));
  // A text's relevance for a listing: the mean of its chunks' ranking scores (0 where the
  // listing was not found), over the chunks that found anything at all.
  const byText = chunksPerText.map((own) => {
    const informative = own.map((c) => chunkScores.get(c)).filter((m): m is Map<string, number> => m !== undefined && m.size > 0);
    const sums = new Map<string, number>();
    for (const scores of informative) for (const [id, score] of scores) sums.set(id, (sums.get(id) ?? 0) + score);
    return new Map([...sums].map(([id, sum]) => [id, sum / informative.length]));
  });
  return { byText, bySector: sectors.length ? hitsOf(chunks.length).map((hit) => hit.id) : [] };
}

/** Published offers (technology and equipment) relevant to each text. */
export function offersRelevantTo(texts: readonly (string | readonly string[])[], options: RelatedOptions = {}) {
  return relatedListings(OFFER_TYPES, texts, options);
}

/** Published needs (technology requests) relevant to each text. */
export function needsRelevantTo(texts: readonly (string | readonly string[])[], options: RelatedOptions = {}) {
  return relatedListings(NEED_TYPES, texts, options);
}
