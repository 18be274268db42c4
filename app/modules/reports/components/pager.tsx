import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Previous / "page N of M" / next, keeping every other query parameter; nothing when one page holds all. */
export function Pager({ page, total, pageSize }: { page: number; total: number; pageSize: number }) {
  const { t } = useTranslation();
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const href = (target: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(target));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pagination" aria-label={t("reports.pagination")}>
      {page > 1 ? <Link to={href(page - 1)}>← {t("reports.previous")}</Link> : null}
      <span>{t("reports.pageOf", { page, pages })}</span>
      {page < pages ? <Link to={href(page + 1)}>{t("reports.next")} →</Link> : null}
    </nav>
  );
}
