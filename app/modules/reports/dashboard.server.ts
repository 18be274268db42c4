import { notFound } from "~/lib/http.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import { getKpiReport, type KpiReport } from "./kpi.server.ts";
import { listAgreedDeals } from "./list.server.ts";
import { getDashboardMetrics, type DashboardMetrics } from "./metrics.server.ts";
import { periodMonths, type Period } from "./period.ts";
import { buildTables, type Labels, type ReportTable, type Translate } from "./tables.ts";

export interface Dashboard {
  period: { from: string; to: string };
  metrics: DashboardMetrics;
  kpi: KpiReport;
  tables: ReportTable[];
  labels: Labels;
}

/** Brokers and admins only; anyone else is told the page does not exist. */
export function requireReportReader(actor: Actor | null) {
  if (!holds(actor, "report:read:any")) throw notFound();
}

async function referenceLabels(): Promise<Labels> {
  const { sectors, provinces } = await getListingFormOptions();
  return { sectors: sectors.map((s) => ({ code: s.code, labelVi: s.labelVi, labelEn: s.labelEn })), provinces };
}

const isCalendarYear = (period: Period) => period.from.endsWith("-01-01") && period.to === `${period.from.slice(0, 4)}-12-31`;

/**
 * Everything the dashboard (and its CSV and the annual report) shows for a
 * period: the metrics (one SQL statement), the KPI progress of the year the
 * period ends in (a second statement only when the period is not that whole
 * year), the reference labels and, on request, the list of agreed deals.
 */
export async function loadDashboard(
  actor: Actor | null,
  period: Period,
  options: { locale: Locale; t: Translate; withAgreedDeals?: boolean },
): Promise<Dashboard> {
  requireReportReader(actor);
  const kpiYear = Number(period.to.slice(0, 4));
  // A calendar-year period reuses its own metrics for the KPIs; any other period needs the
  // year's figures too, computed alongside on a second connection.
  const reuseForKpi = isCalendarYear(period);
  const [metrics, labels, agreedDeals, separateKpi] = await Promise.all([
    getDashboardMetrics(period, periodMonths(period)),
    referenceLabels(),
    options.withAgreedDeals ? listAgreedDeals(period) : Promise.resolve(undefined),
    reuseForKpi ? Promise.resolve(undefined) : getKpiReport(kpiYear),
  ]);
  const kpi = separateKpi ?? (await getKpiReport(kpiYear, metrics));
  const tables = buildTables({ period, metrics, kpi, agreedDeals, labels, locale: options.locale, t: options.t });
  return { period: { from: period.from, to: period.to }, metrics, kpi, tables, labels };
}
