import type { SearchParams as MeiliSearchParams, SearchResponse } from "meilisearch";
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { indexName, meili, meiliErrorMessage } from "~/lib/meili.server.ts";
import { metrics } from "~/lib/metrics.server.ts";
import { documentSelect, toDocument, usdVndRate, type ListingDocument } from "./document.server.ts";
import { LISTINGS } from "./index.server.ts";
import { fold, prepareQuery, searchText } from "./query.ts";
import { keepCatalogueVocabularyFresh } from "./vocabulary.server.ts";
import { FACETS, HIGHLIGHT_END, HIGHLIGHT_START, type Facet, type SearchHit, type SearchParams, type SearchResult } from "./schema.ts";

const SORT: Record<SearchParams["sort"], string[] | undefined> = {
  relevance: undefined,
  newest: ["publishedAt:desc"],
  "price-asc": ["priceVnd:asc"],
  "price-desc": ["priceVnd:desc"],
  "trl-desc": ["trl:desc"],
};

/** Meilisearch filter strings, by the facet they belong to (so a facet's counts can ignore its own filter). */
function filtersByFacet(params: SearchParams): Partial<Record<Facet | "other", string[]>> {
  const quote = (v: string) => JSON.stringify(v);
  const anyOf = (field: string, values: string[]) => (values.length ? [`${field} IN [${values.map(quote).join(", ")}]`] : []);
  return {
    type: params.type ? [`type = ${quote(params.type)}`] : [],
    sectorCodes: anyOf("sectorCodes", params.sector),
    provinceCode: anyOf("provinceCode", params.province),
    trl: params.trl ? [`trl >= ${params.trl}`] : [],
    ipStatus: anyOf("ipStatus", params.ip),
    transferModes: anyOf("transferModes", params.mode),
    condition: anyOf("condition", params.condition),
    other: [
      ...(params.priceMin !== undefined ? [`priceVnd >= ${params.priceMin}`] : []),
      ...(params.priceMax !== undefined ? [`priceVnd <= ${params.priceMax}`] : []),
      ...(params.featured ? ["featured = true"] : []),
      ...(params.verified ? ["verified = true"] : []),
      ...(params.lang ? [`language = ${quote(params.lang)}`] : []),
      ...(params.org ? [`organisationId = ${quote(params.org)}`] : []),
    ],
  };
}

function toHit(doc: ListingDocument & { _formatted?: Partial<Record<keyof ListingDocument, unknown>> }): SearchHit {
  return {
    id: doc.id,
    externalRef: doc.externalRef,
    type: doc.type,
    title: doc.title,
    summary: doc.summary,
    highlight: {
      title: typeof doc._formatted?.title === "string" ? doc._formatted.title : doc.title,
      summary: typeof doc._formatted?.summary === "string" ? doc._formatted.summary : doc.summary,
    },
    language: doc.language,
    organisation: { id: doc.organisationId, name: doc.organisationName, verified: doc.verified === true },
    province: doc.provinceCode ? { code: doc.provinceCode, nameVi: doc.provinceNames[0] ?? "", nameEn: doc.provinceNames[1] ?? "" } : null,
    sectors: doc.sectorCodes.filter((c) => c.includes(".")),
    featured: doc.featured,
    priceVnd: doc.priceVnd,
    trl: doc.trl,
    publishedAt: new Date(doc.publishedAt * 1000).toISOString(),
    url: `/listings/${doc.id}`,
  };
}

const emptyFacets = (): Record<Facet, Record<string, number>> => Object.fromEntries(FACETS.map((f) => [f, {}])) as Record<Facet, Record<string, number>>;

/** Counting facets is a third of Meilisearch's time on a search: only pages that show the counts ask for them. */
interface SearchOptions {
  facets: boolean;
}

