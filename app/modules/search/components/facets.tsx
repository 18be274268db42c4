import { Link } from "@remix-run/react";
import { useEffect, useRef, type FocusEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatMoney, formatNumber } from "~/modules/i18n/format.ts";
import { CONDITIONS, IP_STATUSES, LISTING_TYPES, TRANSFER_MODES } from "~/modules/listings/schema.ts";
import type { Facet, SearchResult } from "~/modules/search/schema.ts";
import type { SearchLabels, SearchOptions } from "./search-labels.ts";
import { withoutParam, withParam } from "./search-url.ts";

/** The enum facets, each a checkbox list: URL name, index facet, values, label prefix. */
const ENUM_FACETS = [
  { name: "ip", facet: "ipStatus", values: IP_STATUSES, prefix: "ipStatus" },
  { name: "mode", facet: "transferModes", values: TRANSFER_MODES, prefix: "transferMode" },
  { name: "condition", facet: "condition", values: CONDITIONS, prefix: "condition" },
] as const;

/** Called with the form after a filter control changed: a normal navigation, so Back undoes it. */
export type FilterChange = (form: HTMLFormElement | null) => void;

interface Option {
  value: string;
  label: string;
  /** Null when the count is unknown (the degraded search has no facet counts). */
  count: number | null;
}

/** Keeps an uncontrolled input in line with the URL (Back, a removed filter) unless the person is typing in it. */
export function useSyncedInput(value: string) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const input = ref.current;
    if (input && input !== document.activeElement && input.value !== value) input.value = value;
  }, [value]);
  return ref;
}

function Count({ count, locale }: { count: number | null; locale: Locale }) {
  if (count === null) return null;
  return <span className="facet__count">{formatNumber(count, locale)}</span>;
}

function Check({ name, option, checked, onChange, locale }: { name: string; option: Option; checked: boolean; onChange: FilterChange; locale: Locale }) {
  const id = `f-${name}-${option.value}`;
  return (
    <label className="facet__check" htmlFor={id}>
      <input type="checkbox" id={id} name={name} value={option.value} checked={checked} onChange={(e) => onChange(e.currentTarget.form)} />
      <span className="facet__label" dir="auto">
        {option.label}
      </span>
      <Count count={option.count} locale={locale} />
    </label>
  );
}

/** A list of checkboxes, the most frequent values first; beyond `limit` the rest fold away. */
function CheckboxFacet({
  legend,
  name,
  options,
  selected,
  onChange,
  locale,
  limit = 6,
}: {
  legend: string;
  name: string;
  options: Option[];
  selected: string[];
  onChange: FilterChange;
  locale: Locale;
  limit?: number;
}) {
  const shown = options.filter((o) => o.count === null || o.count > 0 || selected.includes(o.value));
  if (shown.length === 0) return null;
  const sorted = [...shown].sort((a, b) => (b.count ?? 0) - (a.count ?? 0));
  return (
    <fieldset className="facet">
      <legend>{legend}</legend>
      <FoldedList
        items={sorted}
        limit={limit}
        isSelected={(o) => selected.includes(o.value)}
        render={(o) => (
          <li key={o.value}>
            <Check name={name} option={o} checked={selected.includes(o.value)} onChange={onChange} locale={locale} />
          </li>
        )}
      />
    </fieldset>
  );
}

/** The first `limit` items (and any selected one) in a list, the rest folded under "N more". */
function FoldedList<T>({ items, limit, isSelected, render }: { items: T[]; limit: number; isSelected: (item: T) => boolean; render: (item: T) => ReactNode }) {
  const { t } = useTranslation();
  const visible = items.filter((item, i) => i < limit || isSelected(item));
  const folded = items.filter((item) => !visible.includes(item));
  return (
    <>
      <ul className="facet__list">{visible.map(render)}</ul>
      {folded.length ? (
        <details className="facet__more">
          <summary>{t("search.facet.more", { count: folded.length })}</summary>
          <ul className="facet__list">{folded.map(render)}</ul>
        </details>
      ) : null}
    </>
  );
}

