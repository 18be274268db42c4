import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { holds } from "~/modules/auth/permissions.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";
import { KpiSummary } from "~/modules/reports/components/kpi-summary.tsx";
import { PeriodForm } from "~/modules/reports/components/period-form.tsx";
import { ReportCharts } from "~/modules/reports/components/report-charts.tsx";
import { ReportTableView } from "~/modules/reports/components/report-table.tsx";
import { loadDashboard, requireReportReader } from "~/modules/reports/dashboard.server.ts";
import { formatCount, formatHours, formatMoneyExact } from "~/modules/reports/format.ts";
import { parsePeriod, periodQuery, vnYear } from "~/modules/reports/period.ts";
import { listHref } from "~/modules/reports/tables.ts";
import reportStyles from "~/modules/reports/reports.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

export const meta: MetaFunction = () => [{ title: "Techex — Báo cáo / Reports" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  requireReportReader(actor);
  const [locale, t] = await Promise.all([getLocale(request), i18nServer.getFixedT(request)]);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  const canManageTargets = holds(actor, "kpi:manage:any");
  if (!parsed.ok) {
    return json({ ok: false as const, errors: parsed.fieldErrors, locale, thisYear: vnYear(), canManageTargets }, { status: 400 });
  }
  const dashboard = await loadDashboard(actor, parsed.period, { locale, t });
  return json({ ok: true as const, ...dashboard, locale, thisYear: vnYear(), canManageTargets });
}

export default function ReportsDashboard() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { locale } = data;
  if (!data.ok) {
    return (
      <section>
        <h1>{t("reports.title")}</h1>
        <PeriodForm from="" to="" errors={data.errors} thisYear={data.thisYear} />
      </section>
    );
  }
  const { metrics: m, period, kpi, tables } = data;
  const q = periodQuery(period);
  const median = m.inquiries.medianFirstAnswerSeconds;
  const cards = [
    { label: t("reports.figures.listingsPublished"), value: formatCount(m.listingsPublished, locale), href: listHref(period, "listings") },
    { label: t("reports.figures.activeOrganisations"), value: formatCount(m.activeOrganisations, locale), href: listHref(period, "organisations-active") },
    { label: t("reports.figures.inquiriesReceived"), value: formatCount(m.inquiries.received, locale), href: listHref(period, "inquiries") },
    { label: t("reports.figures.medianFirstAnswer"), value: median == null ? "—" : formatHours(median / 3600, locale), href: listHref(period, "inquiries", { filter: "answered" }) },
    { label: t("reports.figures.matchesIntroduced"), value: formatCount(m.matches.introduced, locale), href: listHref(period, "matches-introduced") },
    { label: t("reports.figures.dealsAgreed"), value: formatCount(m.deals.agreed, locale), href: listHref(period, "deals-agreed") },
    ...m.agreedValue.map((v) => ({ label: t("reports.figures.agreedValueIn", { currency: v.currency }), value: formatMoneyExact(v.total, v.currency, locale), href: listHref(period, "deals-agreed", { currency: v.currency }) })),
  ];
  return (
    <section className="reports">
      <div className="section__head">
        <h1>{t("reports.title")}</h1>
        <p className="no-print">
          <Link to={`/reports/annual?${q}`} className="button button--small">
            {t("reports.annual.link")}
          </Link>{" "}
          {data.canManageTargets ? <Link to={`/reports/targets?year=${kpi.year}`}>{t("reports.targets.link")}</Link> : null}
        </p>
      </div>
      <PeriodForm from={period.from} to={period.to} thisYear={data.thisYear} />
      <ul className="stat-cards">
        {cards.map((c) => (
          <li key={c.label} className="card stat-card">
            <Link to={c.href}>
              <span className="stat-card__value">{c.value}</span>
              <span className="stat-card__label">{c.label}</span>
            </Link>
          </li>
        ))}
      </ul>
      <section aria-labelledby="kpi-heading" className="section">
        <h2 id="kpi-heading">{t("reports.kpi.heading", { year: kpi.year })}</h2>
        <KpiSummary kpi={kpi} locale={locale} />
        {kpi.total ? (
          <p className="no-print">
            <a href={`/reports/export/kpi?${q}`} download>
              {t("reports.exportCsv")}
            </a>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="charts-heading" className="section">
        <h2 id="charts-heading">{t("reports.charts.heading")}</h2>
        <ReportCharts metrics={m} labels={data.labels} period={period} locale={locale} />
      </section>
      <section aria-labelledby="tables-heading" className="section">
        <h2 id="tables-heading">{t("reports.tablesHeading")}</h2>
        {tables.filter((table) => table.id !== "kpi").map((table) => (
          <ReportTableView key={table.id} table={table} locale={locale} exportHref={`/reports/export/${table.id}?${q}`} exportLabel={t("reports.exportCsv")} />
        ))}
        <p>
          <a href={`/reports/export/agreed-deals?${q}`} download>
            {t("reports.exportAgreedDeals")}
          </a>
        </p>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
