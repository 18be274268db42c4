/**
 * The centre's operating figures for a period, computed by PostgreSQL in ONE
 * round trip of aggregates (docs/decisions/008-reporting-queries.md): no row is
 * loaded into memory to be counted. Every figure is defined here and in
 * docs/reports.md; a period is [start, end) in UTC instants that bound whole
 * days in Vietnam (see period.ts). Timestamps are stored as UTC `timestamp(3)`.
 *
 * Definitions (each "in the period" means the named instant is ≥ start and < end):
 * - listingsPublished: listings whose first publication (`publishedAt`, set once
 *   at the first approval or import and kept on renewal) is in the period,
 *   whatever their status now. By type, by sector FIELD (the FORD level-1 field
 *   of each of its sectors: a listing in two fields counts in both rows but
 *   once in the total), by province ("" = none/abroad), by month (Vietnam time).
 * - organisationsJoined: organisations created in the period, by kind.
 * - activeOrganisations: distinct organisations that, in the period, had a
 *   listing first published, sent an inquiry, or were provider or seeker of a
 *   deal with a stage transition (including its opening) in the period; by kind.
 * - inquiries.received: inquiries created in the period; .answered: of those,
 *   the ones answered (firstAnsweredAt set) by now; .answeredWithin48h: answered
 *   at most 48 h after creation; .medianFirstAnswerSeconds: median (percentile_cont
 *   0.5) of firstAnsweredAt − createdAt over the answered ones, null when none.
 * - matches.suggested: matches computed in the period (any status now);
 *   .introduced: matches introduced in the period.
 * - deals.opened: deals created in the period; byStage: those deals by their
 *   current stage; reached: distinct deals with a transition INTO each stage in
 *   the period (the funnel); agreed: deals whose agreedAt is in the period;
 *   completed: completedAt in the period.
 * - conversion: of the inquiries received in the period, those whose deal has a
 *   transition to AGREEMENT_REACHED (at any time up to now) ÷ inquiries received.
 * - agreedValue: per currency, the sum of agreedValue of deals agreed in the
 *   period (decimal strings: BigInt sums do not fit a JS number).
 * - revenue: per purpose (featured placement, brokerage fee) and currency:
 *   gross = payments paid in the period (status PAID, or REFUNDED later);
 *   refunds = payments refunded in the period; net = gross − refunds.
 */
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import type { Period } from "./period.ts";

export interface Count {
  key: string;
  count: number;
}

export interface MoneyTotal {
  currency: string;
  count: number;
  /** Whole units, as a decimal string. */
  total: string;
}

export interface RevenueRow {
  purpose: "FEATURED_PLACEMENT" | "BROKERAGE_FEE";
  currency: string;
  payments: number;
  gross: string;
  refunds: string;
  net: string;
}

export interface MonthRow {
  month: string;
  listings: number;
  dealsOpened: number;
  dealsAgreed: number;
}

export interface DashboardMetrics {
  listingsPublished: number;
  listingsByType: Count[];
  listingsBySector: Count[];
  listingsByProvince: Count[];
  organisationsJoined: number;
  organisationsJoinedByKind: Count[];
  activeOrganisations: number;
  activeOrganisationsByKind: Count[];
  inquiries: { received: number; answered: number; answeredWithin48h: number; medianFirstAnswerSeconds: number | null; converted: number };
  matches: { suggested: number; introduced: number };
  deals: { opened: number; agreed: number; completed: number; byStage: Count[]; reached: Count[] };
  agreedValue: MoneyTotal[];
  revenue: RevenueRow[];
  months: MonthRow[];
}

/**
 * The figures a KPI target is measured against (kpi.server.ts): a subset of the dashboard's,
 * over the target's calendar year.
 */
export interface KpiFigures {
  listingsPublished: number;
  listingsByType: Count[];
  organisationsJoined: number;
  inquiries: Pick<DashboardMetrics["inquiries"], "received" | "answeredWithin48h">;
  matches: Pick<DashboardMetrics["matches"], "introduced">;
  deals: Pick<DashboardMetrics["deals"], "opened" | "agreed" | "completed">;
  agreedValue: MoneyTotal[];
  revenue: RevenueRow[];
}

type Instants = Pick<Period, "start" | "end">;