function TypeFacet({ counts, known, link, locale }: { counts: Record<string, number>; known: boolean; link: URLSearchParams; locale: Locale }) {
  const { t } = useTranslation();
  const selected = link.get("type");
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const entries = [
    { value: null, label: t("search.facet.allTypes"), count: known ? total : null, href: withoutParam(link, "type") },
    ...LISTING_TYPES.map((type) => ({ value: type, label: t(`listingType.${type}`), count: known ? (counts[type] ?? 0) : null, href: withParam(link, "type", type) })),
  ];
  return (
    <nav className="facet" aria-labelledby="facet-type">
      <h3 id="facet-type" className="facet__title">
        {t("search.facet.type")}
      </h3>
      <ul className="facet__list facet__links">
        {entries.map((e) => (
          <li key={e.value ?? "all"}>
            <Link to={e.href} preventScrollReset aria-current={e.value === selected ? "true" : undefined} className="facet__link">
              <span className="facet__label">{e.label}</span>
              <Count count={e.count} locale={locale} />
            </Link>
          </li>
        ))}
      </ul>
      {selected ? <input type="hidden" name="type" value={selected} /> : null}
    </nav>
  );
}

/** Sub-fields shown under each field before the rest fold away. */
const SUB_FIELDS_SHOWN = 3;

