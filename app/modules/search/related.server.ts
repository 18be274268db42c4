import type { MultiSearchQuery, SearchResponse } from "meilisearch";
import { indexName, meili } from "~/lib/meili.server.ts";
import type { ListingDocument } from "./document.server.ts";
import { LISTINGS } from "./index.server.ts";

/**
 * Candidate generation for matching and related listings (DESIGN.md §3, docs/matching.md):
 * "which published offers (or needs) might be about the same thing as this listing?".
 * One multi-search of at most four short queries; the matcher then judges each candidate
 * on the two listings' own texts and facts (app/modules/matching/), so this only has to
 * find the right listings somewhere among its few hundred hits, not rank them.
 *
 * Meilisearch reads at most ten words of a query, so each query is a short list of the
 * listing's content words (function words left out) with matchingStrategy "frequency",
 * which drops the commonest words first when not all of them can be found.
 */

export const OFFER_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"] as const;
export const NEED_TYPES = ["TECHNOLOGY_REQUEST"] as const;

export interface CandidateSource {
  title: string;
  keywords: readonly string[];
  summary: string;
  problemStatement?: string | null;
  /** Sub-field codes ("2.11") of the listing. */
  sectorCodes: readonly string[];
}

export interface CandidateOptions {
  /** Which listing types to look for. */
  types: readonly ListingDocument["type"][];
  /** Hits per query. */
  limit?: number;
  /** Leaves out this organisation's listings. */
  excludeOrganisationId?: string | null;
  /** Leaves out this listing. */
  excludeId?: string | null;
  /** Fields of each hit to return (always with id). */
  attributes?: readonly (keyof ListingDocument)[];
}

export interface Candidate {
  id: string;
  /** The best Meilisearch ranking score of the hit over the queries, in [0, 1]. */
  rankingScore: number;
  doc: Partial<ListingDocument>;
}

const quote = (value: string) => JSON.stringify(value);

const STOP_WORDS = new Set(
  ("cần các của có cho và với là một những này được để trong khi từ theo về đã đang sẽ hoặc như tại nên thì mà tìm muốn " +
    "the a an and or of for to in on with by from is are be that this we our need needs looking seeking want").split(" "),
);

/** At most ten content words of a text, in order. */
export function queryWords(text: string, max = 10): string {
  const words = text
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\p{N}+$/u.test(w));
  return [...new Set(words)].slice(0, max).join(" ");
}

/** The (up to four) queries that find a listing's candidates. */
export function candidateQueries(source: CandidateSource): { q: string; sectors?: readonly string[] }[] {
  const queries: { q: string; sectors?: readonly string[] }[] = [];
  const title = queryWords(source.title);
  if (title) queries.push({ q: title });
  const keywords = queryWords(source.keywords.join(" "));
  if (keywords && keywords !== title) queries.push({ q: keywords });
  const body = queryWords(source.problemStatement?.trim() ? `${source.problemStatement} ${source.summary}` : source.summary);
  if (body) queries.push({ q: body });
  const subFields = [...new Set(source.sectorCodes)];
  if (subFields.length && (title || keywords)) queries.push({ q: queryWords(`${source.title} ${source.keywords.join(" ")}`), sectors: subFields });
  return queries;
}

/**
 * Published listings of the given types that may be about the same thing as `source`,
 * in one multi-search; throws when Meilisearch fails (callers decide: a job retries,
 * a page falls back).
 */
export async function findCandidates(source: CandidateSource, options: CandidateOptions): Promise<Candidate[]> {
  const limit = options.limit ?? 50;
  const filter = [`type IN [${options.types.map(quote).join(", ")}]`];
  if (options.excludeOrganisationId) filter.push(`organisationId != ${quote(options.excludeOrganisationId)}`);
  if (options.excludeId) filter.push(`id != ${quote(options.excludeId)}`);
  const uid = indexName(LISTINGS);
  const attributesToRetrieve = [...new Set(["id", ...(options.attributes ?? [])])];
  const queries: MultiSearchQuery[] = candidateQueries(source).map(({ q, sectors }) => ({
    indexUid: uid,
    q,
    filter: sectors ? [...filter, `sectorCodes IN [${sectors.map(quote).join(", ")}]`] : filter,
    limit,
    showRankingScore: true,
    matchingStrategy: "frequency",
    attributesToRetrieve,
  }));
  if (queries.length === 0) return [];
  const { results } = await meili().multiSearch({ queries });
  const found = new Map<string, Candidate>();
  for (const result of results) {
    for (const hit of (result as unknown as SearchResponse<ListingDocument>).hits) {
      const score = hit._rankingScore ?? 0;
      const known = found.get(hit.id);
      if (!known) found.set(hit.id, { id: hit.id, rankingScore: score, doc: hit });
      else if (score > known.rankingScore) known.rankingScore = score;
    }
  }
  return [...found.values()];
}