/** A UTC instant as a `timestamp` literal the columns compare with (they hold UTC without a zone). */
export function sqlInstant(value: Date) {
  return value.toISOString().replace("T", " ").replace("Z", "");
}

type RawRevenue = { purpose: RevenueRow["purpose"]; currency: string; payments: number; gross: string; refunds: string }[] | null;

interface RawKpiFigures {
  listingsPublished: number;
  listingsByType: Count[] | null;
  organisationsJoinedByKind: Count[] | null;
  inquiries: { received: number; answeredWithin48h: number };
  matches: { introduced: number };
  deals: { opened: number; agreed: number; completed: number };
  agreedValue: MoneyTotal[] | null;
  revenue: RawRevenue;
}

interface RawMetrics extends RawKpiFigures {
  listingsBySector: Count[] | null;
  listingsByProvince: Count[] | null;
  listingsByMonth: Count[] | null;
  activeOrganisationsByKind: Count[] | null;
  inquiries: { received: number; answered: number; answeredWithin48h: number; medianFirstAnswerSeconds: number | null; converted: number };
  matches: { suggested: number; introduced: number };
  dealsByStage: Count[] | null;
  dealsReached: Count[] | null;
  dealsOpenedByMonth: Count[] | null;
  dealsAgreedByMonth: Count[] | null;
}

/**
 * The one query. It reads each table once, over the span that covers both ranges asked for:
 * `period` gets every dashboard figure, `year` the KPI figures (KpiFigures). Each row carries
 * whether it falls in the period (`p`) and in the year (`y`), and every figure counts with a
 * FILTER on those, so a dashboard whose period is not the KPI year costs one pass, not two
 * statements over mostly the same rows. The bounds are bound parameters; nothing from the
 * request is spliced into the text.
 */
