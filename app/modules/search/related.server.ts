import type { MultiSearchQuery, SearchResponse } from "meilisearch";
import { indexName, meili, meiliFailure, type MeiliPurpose } from "~/lib/meili.server.ts";
import type { ListingDocument } from "./document.server.ts";
import { LISTINGS } from "./index.server.ts";

/**
 * Candidate generation for matching and related listings (DESIGN.md §3, docs/matching.md):
 * "which published offers (or needs) might be about the same thing as this listing?".
 * One multi-search of a few short queries; the matcher then judges each candidate
 * on the two listings' own texts and facts (app/modules/matching/), so this only has to
 * find the right listings somewhere among its few hundred hits, not rank them.
 *
 * The caller picks the telling terms (app/modules/matching/text.ts: the heaviest IDF-weighted
 * two-syllable terms and synonym concepts of the listing's own text).
 */

export const OFFER_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"] as const;
export const NEED_TYPES = ["TECHNOLOGY_REQUEST"] as const;

export interface CandidateSource {
  /** Short queries (a term or two each: "sấy lạnh", "nuôi tôm"), most telling first. */
  terms: readonly string[];
  /** A longer query of the listing's title words, run within its sub-fields. */
  title: string;
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
  /** Fields of each hit to return (always with id). */
  attributes?: readonly (keyof ListingDocument)[];
  /** "search" while a person waits for a page (the short timeout; the page falls back); background jobs by default. */
  purpose?: MeiliPurpose;
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

/**
 * The queries that find a listing's candidates: each telling term alone (all its words
 * required; the index's synonyms carry it across languages), and the title's words within
 * the listing's sub-fields (matchingStrategy "frequency": the commonest words drop first).
 * Why not one long query: Meilisearch never drops the rarest word of a query, so one word
 * the other side never uses would hide every listing.
 */
export function candidateQueries(source: CandidateSource): { q: string; sectors?: readonly string[]; strategy: "all" | "frequency" }[] {
  const queries: { q: string; sectors?: readonly string[]; strategy: "all" | "frequency" }[] = source.terms.map((q) => ({ q, strategy: "all" }));
  const title = queryWords(source.title);
  const subFields = [...new Set(source.sectorCodes)];
  if (title && subFields.length) queries.push({ q: title, sectors: subFields, strategy: "frequency" });
  return queries;
}

/**
 * Published listings of the given types that may be about the same thing as `source`,
 * in one multi-search; throws when Meilisearch fails, with its causes in the message
 * (callers decide: a job retries and shows it on /admin/search, a page falls back).
 */
export async function findCandidates(source: CandidateSource, options: CandidateOptions): Promise<Candidate[]> {
  const limit = options.limit ?? 50;
  const filter = [`type IN [${options.types.map(quote).join(", ")}]`];
  if (options.excludeOrganisationId) filter.push(`organisationId != ${quote(options.excludeOrganisationId)}`);
  const uid = indexName(LISTINGS);
  const attributesToRetrieve = [...new Set(["id", ...(options.attributes ?? [])])];
  const queries: MultiSearchQuery[] = candidateQueries(source).map(({ q, sectors, strategy }) => ({
    indexUid: uid,
    q,
    filter: sectors ? [...filter, `sectorCodes IN [${sectors.map(quote).join(", ")}]`] : filter,
    limit,
    showRankingScore: true,
    matchingStrategy: strategy,
    attributesToRetrieve,
  }));
  if (queries.length === 0) return [];
  const { results } = await meili(options.purpose ?? "background")
    .multiSearch({ queries })
    .catch((error: unknown) => {
      throw meiliFailure(error);
    });
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
