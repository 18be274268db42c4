import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { searchParamsSchema, type SearchParams } from "~/modules/search/schema.ts";

export const ALERT_FREQUENCIES = ["INSTANT", "DAILY", "WEEKLY", "NEVER"] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** A member keeps at most this many saved searches. */
export const MAX_SAVED_SEARCHES = 50;
export const NAME_MAX = 120;

const frequency = z.enum(ALERT_FREQUENCIES, { errorMap: () => ({ message: "errors.chooseOne" }) });
const name = singleLine(z.string().max(NAME_MAX, "errors.tooLong").optional()).transform((v) => (v ? v : undefined));

/** The fields of the "save this search" form besides the search's own parameters. */
export const saveSearchFieldsSchema = z.object({ name, frequency: frequency.default("DAILY") });

export const updateSavedSearchSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update"), id: z.string().min(1).max(40), frequency, name }),
  z.object({ intent: z.literal("delete"), id: z.string().min(1).max(40) }),
]);

/** The search page's filters as stored: only what is set, lists sorted, so equal searches store equal JSON. */
export interface SavedFilters {
  type?: SearchParams["type"];
  sector?: string[];
  province?: string[];
  trl?: number;
  ip?: string[];
  mode?: string[];
  condition?: string[];
  priceMin?: number;
  priceMax?: number;
  featured?: "1";
  verified?: "1";
  lang?: string;
  org?: string;
  sort?: SearchParams["sort"];
}

const LISTS = ["sector", "province", "ip", "mode", "condition"] as const;
const SINGLES = ["type", "trl", "priceMin", "priceMax", "featured", "verified", "lang", "org"] as const;

/** Parsed search parameters → what a saved search stores (page and page size are not part of a search). */
export function toSavedFilters(params: SearchParams): SavedFilters {
  const out: Record<string, unknown> = {};
  for (const key of SINGLES) if (params[key] !== undefined) out[key] = params[key];
  for (const key of LISTS) if (params[key].length) out[key] = [...new Set(params[key] as string[])].sort();
  if (params.sort !== "relevance") out.sort = params.sort;
  return out as SavedFilters;
}

/**
 * A stored search back into the search page's parameters, through the search
 * module's own schema, so a saved search means what the page means today. A
 * stored value the page no longer accepts is an error, never silently dropped.
 */
export function parseSavedSearch(query: string, filters: unknown, overrides: Partial<SearchParams> = {}) {
  const stored = filters && typeof filters === "object" && !Array.isArray(filters) ? (filters as Record<string, unknown>) : {};
  const parsed = searchParamsSchema.safeParse({ ...stored, q: query });
  return parsed.success ? { ok: true as const, params: { ...parsed.data, ...overrides } } : { ok: false as const, error: parsed.error };
}

/** The search page's URL for a stored search. */
export function savedSearchPath(query: string, filters: SavedFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, value] of Object.entries(filters)) {
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else if (value !== undefined) params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `/search?${text}` : "/search";
}
