import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { CONDITIONS, IP_STATUSES, LISTING_TYPES, TRANSFER_MODES } from "~/modules/listings/schema.ts";

/**
 * The search page's and /api/search's parameters (DESIGN.md §8b), all in the
 * URL. Lists may repeat (`sector=2.11&sector=4.1`). Invalid values are errors,
 * not silently dropped, so a bookmarked URL never means something else.
 */
export const SORTS = ["relevance", "newest", "price-asc", "price-desc", "trl-desc"] as const;
export const FACETS = ["type", "sectorCodes", "provinceCode", "trl", "ipStatus", "transferModes", "condition"] as const;
export type Facet = (typeof FACETS)[number];

const many = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v.filter((x) => x !== "") : [v]), z.array(item).max(20, "errors.tooMany"));

export const searchParamsSchema = z.object({
  q: singleLine(z.string().max(200, "errors.tooLong").default("")),
  type: z.enum(LISTING_TYPES, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional(),
  sector: many(z.string().regex(/^\d(\.\d{1,2})?$/, "errors.sector")),
  province: many(z.string().regex(/^\d{2}$/, "errors.chooseOne")),
  /** Minimum technology readiness level. */
  trl: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(1, "errors.trlRange").max(9, "errors.trlRange").optional(),
  ip: many(z.enum(IP_STATUSES, { errorMap: () => ({ message: "errors.chooseOne" }) })),
  mode: many(z.enum(TRANSFER_MODES, { errorMap: () => ({ message: "errors.chooseOne" }) })),
  condition: many(z.enum(CONDITIONS, { errorMap: () => ({ message: "errors.chooseOne" }) })),
  /** Price bounds in VND (USD prices are converted at USD_VND_RATE). */
  priceMin: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(0, "errors.notNegative").max(1e15, "errors.tooLarge").optional(),
  priceMax: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(0, "errors.notNegative").max(1e15, "errors.tooLarge").optional(),
  featured: z.enum(["1"]).optional(),
  /** Only listings of organisations whose registration the centre verified. */
  verified: z.enum(["1"]).optional(),
  lang: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "errors.language").optional(),
  org: z.string().min(1).max(40).optional(),
  sort: z.enum(SORTS, { errorMap: () => ({ message: "errors.chooseOne" }) }).default("relevance"),
  page: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(1, "errors.page").max(500, "errors.page").default(1),
  perPage: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(1, "errors.perPage").max(50, "errors.perPage").default(20),
});

export type SearchParams = z.infer<typeof searchParamsSchema>;

/** URLSearchParams → the object zod reads (repeated keys become lists). */
export function searchParamsFromUrl(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = ["sector", "province", "ip", "mode", "condition"].includes(key) ? values : values[values.length - 1]!;
  }
  return out;
}

/** Markers around highlighted words: control characters user text cannot carry, split by the UI into <mark>. */
export const HIGHLIGHT_START = "\u0002";
export const HIGHLIGHT_END = "\u0003";

export interface SearchHit {
  id: string;
  externalRef: string | null;
  type: (typeof LISTING_TYPES)[number];
  title: string;
  summary: string;
  /** Title and summary with matches between HIGHLIGHT_START and HIGHLIGHT_END. */
  highlight: { title: string; summary: string };
  language: string;
  organisation: { id: string; name: string; verified: boolean };
  province: { code: string; nameVi: string; nameEn: string } | null;
  sectors: string[];
  featured: boolean;
  priceVnd: number | null;
  trl: number | null;
  publishedAt: string;
  url: string;
}

export interface SearchResult {
  hits: SearchHit[];
  totalHits: number;
  page: number;
  hitsPerPage: number;
  totalPages: number;
  /** Counts per value for each facet, over the current query and the other filters. */
  facets: Record<Facet, Record<string, number>>;
  /** The lowest and highest VND price among the results. */
  priceRange: { min: number | null; max: number | null };
  /** True when Meilisearch was unreachable and PostgreSQL answered (fewer features). */
  degraded: boolean;
  processingTimeMs: number;
}
