import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";
import { KpiSummary } from "~/modules/reports/components/kpi-summary.tsx";
import { PeriodForm } from "~/modules/reports/components/period-form.tsx";
import { ReportCharts } from "~/modules/reports/components/report-charts.tsx";
import { ReportTableView } from "~/modules/reports/components/report-table.tsx";
import { loadDashboard, requireReportReader } from "~/modules/reports/dashboard.server.ts";
import { formatCalendarDate, formatDateTime } from "~/modules/reports/format.ts";
import { parsePeriod, periodQuery, vnYear } from "~/modules/reports/period.ts";
import reportStyles from "~/modules/reports/reports.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

/** The printable year-end report ("báo cáo tổng kết năm") for any period, in the viewer's language. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  requireReportReader(actor);
  const [locale, t] = await Promise.all([getLocale(request), i18nServer.getFixedT(request)]);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  if (!parsed.ok) throw json({ message: "Bad query", fieldErrors: parsed.fieldErrors }, { status: 400 });
  const dashboard = await loadDashboard(actor, parsed.period, { locale, t, withAgreedDeals: true });
  return json({ ...dashboard, locale, thisYear: vnYear(), generatedAt: new Date().toISOString() });
}

const SECTIONS = ["summary", "listings-by-type", "organisations", "deals-by-stage", "agreed-value", "revenue"] as const;

export default function AnnualReport() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { locale, period, kpi, tables } = data;
  const table = (id: string) => tables.find((x) => x.id === id);
  const agreed = table("agreed-deals");
  const wholeYear = period.from.endsWith("-01-01") && period.to === `${period.from.slice(0, 4)}-12-31`;
  return (
    <article className="annual-report">
      <div className="no-print annual-report__tools">
        <Link to={`/reports?${periodQuery(period)}`}>← {t("reports.backToDashboard")}</Link>
        <PeriodForm from={period.from} to={period.to} thisYear={data.thisYear} />
        <p>{t("reports.annual.printHint")}</p>
      </div>
      <header className="annual-report__head">
        <p className="eyebrow">Techex</p>
        <h1>{wholeYear ? t("reports.annual.titleYear", { year: period.from.slice(0, 4) }) : t("reports.annual.title")}</h1>
        <p>{t("reports.annual.period", { from: formatCalendarDate(period.from, locale), to: formatCalendarDate(period.to, locale) })}</p>
        <p className="muted">{t("reports.annual.generated", { at: formatDateTime(data.generatedAt, locale) })}</p>
      </header>
      <section className="annual-report__section">
        <h2>{t("reports.kpi.heading", { year: kpi.year })}</h2>
        <KpiSummary kpi={kpi} locale={locale} />
      </section>
      <section className="annual-report__section">
        <h2>{t("reports.annual.figures")}</h2>
        {SECTIONS.map((id) => {
          const tb = table(id);
          return tb ? <ReportTableView key={id} table={tb} locale={locale} /> : null;
        })}
      </section>
      <section className="annual-report__section annual-report__charts">
        <h2>{t("reports.charts.heading")}</h2>
        <ReportCharts metrics={data.metrics} labels={data.labels} period={period} locale={locale} />
      </section>
      <section className="annual-report__section">
        <h2>{t("reports.tables.agreedDeals")}</h2>
        {agreed && agreed.rows.length ? <ReportTableView table={agreed} locale={locale} caption={false} /> : <p className="empty">{t("reports.annual.noAgreedDeals")}</p>}
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
