/**
 * Every dashboard table, defined once: the page, the CSV export and the annual
 * report all render these. Labels come translated (the viewer's language);
 * values stay raw (numbers, BigInt decimal strings) and are formatted by the
 * page with Intl, or written as they are to CSV.
 */
import type { Locale } from "~/modules/i18n/config.ts";
import type { KpiReport } from "./kpi.server.ts";
import type { DashboardMetrics } from "./metrics.server.ts";
import { periodQuery, type Period } from "./period.ts";

export const TABLE_IDS = [
  "summary",
  "listings-by-type",
  "listings-by-sector",
  "listings-by-province",
  "months",
  "organisations",
  "deals-by-stage",
  "agreed-value",
  "revenue",
  "kpi",
  "agreed-deals",
] as const;
export type TableId = (typeof TABLE_IDS)[number];

export type ColumnKind = "text" | "count" | "money" | "percent" | "hours" | "date";
export interface Column {
  label: string;
  kind: ColumnKind;
}
export type Cell = string | number | null;
export interface TableRow {
  cells: Cell[];
  /** The list behind the row's figures. */
  href?: string;
  /** Currency of the row's money cells. */
  currency?: string;
  /** Per-cell links when the row's figures come from different lists (index = cell). */
  cellHrefs?: (string | undefined)[];
  /** Per-cell kinds when they differ from the columns' (the summary mixes counts, hours and percents). */
  kinds?: ColumnKind[];
}
export interface ReportTable {
  id: TableId;
  title: string;
  columns: Column[];
  rows: TableRow[];
  /** Heading of the extra currency column a CSV needs when no column names the rows' currency. */
  currencyColumn?: string;
}

export const DEAL_STAGES = ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED", "COMPLETED", "ON_HOLD", "LOST"] as const;
/** The stages a deal moves forward through; the funnel shows these. */
export const FUNNEL_STAGES = DEAL_STAGES.slice(0, 7);
export const LISTING_TYPE_KEYS = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER", "TECHNOLOGY_REQUEST"] as const;
export const ORGANISATION_KINDS = ["ENTERPRISE", "RESEARCH_INSTITUTE", "UNIVERSITY", "INDIVIDUAL", "BROKER_CENTER"] as const;

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface Labels {
  sectors: { code: string; labelVi: string; labelEn: string }[];
  provinces: { code: string; shortNameVi: string; nameEn: string }[];
}

export interface AgreedDealRow {
  id: string;
  title: string;
  provider: string;
  seeker: string;
  agreementType: string | null;
  agreedAt: string;
  value: string | null;
  currency: string | null;
}

/** The page of rows behind a figure. */
export function listHref(period: Pick<Period, "from" | "to">, metric: string, extra: Record<string, string> = {}) {
  const params = new URLSearchParams({ metric, ...extra });
  return `/reports/list?${periodQuery(period)}&${params.toString()}`;
}

const countOf = (rows: { key: string; count: number }[], key: string) => rows.find((r) => r.key === key)?.count ?? 0;

