import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatFraction, formatMoneyExact } from "../format.ts";
import { targetsReachedParts } from "../kpi.ts";
import type { KpiRow } from "../kpi.server.ts";

/** "17/43 targets reached (39.5%)" and the KPI table with actual / target / percent. */
export function KpiSummary({ kpi, locale }: { kpi: { year: number; rows: KpiRow[]; reached: number; total: number }; locale: Locale }) {
  const { t } = useTranslation();
  if (kpi.total === 0) return <p className="empty">{t("reports.kpi.none", { year: kpi.year })}</p>;
  return (
    <>
      <p className="kpi-summary">
        <strong>{t("reports.kpi.summary", targetsReachedParts(kpi.reached, kpi.total, locale))}</strong>
      </p>
      <table className="table kpi-table">
        <caption className="visually-hidden">{t("reports.tables.kpi", { year: kpi.year })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reports.columns.metric")}</th>
            <th scope="col" className="num">
              {t("reports.columns.actual")}
            </th>
            <th scope="col" className="num">
              {t("reports.columns.target")}
            </th>
            <th scope="col" className="num">
              {t("reports.columns.percent")}
            </th>
            <th scope="col">{t("reports.columns.reached")}</th>
          </tr>
        </thead>
        <tbody>
          {kpi.rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {t(`reports.kpiMetric.${r.metric}`)}
                {r.currency ? ` (${r.currency})` : ""}
              </th>
              <td className="num">{formatMoneyExact(r.actual, r.currency || null, locale)}</td>
              <td className="num">{formatMoneyExact(r.target, r.currency || null, locale)}</td>
              <td className="num">
                <meter min={0} max={1} low={0.5} high={0.99} optimum={1} value={Math.min(r.fraction, 1)} aria-hidden="true" /> {formatFraction(r.fraction, locale)}
              </td>
              <td>{r.reached ? `✓ ${t("reports.yes")}` : t("reports.no")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