async function searchMeilisearch(params: SearchParams, options: SearchOptions): Promise<SearchResult> {
  const byFacet = filtersByFacet(params);
  const all = Object.values(byFacet).flat();
  // Everyday wording, slips and stop words handled (query.ts); the strategy depends on the words.
  keepCatalogueVocabularyFresh();
  const prepared = prepareQuery(params.q);
  const base: MeiliSearchParams = { q: searchText(prepared), matchingStrategy: prepared.matchingStrategy };
  const main = {
    ...base,
    indexUid: indexName(LISTINGS),
    filter: all,
    page: params.page,
    hitsPerPage: params.perPage,
    sort: SORT[params.sort],
    ...(options.facets ? { facets: [...FACETS, "priceVnd"] } : {}),
    attributesToHighlight: ["title", "summary"],
    highlightPreTag: HIGHLIGHT_START,
    highlightPostTag: HIGHLIGHT_END,
  };
  // Disjunctive facets: a facet with an active filter counts its values as if that
  // filter were off, so people can add a second province instead of only narrowing.
  const active = options.facets ? FACETS.filter((f) => (byFacet[f]?.length ?? 0) > 0) : [];
  const facetQueries = active.map((facet) => ({
    ...base,
    indexUid: indexName(LISTINGS),
    filter: Object.entries(byFacet)
      .filter(([key]) => key !== facet)
      .flatMap(([, v]) => v ?? []),
    limit: 0,
    facets: [facet],
  }));
  const { results } = await meili("search").multiSearch({ queries: [main, ...facetQueries] });
  const first = results[0] as unknown as SearchResponse<ListingDocument> & { totalHits: number; totalPages: number; page: number; hitsPerPage: number };
  const facets = emptyFacets();
  for (const facet of FACETS) facets[facet] = first.facetDistribution?.[facet] ?? {};
  active.forEach((facet, i) => {
    facets[facet] = (results[i + 1] as SearchResponse).facetDistribution?.[facet] ?? {};
  });
  const stats = first.facetStats?.priceVnd;
  return {
    hits: first.hits.map((h) => toHit(h as ListingDocument & { _formatted?: Partial<Record<keyof ListingDocument, unknown>> })),
    totalHits: first.totalHits,
    page: first.page,
    hitsPerPage: first.hitsPerPage,
    totalPages: first.totalPages,
    facets,
    priceRange: { min: stats?.min ?? null, max: stats?.max ?? null },
    degraded: false,
    processingTimeMs: first.processingTimeMs,
  };
}

/**
 * The same search answered by PostgreSQL when Meilisearch cannot be reached:
 * every word must appear (diacritics folded, so "duong" finds "đường"), the
 * filters apply, featured listings first then newest. No typo tolerance.
 */
