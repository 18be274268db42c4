import { Form, Link, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { SEARCH_PATH } from "~/modules/search/components/search-url.ts";

/**
 * The way into search from anywhere (issue #11, point 7): a plain GET form to
 * /search with `q`, so it works before hydration and without JavaScript, and a
 * search landmark of its own. A new search starts without the filters of the
 * last one; the search page's own box refines.
 */
function SearchForm({ id, className, landmark, label, labelHidden, placeholder, defaultValue, inputRef, children, after }: {
  id: string;
  className: string;
  landmark: string;
  label: string;
  labelHidden?: boolean;
  placeholder: string;
  defaultValue?: string;
  inputRef?: Ref<HTMLInputElement>;
  children: ReactNode;
  after?: ReactNode;
}) {
  return (
    <Form method="get" action={SEARCH_PATH} role="search" aria-label={landmark} className={className}>
      <label htmlFor={id} className={labelHidden ? "visually-hidden" : `${className}__label`}>
        {label}
      </label>
      <div className={`${className}__row`}>
        <input
          ref={inputRef}
          id={id}
          name="q"
          type="search"
          defaultValue={defaultValue}
          placeholder={placeholder}
          maxLength={200}
          autoComplete="off"
          enterKeyHint="search"
          dir="auto"
        />
        {children}
      </div>
      {after}
    </Form>
  );
}

function MagnifierIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3Zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10Z" />
    </svg>
  );
}

/** The query of the page being shown when it is the search page, else nothing. */
function useCurrentQuery() {
  const location = useLocation();
  return location.pathname === SEARCH_PATH ? (new URLSearchParams(location.search).get("q") ?? "") : "";
}

/**
 * The header stays mounted across navigations, so its uncontrolled input is
 * brought in line with the URL (Back, a search typed on the search page, leaving
 * it) unless the person is typing in it.
 */
function useFollowUrl(value: string) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const input = ref.current;
    if (input && input !== document.activeElement && input.value !== value) input.value = value;
  }, [value]);
  return ref;
}

/** The compact box in the site header, on every page; on /search it shows the current query. */
export function HeaderSearch() {
  const { t } = useTranslation();
  const query = useCurrentQuery();
  const inputRef = useFollowUrl(query);
  return (
    <SearchForm
      id="site-search-q"
      className="site-search"
      landmark={t("siteSearch.landmark")}
      label={t("siteSearch.label")}
      labelHidden
      placeholder={t("siteSearch.placeholder")}
      defaultValue={query}
      inputRef={inputRef}
    >
      <button type="submit" className="site-search__submit">
        <MagnifierIcon />
        <span className="visually-hidden">{t("siteSearch.submit")}</span>
      </button>
    </SearchForm>
  );
}

/** Example searches shown under the home page's box: its placeholder is cut short on a phone. */
const EXAMPLES = ["homeSearch.example1", "homeSearch.example2", "homeSearch.example3"] as const;

/** The prominent box on the home page, with a visible label and examples in the page language. */
export function HomeSearch() {
  const { t } = useTranslation();
  const examples = (
    <p className="home-search__examples">
      <span>{t("homeSearch.examplesLabel")}</span>{" "}
      {EXAMPLES.map((key, i) => (
        <span key={key}>
          {i ? " · " : null}
          <Link to={`${SEARCH_PATH}?${new URLSearchParams({ q: t(key) })}`}>{t(key)}</Link>
        </span>
      ))}
    </p>
  );
  return (
    <SearchForm id="home-search-q" className="home-search" landmark={t("homeSearch.landmark")} label={t("homeSearch.label")} placeholder={t("homeSearch.placeholder")} after={examples}>
      <button type="submit" className="button home-search__submit">
        <MagnifierIcon />
        {t("homeSearch.submit")}
      </button>
    </SearchForm>
  );
}
