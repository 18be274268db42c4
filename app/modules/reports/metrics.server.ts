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

/** A UTC instant as a `timestamp` literal the columns compare with (they hold UTC without a zone). */
export function sqlInstant(value: Date) {
  return value.toISOString().replace("T", " ").replace("Z", "");
}

interface RawMetrics {
  listingsPublished: number;
  listingsByType: Count[] | null;
  listingsBySector: Count[] | null;
  listingsByProvince: Count[] | null;
  listingsByMonth: Count[] | null;
  organisationsJoinedByKind: Count[] | null;
  activeOrganisationsByKind: Count[] | null;
  inquiries: { received: number; answered: number; answeredWithin48h: number; medianFirstAnswerSeconds: number | null; converted: number };
  matches: { suggested: number; introduced: number };
  deals: { opened: number; agreed: number; completed: number };
  dealsByStage: Count[] | null;
  dealsReached: Count[] | null;
  dealsOpenedByMonth: Count[] | null;
  dealsAgreedByMonth: Count[] | null;
  agreedValue: MoneyTotal[] | null;
  revenue: { purpose: RevenueRow["purpose"]; currency: string; payments: number; gross: string; refunds: string }[] | null;
}

/** The one query. `s`/`e` are bound parameters; nothing from the request is spliced into the text. */
function metricsQuery(start: string, end: string, full: boolean) {
  const s = Prisma.sql`${start}::timestamp`;
  const e = Prisma.sql`${end}::timestamp`;
  const inPeriod = (column: Prisma.Sql) => Prisma.sql`${column} >= ${s} AND ${column} < ${e}`;
  // Vietnam has kept UTC+7 without daylight saving since 1975: adding 7 hours is exact and much
  // cheaper per row than a named-zone conversion. Rows are grouped by the month's start; only the
  // dozen groups are formatted.
  const vnMonth = (column: Prisma.Sql) => Prisma.sql`date_trunc('month', ${column} + interval '7 hours')`;
  const optional = (sql: Prisma.Sql) => (full ? sql : Prisma.sql`NULL`);
  const counts = (inner: Prisma.Sql) =>
    Prisma.sql`(SELECT json_agg(json_build_object('key', x.k, 'count', x.c) ORDER BY x.c DESC, x.k) FROM (${inner}) x)`;
  const monthCounts = (inner: Prisma.Sql) =>
    optional(Prisma.sql`(SELECT json_agg(json_build_object('key', to_char(x.k, 'YYYY-MM'), 'count', x.c) ORDER BY x.k) FROM (${inner}) x)`);
  return Prisma.sql`
    WITH published AS MATERIALIZED (
      SELECT l.id, l.type::text AS type, COALESCE(l."provinceCode", '') AS province, l."organisationId", ${vnMonth(Prisma.sql`l."publishedAt"`)} AS month
      FROM "Listing" l WHERE ${inPeriod(Prisma.sql`l."publishedAt"`)}
    ),
    -- One pass over the period's listings for the total and the three breakdowns.
    -- GROUPING(type, province, month) is a bit mask of the columns NOT grouped by: 3 = by type, 5 = by province, 6 = by month, 7 = total.
    listing_groups AS (
      SELECT type, province, month, GROUPING(type, province, month) AS g, count(*)::int AS c
      FROM published GROUP BY GROUPING SETS ((type), (province), (month), ())
    ),
    inq AS (
      SELECT i.id, i."fromOrganisationId", i."createdAt", i."firstAnsweredAt" FROM "Inquiry" i WHERE ${inPeriod(Prisma.sql`i."createdAt"`)}
    ),
    moved AS (
      SELECT DISTINCT t."dealId", t."toStage"::text AS stage FROM "DealTransition" t WHERE ${inPeriod(Prisma.sql`t."createdAt"`)}
    ),
    opened AS (
      SELECT d.id, d.stage::text AS stage, d."createdAt" FROM "Deal" d WHERE ${inPeriod(Prisma.sql`d."createdAt"`)}
    ),
    agreed AS (
      SELECT d."agreedCurrency"::text AS currency, d."agreedValue", d."agreedAt" FROM "Deal" d WHERE ${inPeriod(Prisma.sql`d."agreedAt"`)}
    ),
    active AS (
      SELECT "organisationId" AS id FROM published GROUP BY 1
      UNION SELECT "fromOrganisationId" FROM inq GROUP BY 1
      UNION SELECT unnest(ARRAY[d."providerOrgId", d."seekerOrgId"]) FROM "Deal" d
        WHERE EXISTS (SELECT 1 FROM "DealTransition" t WHERE t."dealId" = d.id AND ${inPeriod(Prisma.sql`t."createdAt"`)})
    )
    SELECT json_build_object(
      'listingsPublished', (SELECT c FROM listing_groups WHERE g = 7),
      'listingsByType', ${counts(Prisma.sql`SELECT type AS k, c FROM listing_groups WHERE g = 3`)},
      'listingsBySector', ${optional(counts(Prisma.sql`
        SELECT k, count(*)::int AS c FROM (
          -- Distinct (listing, field) pairs, hashed rather than sorted: two sub-fields of one field count once.
          -- FORD codes: a sub-field "2.11" belongs to field "2", the part before the dot.
          SELECT ls."listingId", split_part(ls."sectorCode", '.', 1) AS k
          FROM "ListingSector" ls JOIN "Listing" l ON l.id = ls."listingId"
          WHERE ${inPeriod(Prisma.sql`l."publishedAt"`)}
          GROUP BY 1, 2) pairs
        GROUP BY 1`))},
      'listingsByProvince', ${optional(counts(Prisma.sql`SELECT province AS k, c FROM listing_groups WHERE g = 5`))},
      'listingsByMonth', ${monthCounts(Prisma.sql`SELECT month AS k, c FROM listing_groups WHERE g = 6`)},
      'organisationsJoinedByKind', ${counts(Prisma.sql`SELECT o.kind::text AS k, count(*)::int AS c FROM "Organisation" o WHERE ${inPeriod(Prisma.sql`o."createdAt"`)} GROUP BY 1`)},
      'activeOrganisationsByKind', ${optional(counts(Prisma.sql`SELECT o.kind::text AS k, count(*)::int AS c FROM "Organisation" o WHERE o.id IN (SELECT id FROM active) GROUP BY 1`))},
      'inquiries', (SELECT json_build_object(
          'received', count(*)::int,
          'answered', count("firstAnsweredAt")::int,
          'answeredWithin48h', count(*) FILTER (WHERE "firstAnsweredAt" <= "createdAt" + interval '48 hours')::int,
          'medianFirstAnswerSeconds', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "firstAnsweredAt" - "createdAt")) FILTER (WHERE "firstAnsweredAt" IS NOT NULL),
          'converted', (SELECT count(*)::int FROM inq JOIN "Deal" d ON d."inquiryId" = inq.id
            WHERE d.id IN (SELECT "dealId" FROM "DealTransition" WHERE "toStage" = 'AGREEMENT_REACHED'))
        ) FROM inq),
      'matches', json_build_object(
        'suggested', (SELECT count(*)::int FROM "Match" m WHERE ${inPeriod(Prisma.sql`m."computedAt"`)}),
        'introduced', (SELECT count(*)::int FROM "Match" m WHERE ${inPeriod(Prisma.sql`m."introducedAt"`)})),
      'deals', json_build_object(
        'opened', (SELECT count(*)::int FROM opened),
        'agreed', (SELECT count(*)::int FROM agreed),
        'completed', (SELECT count(*)::int FROM "Deal" d WHERE ${inPeriod(Prisma.sql`d."completedAt"`)})),
      'dealsByStage', ${optional(counts(Prisma.sql`SELECT stage AS k, count(*)::int AS c FROM opened GROUP BY 1`))},
      'dealsReached', ${optional(counts(Prisma.sql`SELECT stage AS k, count(*)::int AS c FROM moved GROUP BY 1`))},
      'dealsOpenedByMonth', ${monthCounts(Prisma.sql`SELECT ${vnMonth(Prisma.sql`"createdAt"`)} AS k, count(*)::int AS c FROM opened GROUP BY 1`)},
      'dealsAgreedByMonth', ${monthCounts(Prisma.sql`SELECT ${vnMonth(Prisma.sql`"agreedAt"`)} AS k, count(*)::int AS c FROM agreed GROUP BY 1`)},
      'agreedValue', (SELECT json_agg(json_build_object('currency', x.currency, 'count', x.n, 'total', x.total) ORDER BY x.currency) FROM (
        SELECT COALESCE(currency, '') AS currency, count(*)::int AS n, COALESCE(sum("agreedValue"), 0)::text AS total FROM agreed GROUP BY 1) x),
      'revenue', (SELECT json_agg(json_build_object('purpose', x.purpose, 'currency', x.currency, 'payments', x.n, 'gross', x.gross, 'refunds', x.refunds) ORDER BY x.purpose DESC, x.currency) FROM (
        SELECT p.purpose::text AS purpose, p.currency::text AS currency,
          count(*) FILTER (WHERE ${inPeriod(Prisma.sql`p."paidAt"`)})::int AS n,
          COALESCE(sum(p.amount) FILTER (WHERE ${inPeriod(Prisma.sql`p."paidAt"`)}), 0)::text AS gross,
          COALESCE(sum(p.amount) FILTER (WHERE p.status = 'REFUNDED' AND ${inPeriod(Prisma.sql`p."refundedAt"`)}), 0)::text AS refunds
        FROM "Payment" p
        WHERE p.status IN ('PAID', 'REFUNDED') AND ((${inPeriod(Prisma.sql`p."paidAt"`)}) OR (${inPeriod(Prisma.sql`p."refundedAt"`)}))
        GROUP BY 1, 2) x)
    ) AS data`;
}

