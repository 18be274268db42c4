import { notFound } from "~/lib/http.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import { buildKpiReport, getKpiTargets, type KpiReport } from "./kpi.server.ts";
import { listAgreedDeals } from "./list.server.ts";
import { getDashboardAndKpiFigures, type DashboardMetrics } from "./metrics.server.ts";
import { periodMonths, yearPeriod, type Period } from "./period.ts";
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

/**
 * Everything the dashboard (and its CSV and the annual report) shows for a
 * period: the metrics and the KPI progress of the year the period ends in (one
 * SQL statement, one pass over the rows, whether or not the period is that
 * year), the targets, the reference labels and, on request, the list of agreed
 * deals, each on its own connection at once.
 */
export async function loadDashboard(
  actor: Actor | null,
  period: Period,
  options: { locale: Locale; t: Translate; withAgreedDeals?: boolean },
): Promise<Dashboard> {
  requireReportReader(actor);
  const kpiYear = Number(period.to.slice(0, 4));
  const [figures, targets, labels, agreedDeals] = await Promise.all([
    getDashboardAndKpiFigures(period, periodMonths(period), yearPeriod(kpiYear)),
    getKpiTargets(kpiYear),
    referenceLabels(),
    options.withAgreedDeals ? listAgreedDeals(period) : Promise.resolve(undefined),
  ]);
  const { metrics } = figures;
  const kpi = buildKpiReport(kpiYear, targets, figures.kpi);
  const tables = buildTables({ period, metrics, kpi, agreedDeals, labels, locale: options.locale, t: options.t });
  return { period: { from: period.from, to: period.to }, metrics, kpi, tables, labels };
}