function metricsQuery(ranges: { period?: Instants; year?: Instants }) {
  const bounds = (r: Instants) => ({ s: Prisma.sql`${sqlInstant(r.start)}::timestamp`, e: Prisma.sql`${sqlInstant(r.end)}::timestamp` });
  const spans = [ranges.period, ranges.year].filter((r): r is Instants => !!r);
  const scan = bounds({
    start: new Date(Math.min(...spans.map((r) => r.start.getTime()))),
    end: new Date(Math.max(...spans.map((r) => r.end.getTime()))),
  });
  const within = (column: Prisma.Sql, r: { s: Prisma.Sql; e: Prisma.Sql }) => Prisma.sql`(${column} >= ${r.s} AND ${column} < ${r.e})`;
  const flag = (range: Instants | undefined) => (column: Prisma.Sql) => (range ? within(column, bounds(range)) : Prisma.sql`false`);
  const inP = flag(ranges.period);
  const inY = flag(ranges.year);
  const inScan = (column: Prisma.Sql) => within(column, scan);
  // Vietnam has kept UTC+7 without daylight saving since 1975: adding 7 hours is exact and much
  // cheaper per row than a named-zone conversion. Rows are grouped by the month's start; only the
  // dozen groups are formatted.
  const vnMonth = (column: Prisma.Sql) => Prisma.sql`date_trunc('month', ${column} + interval '7 hours')`;
  const counts = (inner: Prisma.Sql) =>
    Prisma.sql`(SELECT json_agg(json_build_object('key', x.k, 'count', x.c) ORDER BY x.c DESC, x.k) FROM (${inner}) x)`;
  const monthCounts = (inner: Prisma.Sql) =>
    Prisma.sql`(SELECT json_agg(json_build_object('key', to_char(x.k, 'YYYY-MM'), 'count', x.c) ORDER BY x.k) FROM (${inner}) x)`;
  const money = (filter: Prisma.Sql) =>
    Prisma.sql`(SELECT json_agg(json_build_object('currency', x.currency, 'count', x.n, 'total', x.total) ORDER BY x.currency) FROM (
      SELECT COALESCE(currency::text, '') AS currency, count(*)::int AS n, COALESCE(sum("agreedValue"), 0)::text AS total FROM deal_rows WHERE ${filter} GROUP BY deal_rows.currency) x)`;
  const revenue = (suffix: "" | "_y") =>
    Prisma.sql`(SELECT json_agg(json_build_object('purpose', x.purpose, 'currency', x.currency, 'payments', x.n${Prisma.raw(suffix)}, 'gross', x.gross${Prisma.raw(suffix)}, 'refunds', x.refunds${Prisma.raw(suffix)}) ORDER BY x.purpose DESC, x.currency)
      FROM revenue_rows x WHERE x.touched${Prisma.raw(suffix)})`;

  const periodFigures = Prisma.sql`json_build_object(
      'listingsPublished', (SELECT c FROM listing_groups WHERE g = 7),
      'listingsByType', ${counts(Prisma.sql`SELECT type::text AS k, c FROM listing_groups WHERE g = 3 AND c > 0`)},
      'listingsBySector', ${counts(Prisma.sql`
        SELECT k, count(*)::int AS c FROM (
          -- Distinct (listing, field) pairs: two sub-fields of one field count once.
          -- FORD codes: a sub-field "2.11" belongs to field "2", the part before the dot.
          SELECT ls."listingId", split_part(ls."sectorCode", '.', 1) AS k
          FROM "ListingSector" ls JOIN "Listing" l ON l.id = ls."listingId"
          WHERE ${inP(Prisma.sql`l."publishedAt"`)}
          GROUP BY 1, 2) pairs
        GROUP BY 1`)},
      'listingsByProvince', ${counts(Prisma.sql`SELECT province AS k, c FROM listing_groups WHERE g = 5 AND c > 0`)},
      'listingsByMonth', ${monthCounts(Prisma.sql`SELECT month AS k, c FROM listing_groups WHERE g = 6 AND c > 0`)},
      'organisationsJoinedByKind', ${counts(Prisma.sql`SELECT kind AS k, c FROM joined WHERE c > 0`)},
      'activeOrganisationsByKind', ${counts(Prisma.sql`SELECT o.kind::text AS k, count(*)::int AS c FROM "Organisation" o WHERE o.id IN (SELECT id FROM active) GROUP BY 1`)},
      'inquiries', (SELECT json_build_object('received', received, 'answered', answered, 'answeredWithin48h', within48h, 'medianFirstAnswerSeconds', median, 'converted', converted) FROM inquiry_figures),
      'matches', (SELECT json_build_object('suggested', suggested, 'introduced', introduced) FROM match_counts),
      'deals', (SELECT json_build_object('opened', count(*) FILTER (WHERE opened)::int, 'agreed', count(*) FILTER (WHERE agreed)::int, 'completed', count(*) FILTER (WHERE completed)::int) FROM deal_rows),
      'dealsByStage', ${counts(Prisma.sql`SELECT stage::text AS k, count(*)::int AS c FROM deal_rows WHERE opened GROUP BY stage`)},
      'dealsReached', ${counts(Prisma.sql`SELECT stage::text AS k, count(*)::int AS c FROM moved GROUP BY stage`)},
      'dealsOpenedByMonth', ${monthCounts(Prisma.sql`SELECT ${vnMonth(Prisma.sql`"createdAt"`)} AS k, count(*)::int AS c FROM deal_rows WHERE opened GROUP BY 1`)},
      'dealsAgreedByMonth', ${monthCounts(Prisma.sql`SELECT ${vnMonth(Prisma.sql`"agreedAt"`)} AS k, count(*)::int AS c FROM deal_rows WHERE agreed GROUP BY 1`)},
      'agreedValue', ${money(Prisma.sql`agreed`)},
      'revenue', ${revenue("")})`;
  const yearFigures = Prisma.sql`json_build_object(
      'listingsPublished', (SELECT cy FROM listing_groups WHERE g = 7),
      'listingsByType', ${counts(Prisma.sql`SELECT type::text AS k, cy AS c FROM listing_groups WHERE g = 3 AND cy > 0`)},
      'organisationsJoinedByKind', ${counts(Prisma.sql`SELECT kind AS k, cy AS c FROM joined WHERE cy > 0`)},
      'inquiries', (SELECT json_build_object('received', received_y, 'answeredWithin48h', within48h_y) FROM inquiry_figures),
      'matches', (SELECT json_build_object('introduced', introduced_y) FROM match_counts),
      'deals', (SELECT json_build_object('opened', count(*) FILTER (WHERE opened_y)::int, 'agreed', count(*) FILTER (WHERE agreed_y)::int, 'completed', count(*) FILTER (WHERE completed_y)::int) FROM deal_rows),
      'agreedValue', ${money(Prisma.sql`agreed_y`)},
      'revenue', ${revenue("_y")})`;

  return Prisma.sql`
    WITH
    -- One pass over the listings for the totals and the three breakdowns, grouped straight from the scan
    -- (no copy of the rows is kept: the statement's costliest step once was materialising them).
    -- GROUPING(type, province, month) is a bit mask of the columns NOT grouped by: 3 = by type, 5 = by province, 6 = by month, 7 = total.
    listing_groups AS (
      SELECT type, province, month, GROUPING(type, province, month) AS g, count(*) FILTER (WHERE p)::int AS c, count(*) FILTER (WHERE y)::int AS cy
      FROM (
        SELECT l.type, COALESCE(l."provinceCode", '') AS province, ${vnMonth(Prisma.sql`l."publishedAt"`)} AS month,
          ${inP(Prisma.sql`l."publishedAt"`)} AS p, ${inY(Prisma.sql`l."publishedAt"`)} AS y
        FROM "Listing" l WHERE ${inScan(Prisma.sql`l."publishedAt"`)}
      ) x
      GROUP BY GROUPING SETS ((type), (province), (month), ())
    ),
    joined AS (
      SELECT o.kind::text AS kind, count(*) FILTER (WHERE ${inP(Prisma.sql`o."createdAt"`)})::int AS c, count(*) FILTER (WHERE ${inY(Prisma.sql`o."createdAt"`)})::int AS cy
      FROM "Organisation" o WHERE ${inScan(Prisma.sql`o."createdAt"`)} GROUP BY o.kind
    ),
    -- The inquiries of a deal that ever reached agreement: the conversion's numerator, joined once rather than probed per inquiry.
    agreed_inquiries AS (
      SELECT d."inquiryId" AS id FROM "Deal" d
      WHERE d."inquiryId" IS NOT NULL AND d.id IN (SELECT "dealId" FROM "DealTransition" WHERE "toStage" = 'AGREEMENT_REACHED')
    ),
    inquiry_figures AS (
      SELECT
        count(*) FILTER (WHERE p)::int AS received,
        count("firstAnsweredAt") FILTER (WHERE p)::int AS answered,
        count(*) FILTER (WHERE p AND within48h)::int AS within48h,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "firstAnsweredAt" - "createdAt")) FILTER (WHERE p AND "firstAnsweredAt" IS NOT NULL) AS median,
        count(*) FILTER (WHERE p AND agreement)::int AS converted,
        count(*) FILTER (WHERE y)::int AS received_y,
        count(*) FILTER (WHERE y AND within48h)::int AS within48h_y
      FROM (
        SELECT i."createdAt", i."firstAnsweredAt", i."firstAnsweredAt" <= i."createdAt" + interval '48 hours' AS within48h,
          ${ranges.period ? Prisma.sql`a.id IS NOT NULL` : Prisma.sql`false`} AS agreement,
          ${inP(Prisma.sql`i."createdAt"`)} AS p, ${inY(Prisma.sql`i."createdAt"`)} AS y
        FROM "Inquiry" i ${ranges.period ? Prisma.sql`LEFT JOIN agreed_inquiries a ON a.id = i.id` : Prisma.empty}
        WHERE ${inScan(Prisma.sql`i."createdAt"`)}
      ) x
    ),
    moved AS (
      SELECT DISTINCT t."dealId", t."toStage" AS stage FROM "DealTransition" t WHERE ${inP(Prisma.sql`t."createdAt"`)}
    ),
    -- Deals opened, agreed or completed in the span, read once: each figure filters on its own column.
    deal_rows AS MATERIALIZED (
      SELECT d.stage, d."createdAt", d."agreedAt", d."agreedCurrency" AS currency, d."agreedValue",
        ${inP(Prisma.sql`d."createdAt"`)} AS opened, ${inP(Prisma.sql`d."agreedAt"`)} AS agreed, ${inP(Prisma.sql`d."completedAt"`)} AS completed,
        ${inY(Prisma.sql`d."createdAt"`)} AS opened_y, ${inY(Prisma.sql`d."agreedAt"`)} AS agreed_y, ${inY(Prisma.sql`d."completedAt"`)} AS completed_y
      FROM "Deal" d WHERE ${inScan(Prisma.sql`d."createdAt"`)} OR ${inScan(Prisma.sql`d."agreedAt"`)} OR ${inScan(Prisma.sql`d."completedAt"`)}
    ),
    active AS (
      SELECT l."organisationId" AS id FROM "Listing" l WHERE ${inP(Prisma.sql`l."publishedAt"`)} GROUP BY 1
      UNION SELECT i."fromOrganisationId" FROM "Inquiry" i WHERE ${inP(Prisma.sql`i."createdAt"`)} GROUP BY 1
      UNION SELECT unnest(ARRAY[d."providerOrgId", d."seekerOrgId"]) FROM "Deal" d
        WHERE EXISTS (SELECT 1 FROM "DealTransition" t WHERE t."dealId" = d.id AND ${inP(Prisma.sql`t."createdAt"`)})
    ),
    match_counts AS (
      SELECT count(*) FILTER (WHERE ${inP(Prisma.sql`m."computedAt"`)})::int AS suggested,
        count(*) FILTER (WHERE ${inP(Prisma.sql`m."introducedAt"`)})::int AS introduced,
        count(*) FILTER (WHERE ${inY(Prisma.sql`m."introducedAt"`)})::int AS introduced_y
      FROM "Match" m WHERE ${inScan(Prisma.sql`m."computedAt"`)} OR ${inScan(Prisma.sql`m."introducedAt"`)}
    ),
    -- Gross = paid in the range (status PAID, or REFUNDED later); refunds = refunded in the range.
    -- A (purpose, currency) row is shown for a range when one of its payments was paid or refunded in it.
    revenue_rows AS (
      SELECT p.purpose::text AS purpose, p.currency::text AS currency,
        count(*) FILTER (WHERE ${inP(Prisma.sql`p."paidAt"`)})::int AS n,
        COALESCE(sum(p.amount) FILTER (WHERE ${inP(Prisma.sql`p."paidAt"`)}), 0)::text AS gross,
        COALESCE(sum(p.amount) FILTER (WHERE p.status = 'REFUNDED' AND ${inP(Prisma.sql`p."refundedAt"`)}), 0)::text AS refunds,
        COALESCE(bool_or(${inP(Prisma.sql`p."paidAt"`)} OR ${inP(Prisma.sql`p."refundedAt"`)}), false) AS touched,
        count(*) FILTER (WHERE ${inY(Prisma.sql`p."paidAt"`)})::int AS n_y,
        COALESCE(sum(p.amount) FILTER (WHERE ${inY(Prisma.sql`p."paidAt"`)}), 0)::text AS gross_y,
        COALESCE(sum(p.amount) FILTER (WHERE p.status = 'REFUNDED' AND ${inY(Prisma.sql`p."refundedAt"`)}), 0)::text AS refunds_y,
        COALESCE(bool_or(${inY(Prisma.sql`p."paidAt"`)} OR ${inY(Prisma.sql`p."refundedAt"`)}), false) AS touched_y
      FROM "Payment" p
      WHERE p.status IN ('PAID', 'REFUNDED') AND (${inScan(Prisma.sql`p."paidAt"`)} OR ${inScan(Prisma.sql`p."refundedAt"`)})
      GROUP BY p.purpose, p.currency
    )
    SELECT json_build_object(
      'period', ${ranges.period ? periodFigures : Prisma.sql`NULL`},
      'year', ${ranges.year ? yearFigures : Prisma.sql`NULL`}
    ) AS data`;
}

