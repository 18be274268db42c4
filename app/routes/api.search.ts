import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { i18nServer } from "~/modules/i18n/i18n.server.ts";
import { searchParamsFromUrl, searchParamsSchema } from "~/modules/search/schema.ts";
import { searchListings } from "~/modules/search/search.server.ts";

/**
 * GET /api/search: the search page's parameters, as JSON (DESIGN.md §8b; documented
 * in docs/api.md). Public and read-only, so any origin may call it.
 */
const PUBLIC = { "Access-Control-Allow-Origin": "*" };

/** Blank parameters mean "not set", as on the search page's form. */
function withoutBlanks(params: URLSearchParams) {
  return new URLSearchParams([...params].filter(([, value]) => value.trim() !== ""));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = searchParamsSchema.safeParse(searchParamsFromUrl(withoutBlanks(new URL(request.url).searchParams)));
  if (!parsed.success) {
    // Messages in the caller's language (cookie, then Accept-Language; Vietnamese by default).
    const t = await i18nServer.getFixedT(request);
    const fields = Object.fromEntries(Object.entries(parsed.error.flatten().fieldErrors).map(([name, messages]) => [name, (messages ?? []).map((m) => t(m))]));
    return json({ error: "invalid parameters", fields }, { status: 400, headers: { ...PUBLIC, "Cache-Control": "no-store" } });
  }
  const result = await searchListings(parsed.data);
  const body = {
    hits: result.hits.map((hit) => ({
      id: hit.id,
      externalRef: hit.externalRef,
      type: hit.type,
      title: hit.title,
      summary: hit.summary,
      organisation: { id: hit.organisation.id, name: hit.organisation.name, verified: hit.organisation.verified },
      province: hit.province,
      sectors: hit.sectors,
      featured: hit.featured,
      url: `/listings/${encodeURIComponent(hit.id)}`,
      language: hit.language,
      publishedAt: hit.publishedAt,
      priceVnd: hit.priceVnd,
      trl: hit.trl,
      highlight: hit.highlight,
    })),
    totalHits: result.totalHits,
    page: result.page,
    hitsPerPage: result.hitsPerPage,
    totalPages: result.totalPages,
    facets: result.facets,
    priceRange: result.priceRange,
    degraded: result.degraded,
  };
  // A degraded answer must not be cached: the full search is back within seconds.
  return json(body, { headers: { ...PUBLIC, "Cache-Control": result.degraded ? "no-store" : "public, max-age=30" } });
}