const sum = (rows: Count[]) => rows.reduce((acc, r) => acc + r.count, 0);

function byMonth(rows: Count[] | null) {
  return new Map((rows ?? []).map((r) => [r.key, r.count]));
}

/**
 * Every dashboard figure for the period, from one SQL statement. With `only: "kpi"` the
 * breakdowns no KPI uses (sectors, provinces, months, active organisations, stages) are
 * skipped and come back empty.
 */
export async function getDashboardMetrics(
  period: Pick<Period, "start" | "end" | "from" | "to">,
  months: string[],
  options: { only?: "kpi" } = {},
): Promise<DashboardMetrics> {
  // JIT compilation costs PostgreSQL seconds on this one large statement (its cost estimate crosses
  // jit_above_cost) and saves nothing at these row counts: switch it off for this transaction only.
  // Waiting up to 10 s for a connection (Prisma's default is 2 s): several reports at once on a busy pool queue rather than fail with a 500.
  const [, rows] = await prisma.$transaction(
    [
      prisma.$executeRaw`SET LOCAL jit = off`,
      prisma.$queryRaw<{ data: RawMetrics | string }[]>(metricsQuery(sqlInstant(period.start), sqlInstant(period.end), options.only !== "kpi")),
    ],
    { maxWait: 10_000 },
  );
  const row = rows[0];
  const raw: RawMetrics = typeof row!.data === "string" ? JSON.parse(row!.data) : row!.data;
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
    revenue: (raw.revenue ?? []).map((r) => ({ ...r, net: (BigInt(r.gross) - BigInt(r.refunds)).toString() })),
    months: months.map((month) => ({
      month,
      listings: listingsMonths.get(month) ?? 0,
      dealsOpened: openedMonths.get(month) ?? 0,
      dealsAgreed: agreedMonths.get(month) ?? 0,
    })),
  };
}