export function buildTables(input: {
  period: Pick<Period, "from" | "to">;
  metrics: DashboardMetrics;
  kpi: KpiReport;
  agreedDeals?: AgreedDealRow[];
  labels: Labels;
  locale: Locale;
  t: Translate;
}): ReportTable[] {
  const { period, metrics: m, kpi, labels, locale, t } = input;
  const href = (metric: string, extra?: Record<string, string>) => listHref(period, metric, extra);
  const sectorName = (code: string) => {
    const s = labels.sectors.find((x) => x.code === code);
    return s ? (locale === "en" ? s.labelEn : s.labelVi) : code;
  };
  const provinceName = (code: string) => {
    if (!code) return t("reports.noProvince");
    const p = labels.provinces.find((x) => x.code === code);
    return p ? (locale === "en" ? p.nameEn : p.shortNameVi) : code;
  };
  const conversion = m.inquiries.received ? m.inquiries.converted / m.inquiries.received : null;
  const median = m.inquiries.medianFirstAnswerSeconds == null ? null : m.inquiries.medianFirstAnswerSeconds / 3600;
  const figure = (label: string, kind: ColumnKind, value: Cell, link?: string): TableRow => ({ cells: [label, value], kinds: ["text", kind], href: link });

  const tables: ReportTable[] = [
    {
      id: "summary",
      title: t("reports.tables.summary"),
      columns: [
        { label: t("reports.columns.metric"), kind: "text" },
        { label: t("reports.columns.value"), kind: "count" },
      ],
      rows: [
        figure(t("reports.figures.listingsPublished"), "count", m.listingsPublished, href("listings")),
        figure(t("reports.figures.activeOrganisations"), "count", m.activeOrganisations, href("organisations-active")),
        figure(t("reports.figures.organisationsJoined"), "count", m.organisationsJoined, href("organisations-joined")),
        figure(t("reports.figures.inquiriesReceived"), "count", m.inquiries.received, href("inquiries")),
        figure(t("reports.figures.inquiriesAnswered"), "count", m.inquiries.answered, href("inquiries", { filter: "answered" })),
        figure(t("reports.figures.inquiriesAnswered48h"), "count", m.inquiries.answeredWithin48h, href("inquiries", { filter: "within48h" })),
        figure(t("reports.figures.medianFirstAnswer"), "hours", median, href("inquiries", { filter: "answered" })),
        figure(t("reports.figures.matchesSuggested"), "count", m.matches.suggested, href("matches-suggested")),
        figure(t("reports.figures.matchesIntroduced"), "count", m.matches.introduced, href("matches-introduced")),
        figure(t("reports.figures.dealsOpened"), "count", m.deals.opened, href("deals-opened")),
        figure(t("reports.figures.dealsAgreed"), "count", m.deals.agreed, href("deals-agreed")),
        figure(t("reports.figures.dealsCompleted"), "count", m.deals.completed, href("deals-completed")),
        figure(t("reports.figures.inquiriesConverted"), "count", m.inquiries.converted, href("inquiries", { filter: "converted" })),
        figure(t("reports.figures.conversion"), "percent", conversion, href("inquiries", { filter: "converted" })),
      ],
    },
    {
      id: "listings-by-type",
      title: t("reports.tables.listingsByType"),
      columns: [
        { label: t("reports.columns.type"), kind: "text" },
        { label: t("reports.columns.listings"), kind: "count" },
      ],
      rows: LISTING_TYPE_KEYS.map((type) => ({ cells: [t(`listingType.${type}`), countOf(m.listingsByType, type)], href: href("listings", { type }) })),
    },
    {
      id: "listings-by-sector",
      title: t("reports.tables.listingsBySector"),
      columns: [
        { label: t("reports.columns.code"), kind: "text" },
        { label: t("reports.columns.sector"), kind: "text" },
        { label: t("reports.columns.listings"), kind: "count" },
      ],
      rows: m.listingsBySector.map((r) => ({ cells: [r.key, sectorName(r.key), r.count], href: href("listings", { sector: r.key }) })),
    },
    {
      id: "listings-by-province",
      title: t("reports.tables.listingsByProvince"),
      columns: [
        { label: t("reports.columns.province"), kind: "text" },
        { label: t("reports.columns.listings"), kind: "count" },
      ],
      rows: m.listingsByProvince.map((r) => ({ cells: [provinceName(r.key), r.count], href: href("listings", { province: r.key || "none" }) })),
    },
    {
      id: "months",
      title: t("reports.tables.months"),
      columns: [
        { label: t("reports.columns.month"), kind: "text" },
        { label: t("reports.columns.listingsPublished"), kind: "count" },
        { label: t("reports.columns.dealsOpened"), kind: "count" },
        { label: t("reports.columns.dealsAgreed"), kind: "count" },
      ],
      rows: m.months.map((r) => {
        const month = monthPeriod(period, r.month);
        return {
          cells: [r.month, r.listings, r.dealsOpened, r.dealsAgreed],
          href: listHref(month, "listings"),
          cellHrefs: [undefined, listHref(month, "listings"), listHref(month, "deals-opened"), listHref(month, "deals-agreed")],
        };
      }),
    },
    {
      id: "organisations",
      title: t("reports.tables.organisations"),
      columns: [
        { label: t("reports.columns.kind"), kind: "text" },
        { label: t("reports.columns.active"), kind: "count" },
        { label: t("reports.columns.joined"), kind: "count" },
      ],
      rows: ORGANISATION_KINDS.map((kind) => ({
        cells: [t(`orgKind.${kind}`), countOf(m.activeOrganisationsByKind, kind), countOf(m.organisationsJoinedByKind, kind)],
        href: href("organisations-active", { kind }),
        cellHrefs: [undefined, href("organisations-active", { kind }), href("organisations-joined", { kind })],
      })),
    },
    {
      id: "deals-by-stage",
      title: t("reports.tables.dealsByStage"),
      columns: [
        { label: t("reports.columns.stage"), kind: "text" },
        { label: t("reports.columns.openedNowAt"), kind: "count" },
        { label: t("reports.columns.reachedInPeriod"), kind: "count" },
      ],
      rows: DEAL_STAGES.map((stage) => ({
        cells: [t(`reports.stage.${stage}`), countOf(m.deals.byStage, stage), countOf(m.deals.reached, stage)],
        href: href("deals-reached", { stage }),
        cellHrefs: [undefined, href("deals-opened", { stage }), href("deals-reached", { stage })],
      })),
    },
    {
      id: "agreed-value",
      title: t("reports.tables.agreedValue"),
      columns: [
        { label: t("reports.columns.currency"), kind: "text" },
        { label: t("reports.columns.deals"), kind: "count" },
        { label: t("reports.columns.value"), kind: "money" },
      ],
      rows: m.agreedValue.map((r) => ({ cells: [r.currency || "—", r.count, r.total], currency: r.currency || undefined, href: href("deals-agreed", r.currency ? { currency: r.currency } : {}) })),
    },
    {
      id: "revenue",
      title: t("reports.tables.revenue"),
      columns: [
        { label: t("reports.columns.purpose"), kind: "text" },
        { label: t("reports.columns.currency"), kind: "text" },
        { label: t("reports.columns.payments"), kind: "count" },
        { label: t("reports.columns.gross"), kind: "money" },
        { label: t("reports.columns.refunds"), kind: "money" },
        { label: t("reports.columns.net"), kind: "money" },
      ],
      rows: m.revenue.map((r) => ({
        cells: [t(`reports.purpose.${r.purpose}`), r.currency, r.payments, r.gross, r.refunds, r.net],
        currency: r.currency,
        href: href("payments", { purpose: r.purpose, currency: r.currency }),
      })),
    },
    {
      id: "kpi",
      title: t("reports.tables.kpi", { year: kpi.year }),
      currencyColumn: t("reports.columns.currency"),
      columns: [
        { label: t("reports.columns.metric"), kind: "text" },
        { label: t("reports.columns.target"), kind: "money" },
        { label: t("reports.columns.actual"), kind: "money" },
        { label: t("reports.columns.percent"), kind: "percent" },
        { label: t("reports.columns.reached"), kind: "text" },
      ],
      rows: kpi.rows.map((r) => ({
        cells: [r.currency ? `${t(`reports.kpiMetric.${r.metric}`)} (${r.currency})` : t(`reports.kpiMetric.${r.metric}`), r.target, r.actual, r.fraction, r.reached ? t("reports.yes") : t("reports.no")],
        currency: r.currency || undefined,
      })),
    },
  ];
  if (input.agreedDeals) {
    tables.push({
      id: "agreed-deals",
      title: t("reports.tables.agreedDeals"),
      currencyColumn: t("reports.columns.currency"),
      columns: [
        { label: t("reports.columns.deal"), kind: "text" },
        { label: t("reports.columns.provider"), kind: "text" },
        { label: t("reports.columns.seeker"), kind: "text" },
        { label: t("reports.columns.agreementType"), kind: "text" },
        { label: t("reports.columns.agreedAt"), kind: "date" },
        { label: t("reports.columns.value"), kind: "money" },
      ],
      rows: input.agreedDeals.map((d) => ({
        cells: [d.title, d.provider, d.seeker, d.agreementType ? t(`reports.agreementType.${d.agreementType}`) : "", d.agreedAt, d.value],
        currency: d.currency ?? undefined,
        href: `/deals/${d.id}`,
      })),
    });
  }
  return tables;
}

/** One month of the period (clipped to it), as a period of its own. */
function monthPeriod(period: Pick<Period, "from" | "to">, month: string) {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
  return { from: `${month}-01` < period.from ? period.from : `${month}-01`, to: last > period.to ? period.to : last };
}
