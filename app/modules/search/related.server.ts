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
  /** Short phrases (a term or two each: "sấy lạnh", "nuôi tôm", "shrimp shell"), most telling first. */
  terms: readonly string[];
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

/**
 * The queries that find a listing's candidates: each telling term as an exact phrase ("kho
 * lạnh", "shrimp shell": a two-syllable Vietnamese word is a phrase of two syllables).
 *
 * Phrases, because they are cheap and precise. At 100,000 listings an unquoted two-word query
 * makes Meilisearch rank every listing holding both words anywhere, through some 4,000 synonym
 * keys: 20–40 ms each on a busy 2-core machine, against 1–2 ms for the phrase (which does not
 * expand synonyms: a concept's phrases in both languages are searched instead, see
 * matching/text.ts queryTerms). A broader query of the title's words within the listing's
 * sub-fields (matchingStrategy "frequency") cost 100–450 ms each there and changed nothing on
 * the judged set (eval:matching recall@5 0.925 with and without it), so there is none.
 * Why not one long query: Meilisearch never drops the rarest word of a query, so one word
 * the other side never uses would hide every listing.
 */
export function candidateQueries(source: CandidateSource): { q: string }[] {
  return source.terms.map((term) => term.replace(/"/g, " ").trim()).filter(Boolean).map((term) => ({ q: `"${term}"` }));
}

/** The multi-search queries of one source. */
function searchesOf(source: CandidateSource, options: CandidateOptions): MultiSearchQuery[] {
  const limit = options.limit ?? 50;
  const filter = [`type IN [${options.types.map(quote).join(", ")}]`];
  if (options.excludeOrganisationId) filter.push(`organisationId != ${quote(options.excludeOrganisationId)}`);
  const uid = indexName(LISTINGS);
  const attributesToRetrieve = [...new Set(["id", ...(options.attributes ?? [])])];
  return candidateQueries(source).map(({ q }) => ({ indexUid: uid, q, filter, limit, showRankingScore: true, attributesToRetrieve }));
}

/**
 * Published listings of the given types that may be about the same thing as `source`,
 * in one multi-search; throws when Meilisearch fails, with its causes in the message
 * (callers decide: a job retries and shows it on /admin/search, a page falls back).
 */
export async function findCandidates(source: CandidateSource, options: CandidateOptions): Promise<Candidate[]> {
  const [candidates] = await findCandidatesOfMany([{ source, options }], options.purpose);
  return candidates!;
}

/**
 * findCandidates for several listings in one multi-search (a batch of matching jobs):
 * one request instead of one per listing, the answers split back by listing.
 */
export async function findCandidatesOfMany(
  requests: readonly { source: CandidateSource; options: CandidateOptions }[],
  purpose: MeiliPurpose = "background",
): Promise<Candidate[][]> {
  const searches = requests.map(({ source, options }) => searchesOf(source, options));
  const queries = searches.flat();
  if (queries.length === 0) return requests.map(() => []);
  const { results } = await meili(purpose)
    .multiSearch({ queries })
    .catch((error: unknown) => {
      throw meiliFailure(error);
    });
  let next = 0;
  return searches.map((own) => {
    const found = new Map<string, Candidate>();
    for (const result of results.slice(next, (next += own.length))) {
      for (const hit of (result as unknown as SearchResponse<ListingDocument>).hits) {
        const score = hit._rankingScore ?? 0;
        const known = found.get(hit.id);
        if (!known) found.set(hit.id, { id: hit.id, rankingScore: score, doc: hit });
        else if (score > known.rankingScore) known.rankingScore = score;
      }
    }
    return [...found.values()];
  });
}
