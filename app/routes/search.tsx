import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useLoaderData, useNavigation, useRouteError, useSearchParams, useSubmit } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { formatNumber } from "~/modules/i18n/format.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import { ActiveFilters, clearFiltersHref, useActiveFilters } from "~/modules/search/components/active-filters.tsx";
import { SearchFilters, useSyncedInput } from "~/modules/search/components/facets.tsx";
import { Pagination } from "~/modules/search/components/pagination.tsx";
import { SearchHitCard } from "~/modules/search/components/search-hit.tsx";
import { searchLabels } from "~/modules/search/components/search-labels.ts";
import { cleanSearchParams, pageHref, SEARCH_PATH, withoutParam } from "~/modules/search/components/search-url.ts";
import searchStyles from "~/modules/search/components/search.css";
import { searchParamsFromUrl, searchParamsSchema, SORTS } from "~/modules/search/schema.ts";
import { searchListings } from "~/modules/search/search.server.ts";
import { SaveSearchForm } from "~/modules/alerts/components/save-search-form.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: searchStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Techex" }, { name: "robots", content: "noindex, follow" }];

/** A plain HTML form sends every blank field (`trl=&priceMin=`); blank means "not set". */
function withoutBlanks(params: URLSearchParams) {
  return new URLSearchParams([...params].filter(([, value]) => value.trim() !== ""));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = searchParamsSchema.safeParse(searchParamsFromUrl(withoutBlanks(url.searchParams)));
  if (!parsed.success) {
    throw json({ message: "invalid parameters", fields: parsed.error.flatten().fieldErrors }, { status: 400 });
  }
  const params = parsed.data;
  const [result, options, locale, t] = await Promise.all([searchListings(params), getListingFormOptions(), getLocale(request), i18nServer.getFixedT(request)]);
  const title = params.q ? t("search.metaTitleQuery", { q: params.q }) : t("search.metaTitle");
  return json({ result, params, options, locale, title });
}

const TYPING_DELAY_MS = 300;

