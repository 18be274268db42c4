/**
 * The search page keeps all of its state in the URL (DESIGN.md §8b), so every
 * link it draws is the current URL with one change. A change of filter always
 * goes back to page 1; only the pagination sets `page`.
 */
export const SEARCH_PATH = "/search";

/** Parameters that may repeat (`sector=2.11&sector=4.1`). */
export const LIST_PARAMS = ["sector", "province", "ip", "mode", "condition"] as const;

function href(params: URLSearchParams) {
  const query = params.toString();
  return query ? `${SEARCH_PATH}?${query}` : SEARCH_PATH;
}

/** The current URL changed by `change`, back on page 1. */
export function searchHref(current: URLSearchParams, change: (next: URLSearchParams) => void = () => {}) {
  const next = new URLSearchParams(current);
  next.delete("page");
  change(next);
  return href(next);
}

/** The current URL without one value of a parameter (or without the parameter when no value is given). */
export function withoutParam(current: URLSearchParams, key: string, value?: string) {
  return searchHref(current, (next) => {
    const kept = value === undefined ? [] : next.getAll(key).filter((v) => v !== value);
    next.delete(key);
    for (const v of kept) next.append(key, v);
  });
}

/** The current URL with a single-valued parameter set. */
export function withParam(current: URLSearchParams, key: string, value: string) {
  return searchHref(current, (next) => next.set(key, value));
}

/** The current URL on another page, everything else kept. */
export function pageHref(current: URLSearchParams, page: number) {
  const next = new URLSearchParams(current);
  if (page <= 1) next.delete("page");
  else next.set("page", String(page));
  return href(next);
}

/** Drops empty fields, which a plain HTML form sends for every blank input, and the default sort. */
export function cleanSearchParams(entries: Iterable<[string, FormDataEntryValue]>) {
  const out = new URLSearchParams();
  for (const [key, value] of entries) {
    if (typeof value !== "string" || value.trim() === "") continue;
    if (key === "sort" && value === "relevance") continue;
    out.append(key, value);
  }
  return out;
}
