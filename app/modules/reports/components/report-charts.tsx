import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import type { DashboardMetrics } from "../metrics.server.ts";
import { formatCount, formatMonth } from "../format.ts";
import { FUNNEL_STAGES, listHref, type Labels } from "../tables.ts";
import { BarChart, Funnel, MonthlyColumns } from "./charts.tsx";

type Serialized<T> = T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;

/** The four charts of the dashboard and the annual report. */
export function ReportCharts({ metrics, labels, period, locale }: { metrics: Serialized<DashboardMetrics>; labels: Labels; period: { from: string; to: string }; locale: Locale }) {
  const { t } = useTranslation();
  const fmt = (n: number) => formatCount(n, locale);
  const sectorName = (code: string) => {
    const s = labels.sectors.find((x) => x.code === code);
    return s ? `${code} ${locale === "en" ? s.labelEn : s.labelVi}` : code;
  };
  const provinceName = (code: string) => {
    if (!code) return t("reports.noProvince");
    const p = labels.provinces.find((x) => x.code === code);
    return p ? (locale === "en" ? p.nameEn : p.shortNameVi) : code;
  };
  const reached = new Map(metrics.deals.reached.map((r) => [r.key, r.count]));
  const months = metrics.months.map((m) => m.month);
  const monthLabels = months.map((m) => formatMonth(m, locale));
  const topProvinces = metrics.listingsByProvince.slice(0, 15);
  return (
    <div className="charts">
      <MonthlyColumns
        id="chart-months"
        title={t("reports.charts.months")}
        description={t("reports.charts.monthsDesc", { listings: fmt(metrics.listingsPublished), deals: fmt(metrics.deals.opened), agreed: fmt(metrics.deals.agreed), months: months.length })}
        months={months}
        monthLabels={monthLabels}
        series={[
          { name: t("reports.columns.listingsPublished"), values: metrics.months.map((m) => m.listings) },
          { name: t("reports.columns.dealsOpened"), values: metrics.months.map((m) => m.dealsOpened) },
          { name: t("reports.columns.dealsAgreed"), values: metrics.months.map((m) => m.dealsAgreed) },
        ]}
        monthHeader={t("reports.columns.month")}
        tableLabel={t("reports.charts.showTable")}
        format={fmt}
      />
      <Funnel
        id="chart-funnel"
        title={t("reports.charts.funnel")}
        description={t("reports.charts.funnelDesc", { opened: fmt(reached.get("NEW") ?? 0), agreed: fmt(reached.get("AGREEMENT_REACHED") ?? 0), completed: fmt(reached.get("COMPLETED") ?? 0) })}
        data={FUNNEL_STAGES.map((stage) => ({ label: t(`reports.stage.${stage}`), value: reached.get(stage) ?? 0, href: listHref(period, "deals-reached", { stage }) }))}
        stageHeader={t("reports.columns.stage")}
        valueHeader={t("reports.columns.reachedInPeriod")}
        tableLabel={t("reports.charts.showTable")}
        format={fmt}
      />
      <BarChart
        id="chart-sectors"
        title={t("reports.charts.sectors")}
        description={t("reports.charts.sectorsDesc", { count: metrics.listingsBySector.length, top: metrics.listingsBySector[0] ? sectorName(metrics.listingsBySector[0].key) : "—" })}
        data={metrics.listingsBySector.map((r) => ({ label: sectorName(r.key), value: r.count, href: listHref(period, "listings", { sector: r.key }) }))}
        categoryHeader={t("reports.columns.sector")}
        valueHeader={t("reports.columns.listings")}
        tableLabel={t("reports.charts.showTable")}
        emptyText={t("reports.empty")}
        format={fmt}
      />
      <BarChart
        id="chart-provinces"
        title={t("reports.charts.provinces", { count: topProvinces.length })}
        description={t("reports.charts.provincesDesc", { count: metrics.listingsByProvince.length, top: topProvinces[0] ? provinceName(topProvinces[0].key) : "—" })}
        data={topProvinces.map((r) => ({ label: provinceName(r.key), value: r.count, href: listHref(period, "listings", { province: r.key || "none" }) }))}
        categoryHeader={t("reports.columns.province")}
        valueHeader={t("reports.columns.listings")}
        tableLabel={t("reports.charts.showTable")}
        emptyText={t("reports.empty")}
        format={fmt}
      />
    </div>
  );
}