export default function SearchPage() {
  const { result, params, options, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const labels = useMemo(() => searchLabels(options, locale), [options, locale]);

  // While a search loads, controls show where it is going, not where it was.
  const pending = navigation.location?.pathname === SEARCH_PATH ? new URLSearchParams(navigation.location.search) : null;
  const current = pending ?? searchParams;
  const loading = pending !== null;

  const typing = useRef<ReturnType<typeof setTimeout>>();
  const urlQuery = searchParams.get("q") ?? "";
  const queryRef = useSyncedInput(urlQuery);
  const hadQuery = useRef(urlQuery !== "");
  hadQuery.current = urlQuery !== "";

  const search = useCallback(
    (form: HTMLFormElement | null, replace: boolean) => {
      clearTimeout(typing.current);
      if (!form) return;
      submit(cleanSearchParams(new FormData(form)), { method: "get", action: SEARCH_PATH, replace, preventScrollReset: true });
    },
    [submit],
  );
  // Typing updates the results after a pause; one history entry per search, not per keystroke.
  const onQueryInput = (form: HTMLFormElement | null) => {
    clearTimeout(typing.current);
    typing.current = setTimeout(() => search(form, hadQuery.current), TYPING_DELAY_MS);
  };
  const onFilterChange = useCallback((form: HTMLFormElement | null) => search(form, false), [search]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    search(event.currentTarget, false);
  };
  // Another navigation (a link, Back) wins over a search still waiting for the pause.
  useEffect(() => {
    if (navigation.state !== "idle") clearTimeout(typing.current);
  }, [navigation.state]);
  useEffect(() => () => clearTimeout(typing.current), []);

  // Filters sit in a sidebar on wide screens: open them there, keep them folded on phones.
  const filtersRef = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (filtersRef.current && window.matchMedia("(min-width: 900px)").matches) filtersRef.current.open = true;
  }, []);

  const organisationName = params.org ? (result.hits.find((h) => h.organisation.id === params.org)?.organisation.name ?? null) : null;
  const active = useActiveFilters(params, searchParams, labels, locale, organisationName);
  const clearHref = clearFiltersHref(searchParams);
  const count = t("search.resultCount", { count: result.totalHits, formatted: formatNumber(result.totalHits, locale) });

  return (
    <section className="search-page" aria-labelledby="search-title">
      <h1 id="search-title" className="search-page__title">
        {t("search.title")}
      </h1>
      <SaveSearchForm current={searchParams} />
      <Form method="get" action={SEARCH_PATH} className="search-form" onSubmit={onSubmit}>
        <div className="search-bar" role="search">
          <label htmlFor="search-q" className="search-bar__label">
            {t("search.queryLabel")}
          </label>
          <div className="search-bar__row">
            <input
              ref={queryRef}
              id="search-q"
              name="q"
              type="search"
              defaultValue={urlQuery}
              placeholder={t("search.queryPlaceholder")}
              maxLength={200}
              autoComplete="off"
              enterKeyHint="search"
              dir="auto"
              onChange={(e) => onQueryInput(e.currentTarget.form)}
            />
            <button type="submit" className="button">
              {t("search.submit")}
            </button>
          </div>
        </div>

        <div className="search-layout">
          <details className="search-filters" ref={filtersRef}>
            <summary className="search-filters__summary">{active.length ? t("search.filtersActive", { count: active.length }) : t("search.filters")}</summary>
            <SearchFilters result={result} options={options} labels={labels} locale={locale} current={current} link={searchParams} onChange={onFilterChange} />
            <button type="submit" className="button button--ghost search-filters__apply">
              {t("search.applyFilters")}
            </button>
          </details>

          <div className="search-results" aria-busy={loading}>
            {result.degraded ? (
              <div className="notice notice--warn search-degraded" role="status">
                <strong>{t("search.degraded.title")}</strong>
                <p>{t("search.degraded.body")}</p>
              </div>
            ) : null}

            <div className="search-results__head">
              <p className="search-count" role="status" aria-live="polite">
                <strong>{count}</strong>
                {params.q ? <span dir="auto"> {t("search.forQuery", { q: params.q })}</span> : null}
                {loading ? <span className="search-loading"> · {t("search.loading")}</span> : null}
              </p>
              <div className="search-sort">
                <label htmlFor="search-sort">{t("search.sort.label")}</label>
                <select id="search-sort" name="sort" value={current.get("sort") ?? "relevance"} onChange={(e) => onFilterChange(e.currentTarget.form)}>
                  {SORTS.map((s) => (
                    <option key={s} value={s}>
                      {t(`search.sort.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>

            <ActiveFilters filters={active} clearHref={clearHref} />

            {result.hits.length ? (
              <ol className="search-hits" aria-label={t("search.results")}>
                {result.hits.map((hit) => (
                  <li key={hit.id}>
                    <SearchHitCard hit={hit} locale={locale} labels={labels} />
                  </li>
                ))}
              </ol>
            ) : result.totalHits > 0 ? (
              <div className="empty search-empty">
                <p>{t("search.empty.pastEnd")}</p>
                <Link to={pageHref(searchParams, 1)}>{t("search.empty.firstPage")}</Link>
              </div>
            ) : (
              <div className="empty search-empty">
                <h2 dir="auto">{params.q ? t("search.empty.titleQuery", { q: params.q }) : t("search.empty.title")}</h2>
                {active.length ? (
                  <>
                    <p>{t("search.empty.removeFilters")}</p>
                    <ul className="search-empty__suggestions">
                      {active.map((f) => (
                        <li key={f.key}>
                          <Link to={f.href}>{t("search.active.remove", { label: f.label })}</Link>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <p>{t("search.empty.tips")}</p>
                {params.q ? (
                  <p>
                    <Link to={withoutParam(searchParams, "q")}>{t("search.empty.clearQuery")}</Link>
                  </p>
                ) : null}
              </div>
            )}

            <Pagination page={result.page} totalPages={result.totalPages} current={searchParams} locale={locale} />
          </div>
        </div>
      </Form>
    </section>
  );
}

/** Bad parameters (a hand-edited or outdated URL): the shared error page, plus which parameter and why. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const fields = isRouteErrorResponse(error) && error.status === 400 ? (error.data as { fields?: Record<string, string[]> } | null)?.fields : undefined;
  return (
    <>
      <GeneralErrorBoundary />
      {fields ? (
        <section className="search-invalid" aria-labelledby="search-invalid-title">
          <h2 id="search-invalid-title">{t("search.invalid.title")}</h2>
          <ul>
            {Object.entries(fields).map(([name, messages]) => (
              <li key={name}>
                <strong>{t(`search.param.${name}`, { defaultValue: name })}</strong> (<code>{name}</code>): {messages.map((m) => t(m)).join(" ")}
              </li>
            ))}
          </ul>
          <p>
            <Link to={SEARCH_PATH} className="button button--ghost">
              {t("search.invalid.reset")}
            </Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