function SectorFacet({
  options,
  counts,
  known,
  selected,
  labels,
  onChange,
  locale,
}: {
  options: SearchOptions["sectors"];
  counts: Record<string, number>;
  known: boolean;
  selected: string[];
  labels: SearchLabels;
  onChange: FilterChange;
  locale: Locale;
}) {
  const { t } = useTranslation();
  const relevant = (code: string) => (known && (counts[code] ?? 0) > 0) || selected.includes(code);
  const fields = options.filter((f) => !known || relevant(f.code) || f.children.some((c) => relevant(c.code)));
  if (fields.length === 0) return null;
  const option = (code: string): Option => ({ value: code, label: `${code} ${labels.sector(code)}`, count: known ? (counts[code] ?? 0) : null });
  return (
    <fieldset className="facet">
      <legend>{t("search.facet.sector")}</legend>
      <ul className="facet__list">
        {fields.map((field) => {
          const children = field.children.filter((c) => relevant(c.code)).sort((a, b) => (counts[b.code] ?? 0) - (counts[a.code] ?? 0));
          const item = (c: (typeof children)[number]) => (
            <li key={c.code}>
              <Check name="sector" option={option(c.code)} checked={selected.includes(c.code)} onChange={onChange} locale={locale} />
            </li>
          );
          return (
            <li key={field.code} className="facet__group">
              <Check name="sector" option={option(field.code)} checked={selected.includes(field.code)} onChange={onChange} locale={locale} />
              {children.length ? (
                <div className="facet__sub">
                  <FoldedList items={children} limit={SUB_FIELDS_SHOWN} isSelected={(c) => selected.includes(c.code)} render={item} />
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function TrlFacet({ counts, known, value, onChange }: { counts: Record<string, number>; known: boolean; value: string; onChange: FilterChange }) {
  const { t } = useTranslation();
  const atLeast = (level: number) => Object.entries(counts).reduce((sum, [trl, n]) => (Number(trl) >= level ? sum + n : sum), 0);
  return (
    <div className="field facet">
      <label htmlFor="f-trl">{t("search.facet.trl")}</label>
      <select id="f-trl" name="trl" value={value} onChange={(e) => onChange(e.currentTarget.form)}>
        <option value="">{t("search.facet.anyTrl")}</option>
        {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((level) => (
          <option key={level} value={level}>
            {t(`trl.${level}`)}
            {known ? ` (${atLeast(level)})` : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

function PriceFacet({ min, max, range, onChange, locale }: { min: string; max: string; range: SearchResult["priceRange"]; onChange: FilterChange; locale: Locale }) {
  const { t } = useTranslation();
  const minRef = useSyncedInput(min);
  const maxRef = useSyncedInput(max);
  // Typing a number does not search at every digit; leaving the box or Enter does.
  const commit = (urlValue: string) => (e: FocusEvent<HTMLInputElement>) => {
    if (e.currentTarget.value.trim() !== urlValue) onChange(e.currentTarget.form);
  };
  return (
    <fieldset className="facet">
      <legend>{t("search.facet.price")}</legend>
      <div className="facet__price">
        <div className="field">
          <label htmlFor="f-priceMin">{t("search.facet.priceMin")}</label>
          <input ref={minRef} id="f-priceMin" name="priceMin" type="number" inputMode="numeric" min={0} step={1} defaultValue={min} onBlur={commit(min)} />
        </div>
        <div className="field">
          <label htmlFor="f-priceMax">{t("search.facet.priceMax")}</label>
          <input ref={maxRef} id="f-priceMax" name="priceMax" type="number" inputMode="numeric" min={0} step={1} defaultValue={max} onBlur={commit(max)} />
        </div>
      </div>
      {range.min !== null && range.max !== null ? (
        <p className="field-hint">{t("search.facet.priceRange", { min: formatMoney(range.min, "VND", locale), max: formatMoney(range.max, "VND", locale) })}</p>
      ) : null}
    </fieldset>
  );
}

/**
 * Every filter of the search form. `current` is the state being shown (the
 * pending navigation's URL while it loads, so a ticked box stays ticked);
 * `link` is the page's URL, which links are built from.
 */
export function SearchFilters({
  result,
  options,
  labels,
  locale,
  current,
  link,
  onChange,
}: {
  result: Pick<SearchResult, "facets" | "priceRange" | "degraded">;
  options: SearchOptions;
  labels: SearchLabels;
  locale: Locale;
  current: URLSearchParams;
  link: URLSearchParams;
  onChange: FilterChange;
}) {
  const { t } = useTranslation();
  const { facets } = result;
  // The degraded search counts only some facets; the others list their values without counts.
  const known = (facet: Facet) => !result.degraded || Object.keys(facets[facet] ?? {}).length > 0;
  const count = (facet: Facet, value: string) => (known(facet) ? (facets[facet]?.[value] ?? 0) : null);
  const enumOptions = (facet: Facet, values: readonly string[], prefix: string): Option[] =>
    values.map((value) => ({ value, label: t(`${prefix}.${value}`), count: count(facet, value) }));
  const provinces: Option[] = options.provinces.map((p) => ({ value: p.code, label: labels.province(p.code), count: count("provinceCode", p.code) }));
  return (
    <div className="search-filters__body">
      <TypeFacet counts={facets.type ?? {}} known={known("type")} link={link} locale={locale} />
      <SectorFacet
        options={options.sectors}
        counts={facets.sectorCodes ?? {}}
        known={known("sectorCodes")}
        selected={current.getAll("sector")}
        labels={labels}
        onChange={onChange}
        locale={locale}
      />
      <CheckboxFacet legend={t("search.facet.province")} name="province" options={provinces} selected={current.getAll("province")} onChange={onChange} locale={locale} />
      <TrlFacet counts={facets.trl ?? {}} known={known("trl")} value={current.get("trl") ?? ""} onChange={onChange} />
      {ENUM_FACETS.map(({ name, facet, values, prefix }) => (
        <CheckboxFacet
          key={name}
          legend={t(`search.facet.${name}`)}
          name={name}
          options={enumOptions(facet, values, prefix)}
          selected={current.getAll(name)}
          onChange={onChange}
          locale={locale}
        />
      ))}
      <PriceFacet min={link.get("priceMin") ?? ""} max={link.get("priceMax") ?? ""} range={result.priceRange} onChange={onChange} locale={locale} />
      <div className="facet">
        <label className="facet__check" htmlFor="f-featured">
          <input type="checkbox" id="f-featured" name="featured" value="1" checked={current.get("featured") === "1"} onChange={(e) => onChange(e.currentTarget.form)} />
          <span className="facet__label">{t("search.facet.featured")}</span>
        </label>
      </div>
      <div className="facet">
        <label className="facet__check" htmlFor="f-verified">
          <input type="checkbox" id="f-verified" name="verified" value="1" checked={current.get("verified") === "1"} onChange={(e) => onChange(e.currentTarget.form)} />
          <span className="facet__label">{t("search.facet.verified")}</span>
        </label>
      </div>
    </div>
  );
}