const sum = (rows: Count[]) => rows.reduce((acc, r) => acc + r.count, 0);

function byMonth(rows: Count[] | null) {
  return new Map((rows ?? []).map((r) => [r.key, r.count]));
}

const revenueRows = (rows: RawRevenue): RevenueRow[] => (rows ?? []).map((r) => ({ ...r, net: (BigInt(r.gross) - BigInt(r.refunds)).toString() }));

function toKpiFigures(raw: RawKpiFigures): KpiFigures {
  return {
    listingsPublished: raw.listingsPublished,
    listingsByType: raw.listingsByType ?? [],
    organisationsJoined: sum(raw.organisationsJoinedByKind ?? []),
    inquiries: raw.inquiries,
    matches: raw.matches,
    deals: raw.deals,
    agreedValue: raw.agreedValue ?? [],
    revenue: revenueRows(raw.revenue),
  };
}

function toMetrics(raw: RawMetrics, months: string[]): DashboardMetrics {
  const listingsMonths = byMonth(raw.listingsByMonth);
  const openedMonths = byMonth(raw.dealsOpenedByMonth);
  const agreedMonths = byMonth(raw.dealsAgreedByMonth);
  const activeByKind = raw.activeOrganisationsByKind ?? [];
  const joinedByKind = raw.organisationsJoinedByKind ?? [];
  return {
    listingsPublished: raw.listingsPublished,
    listingsByType: raw.listingsByType ?? [],
    listingsBySector: raw.listingsBySector ?? [],
    listingsByProvince: raw.listingsByProvince ?? [],
    organisationsJoined: sum(joinedByKind),
    organisationsJoinedByKind: joinedByKind,
    activeOrganisations: sum(activeByKind),
    activeOrganisationsByKind: activeByKind,
    inquiries: {
      ...raw.inquiries,
      medianFirstAnswerSeconds: raw.inquiries.medianFirstAnswerSeconds == null ? null : Number(raw.inquiries.medianFirstAnswerSeconds),
    },
    matches: raw.matches,
    deals: { ...raw.deals, byStage: raw.dealsByStage ?? [], reached: raw.dealsReached ?? [] },
    agreedValue: raw.agreedValue ?? [],
    revenue: revenueRows(raw.revenue),
    months: months.map((month) => ({
      month,
      listings: listingsMonths.get(month) ?? 0,
      dealsOpened: openedMonths.get(month) ?? 0,
      dealsAgreed: agreedMonths.get(month) ?? 0,
    })),
  };
}

