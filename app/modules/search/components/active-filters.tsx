import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatMoney } from "~/modules/i18n/format.ts";
import type { SearchParams } from "~/modules/search/schema.ts";
import type { SearchLabels } from "./search-labels.ts";
import { searchHref, withoutParam } from "./search-url.ts";

export interface ActiveFilter {
  key: string;
  label: string;
  /** The current URL without this filter. */
  href: string;
}

/** Every filter in force, each with the link that removes it. The query and the sort are not filters. */
export function useActiveFilters(
  params: SearchParams,
  current: URLSearchParams,
  labels: SearchLabels,
  locale: Locale,
  organisationName: string | null,
): ActiveFilter[] {
  const { t } = useTranslation();
  const filters: ActiveFilter[] = [];
  const add = (key: string, label: string, value?: string) => filters.push({ key: value === undefined ? key : `${key}=${value}`, label, href: withoutParam(current, key, value) });
  if (params.type) add("type", t(`listingType.${params.type}`));
  for (const code of params.sector) add("sector", `${code} ${labels.sector(code)}`, code);
  for (const code of params.province) add("province", labels.province(code), code);
  if (params.trl) add("trl", t("search.facet.trlAtLeast", { trl: params.trl }));
  for (const ip of params.ip) add("ip", t(`ipStatus.${ip}`), ip);
  for (const mode of params.mode) add("mode", t(`transferMode.${mode}`), mode);
  for (const condition of params.condition) add("condition", t(`condition.${condition}`), condition);
  if (params.priceMin !== undefined) add("priceMin", t("search.active.priceMin", { amount: formatMoney(params.priceMin, "VND", locale) }));
  if (params.priceMax !== undefined) add("priceMax", t("search.active.priceMax", { amount: formatMoney(params.priceMax, "VND", locale) }));
  if (params.featured) add("featured", t("listing.featured"));
  if (params.verified) add("verified", t("search.active.verified"));
  if (params.lang) add("lang", t("search.active.language", { language: t(`contentLanguage.${params.lang}`, { defaultValue: params.lang }) }));
  if (params.org) add("org", t("search.active.organisation", { name: organisationName ?? params.org }));
  return filters;
}

/** The URL with the query and sort kept and every filter gone. */
export function clearFiltersHref(current: URLSearchParams) {
  return searchHref(current, (next) => {
    for (const key of [...next.keys()]) if (key !== "q" && key !== "sort") next.delete(key);
  });
}

export function ActiveFilters({ filters, clearHref }: { filters: ActiveFilter[]; clearHref: string }) {
  const { t } = useTranslation();
  if (filters.length === 0) return null;
  return (
    <div className="active-filters">
      <span className="active-filters__label">{t("search.active.label")}:</span>
      <ul className="active-filters__list">
        {filters.map((f) => (
          <li key={f.key}>
            <Link to={f.href} className="filter-chip" preventScrollReset aria-label={t("search.active.remove", { label: f.label })}>
              <span dir="auto">{f.label}</span>
              <span aria-hidden="true" className="filter-chip__x">
                ×
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <Link to={clearHref} className="active-filters__clear" preventScrollReset>
        {t("search.active.clearAll")}
      </Link>
    </div>
  );
}