async function searchPostgres(params: SearchParams, options: SearchOptions): Promise<SearchResult> {
  const started = performance.now();
  const terms = fold(params.q).split(/\s+/).filter(Boolean).slice(0, 10);
  const now = new Date();
  const conditions: Prisma.Sql[] = [Prisma.sql`l.status = 'PUBLISHED'`, Prisma.sql`(l."expiresAt" IS NULL OR l."expiresAt" > ${now})`];
  for (const term of terms) {
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(Prisma.sql`techex_listing_text(l.title, l.summary, l.keywords) LIKE ${pattern}`);
  }
  if (params.type) conditions.push(Prisma.sql`l.type = ${params.type}::"ListingType"`);
  if (params.province.length) conditions.push(Prisma.sql`l."provinceCode" IN (${Prisma.join(params.province)})`);
  if (params.sector.length) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "ListingSector" ls JOIN "Sector" s ON s.code = ls."sectorCode"
      WHERE ls."listingId" = l.id AND (s.code IN (${Prisma.join(params.sector)}) OR s."parentCode" IN (${Prisma.join(params.sector)})))`);
  }
  if (params.trl) conditions.push(Prisma.sql`l.trl >= ${params.trl}`);
  if (params.ip.length) conditions.push(Prisma.sql`l."ipStatus"::text IN (${Prisma.join(params.ip)})`);
  if (params.mode.length) conditions.push(Prisma.sql`l."transferModes"::text[] && ${params.mode}::text[]`);
  if (params.condition.length) conditions.push(Prisma.sql`l.condition::text IN (${Prisma.join(params.condition)})`);
  if (params.featured) conditions.push(Prisma.sql`l."featuredUntil" > ${now}`);
  if (params.verified) conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Organisation" o WHERE o.id = l."organisationId" AND o."verifiedAt" IS NOT NULL)`);
  if (params.lang) conditions.push(Prisma.sql`l.language = ${params.lang}`);
  if (params.org) conditions.push(Prisma.sql`l."organisationId" = ${params.org}`);
  const where = Prisma.join(conditions, " AND ");
  // The same VND normalisation as the index: USD prices at USD_VND_RATE.
  const priceVnd = Prisma.sql`(CASE WHEN l.currency = 'USD' THEN l."priceMin" * ${usdVndRate()} ELSE l."priceMin" END)`;
  const order =
    params.sort === "newest"
      ? Prisma.sql`l."publishedAt" DESC`
      : params.sort === "trl-desc"
        ? Prisma.sql`l.trl DESC NULLS LAST, l."publishedAt" DESC`
        : params.sort === "price-asc"
          ? Prisma.sql`${priceVnd} ASC NULLS LAST`
          : params.sort === "price-desc"
            ? Prisma.sql`${priceVnd} DESC NULLS LAST`
            : Prisma.sql`(l."featuredUntil" > ${now}) DESC NULLS LAST, l."publishedAt" DESC`;
  const offset = (params.page - 1) * params.perPage;
  const none = Promise.resolve<{ key: string; count: bigint }[]>([]);
  const [rows, counted, byType, byProvince] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`SELECT l.id FROM "Listing" l WHERE ${where} ORDER BY ${order}, l.id LIMIT ${params.perPage} OFFSET ${offset}`,
    prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM "Listing" l WHERE ${where}`,
    options.facets ? prisma.$queryRaw<{ key: string; count: bigint }[]>`SELECT l.type::text AS key, count(*) AS count FROM "Listing" l WHERE ${where} GROUP BY 1` : none,
    options.facets
      ? prisma.$queryRaw<{ key: string; count: bigint }[]>`SELECT l."provinceCode" AS key, count(*) AS count FROM "Listing" l WHERE ${where} AND l."provinceCode" IS NOT NULL GROUP BY 1`
      : none,
  ]);
  const found = await prisma.listing.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: documentSelect });
  const byId = new Map(found.map((row) => [row.id, toDocument(row)]));
  const totalHits = Number(counted[0]?.count ?? 0);
  const facets = emptyFacets();
  facets.type = Object.fromEntries(byType.map((r) => [r.key, Number(r.count)]));
  facets.provinceCode = Object.fromEntries(byProvince.map((r) => [r.key, Number(r.count)]));
  return {
    hits: rows.map((r) => byId.get(r.id)).filter((d): d is ListingDocument => !!d).map((d) => toHit(d)),
    totalHits,
    page: params.page,
    hitsPerPage: params.perPage,
    totalPages: Math.ceil(totalHits / params.perPage),
    facets,
    priceRange: { min: null, max: null },
    degraded: true,
    processingTimeMs: Math.round(performance.now() - started),
  };
}

async function search(params: SearchParams, options: SearchOptions): Promise<SearchResult> {
  try {
    return await searchMeilisearch(params, options);
  } catch (error) {
    // Whatever Meilisearch did (no answer within MEILI_SEARCH_TIMEOUT_MS, a refused
    // connection, an error status, an answer not shaped as expected), PostgreSQL answers.
    logger.warn("search fell back to PostgreSQL", { error: meiliErrorMessage(error) });
    metrics().searchFallbacks.inc({ feature: "search" });
    return searchPostgres(params, options);
  }
}

/**
 * Searches published listings, with the facet counts and price range the search page and
 * /api/search show; never fails because search is down — PostgreSQL answers, marked degraded.
 */
export function searchListings(params: SearchParams): Promise<SearchResult> {
  return search(params, { facets: true });
}

export type SearchHits = Omit<SearchResult, "facets" | "priceRange">;

/** searchListings for a caller that only reads the hits (saved-search alerts): no facets are counted. */
export async function searchListingHits(params: SearchParams): Promise<SearchHits> {
  const { facets: _facets, priceRange: _priceRange, ...hits } = await search(params, { facets: false });
  return hits;
}