async function runMetricsQuery(ranges: { period?: Instants; year?: Instants }) {
  // JIT compilation costs PostgreSQL seconds on this one large statement (its cost estimate crosses
  // jit_above_cost) and saves nothing at these row counts: switch it off for this transaction only.
  // Waiting up to 10 s for a connection (Prisma's default is 2 s): several reports at once on a busy pool queue rather than fail with a 500.
  const [, rows] = await prisma.$transaction(
    [prisma.$executeRaw`SET LOCAL jit = off`, prisma.$queryRaw<{ data: { period: RawMetrics | null; year: RawKpiFigures | null } | string }[]>(metricsQuery(ranges))],
    { maxWait: 10_000 },
  );
  const row = rows[0]!;
  return typeof row.data === "string" ? (JSON.parse(row.data) as { period: RawMetrics | null; year: RawKpiFigures | null }) : row.data;
}

/** Every dashboard figure for the period, from one SQL statement. */
export async function getDashboardMetrics(period: Pick<Period, "start" | "end" | "from" | "to">, months: string[]): Promise<DashboardMetrics> {
  const raw = await runMetricsQuery({ period });
  return toMetrics(raw.period!, months);
}

/** The KPI figures of a range (a target's calendar year), from one SQL statement. */
export async function getKpiFigures(year: Instants): Promise<KpiFigures> {
  const raw = await runMetricsQuery({ year });
  return toKpiFigures(raw.year!);
}

/**
 * The dashboard's figures for `period` and the KPI figures of `kpiYear`, from one statement
 * and one pass over the rows; when the two ranges are the same, the KPI figures are the
 * period's own.
 */
export async function getDashboardAndKpiFigures(
  period: Pick<Period, "start" | "end" | "from" | "to">,
  months: string[],
  kpiYear: Instants,
): Promise<{ metrics: DashboardMetrics; kpi: KpiFigures }> {
  const same = period.start.getTime() === kpiYear.start.getTime() && period.end.getTime() === kpiYear.end.getTime();
  const raw = await runMetricsQuery(same ? { period } : { period, year: kpiYear });
  const metrics = toMetrics(raw.period!, months);
  return { metrics, kpi: same ? metrics : toKpiFigures(raw.year!) };
}
