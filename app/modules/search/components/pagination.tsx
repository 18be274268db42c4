import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatNumber } from "~/modules/i18n/format.ts";
import { pageHref } from "./search-url.ts";

/** The parameters allow pages 1–500 (Meilisearch counts at most 10,000 hits). */
const MAX_PAGE = 500;

/** Pages to show: the first, the last, and two either side of the current one; null is a gap. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const wanted = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    const previous = sorted[i - 1];
    if (previous !== undefined && p - previous > 1) out.push(p - previous === 2 ? p - 1 : null);
    out.push(p);
  });
  return out;
}

export function Pagination({ page, totalPages, current, locale }: { page: number; totalPages: number; current: URLSearchParams; locale: Locale }) {
  const { t } = useTranslation();
  const pages = Math.min(totalPages, MAX_PAGE);
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={t("search.pagination.label")}>
      <p className="pagination__status">{t("search.pagination.pageOf", { page: formatNumber(page, locale), pages: formatNumber(pages, locale) })}</p>
      <ul className="pagination__list">
        <li>
          {page > 1 ? (
            <Link to={pageHref(current, page - 1)} rel="prev" className="pagination__step">
              ‹ {t("search.pagination.previous")}
            </Link>
          ) : (
            <span className="pagination__step pagination__step--off" aria-hidden="true">
              ‹ {t("search.pagination.previous")}
            </span>
          )}
        </li>
        {pageWindow(page, pages).map((p, i) =>
          p === null ? (
            <li key={`gap-${i}`} className="pagination__gap" aria-hidden="true">
              …
            </li>
          ) : (
            <li key={p}>
              <Link
                to={pageHref(current, p)}
                className="pagination__page"
                aria-current={p === page ? "page" : undefined}
                aria-label={t("search.pagination.page", { page: p })}
              >
                {formatNumber(p, locale)}
              </Link>
            </li>
          ),
        )}
        <li>
          {page < pages ? (
            <Link to={pageHref(current, page + 1)} rel="next" className="pagination__step">
              {t("search.pagination.next")} ›
            </Link>
          ) : (
            <span className="pagination__step pagination__step--off" aria-hidden="true">
              {t("search.pagination.next")} ›
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
