/**
 * Yearly KPI targets and their progress. The actual value of a target is the
 * metric of the same name (metrics.server.ts) over the target's calendar year
 * in Vietnam time; percent = actual ÷ target; a target is reached when
 * actual ≥ target. Money metrics are per currency: AGREED_VALUE is the agreed
 * value of deals agreed that year, FEATURED_REVENUE / FEE_REVENUE the net
 * revenue (paid minus refunded) in that currency.
 */
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { kpiFraction, KPI_METRICS, MONEY_METRICS, type KpiMetricName } from "./kpi.ts";
import { getKpiFigures, type KpiFigures } from "./metrics.server.ts";
import { yearPeriod } from "./period.ts";

export interface KpiRow {
  id: string;
  metric: KpiMetricName;
  currency: string;
  target: string;
  actual: string;
  /** actual ÷ target; 1 = 100 %. */
  fraction: number;
  reached: boolean;
}

export interface KpiReport {
  year: number;
  rows: KpiRow[];
  reached: number;
  total: number;
}

const count = (rows: { key: string; count: number }[], key: string) => rows.find((r) => r.key === key)?.count ?? 0;

/** The actual value of one metric in `metrics` (computed for the target's year). */
export function kpiActual(metrics: KpiFigures, metric: KpiMetricName, currency: string): bigint {
  switch (metric) {
    case "LISTINGS_PUBLISHED":
      return BigInt(metrics.listingsPublished);
    case "TECHNOLOGY_OFFERS_PUBLISHED":
      return BigInt(count(metrics.listingsByType, "TECHNOLOGY_OFFER"));
    case "EQUIPMENT_OFFERS_PUBLISHED":
      return BigInt(count(metrics.listingsByType, "EQUIPMENT_OFFER"));
    case "REQUESTS_PUBLISHED":
      return BigInt(count(metrics.listingsByType, "TECHNOLOGY_REQUEST"));
    case "ORGANISATIONS_JOINED":
      return BigInt(metrics.organisationsJoined);
    case "INQUIRIES_RECEIVED":
      return BigInt(metrics.inquiries.received);
    case "INQUIRIES_ANSWERED_48H":
      return BigInt(metrics.inquiries.answeredWithin48h);
    case "MATCHES_INTRODUCED":
      return BigInt(metrics.matches.introduced);
    case "DEALS_OPENED":
      return BigInt(metrics.deals.opened);
    case "DEALS_AGREED":
      return BigInt(metrics.deals.agreed);
    case "DEALS_COMPLETED":
      return BigInt(metrics.deals.completed);
    case "AGREED_VALUE":
      return BigInt(metrics.agreedValue.find((v) => v.currency === currency)?.total ?? "0");
    case "FEATURED_REVENUE":
    case "FEE_REVENUE": {
      const purpose = metric === "FEATURED_REVENUE" ? "FEATURED_PLACEMENT" : "BROKERAGE_FEE";
      return BigInt(metrics.revenue.find((r) => r.purpose === purpose && r.currency === currency)?.net ?? "0");
    }
  }
}

const metricOrder = (m: string) => KPI_METRICS.indexOf(m as KpiMetricName);

export type KpiTargetRow = Awaited<ReturnType<typeof getKpiTargets>>[number];

/** The targets set for `year`. */
export function getKpiTargets(year: number) {
  return prisma.kpiTarget.findMany({ where: { year }, select: { id: true, metric: true, currency: true, target: true } });
}

/** Targets of `year` against the year's figures, in the KPI table's order. */
export function buildKpiReport(year: number, targets: KpiTargetRow[], figures: KpiFigures): KpiReport {
  const rows = [...targets]
    .sort((a, b) => metricOrder(a.metric) - metricOrder(b.metric) || a.currency.localeCompare(b.currency))
    .map((t) => {
      const actual = kpiActual(figures, t.metric, t.currency);
      return {
        id: t.id,
        metric: t.metric,
        currency: t.currency,
        target: t.target.toString(),
        actual: actual.toString(),
        fraction: kpiFraction(actual, t.target),
        reached: actual >= t.target,
      };
    });
  return { year, rows, reached: rows.filter((r) => r.reached).length, total: rows.length };
}

/** Targets of `year` with actual / target. */
export async function getKpiReport(year: number): Promise<KpiReport> {
  const [targets, figures] = await Promise.all([getKpiTargets(year), getKpiFigures(yearPeriod(year))]);
  return buildKpiReport(year, targets, figures);
}

/** Sets (creates or replaces) the target of one metric for a year; admins only. */
export async function setKpiTarget(
  actor: Actor,
  input: { year: number; metric: KpiMetricName; currency?: string; target: bigint },
  meta: { ipAddress?: string | null } = {},
) {
  if (!holds(actor, "kpi:manage:any")) throw notFound();
  const currency = MONEY_METRICS.has(input.metric) ? (input.currency ?? "") : "";
  return prisma.$transaction(async (tx) => {
    const previous = await tx.kpiTarget.findUnique({ where: { year_metric_currency: { year: input.year, metric: input.metric, currency } }, select: { target: true } });
    const saved = await tx.kpiTarget.upsert({
      where: { year_metric_currency: { year: input.year, metric: input.metric, currency } },
      create: { year: input.year, metric: input.metric, currency, target: input.target, setById: actor.id },
      update: { target: input.target, setById: actor.id },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "kpi.set",
        entityType: "KpiTarget",
        entityId: saved.id,
        data: { year: input.year, metric: input.metric, currency, target: input.target.toString(), previous: previous?.target.toString() ?? null },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
    return saved;
  });
}

/** Removes a target; admins only. Unknown id → 404. */
export async function deleteKpiTarget(actor: Actor, id: string, meta: { ipAddress?: string | null } = {}) {
  if (!holds(actor, "kpi:manage:any")) throw notFound();
  return prisma.$transaction(async (tx) => {
    const target = await tx.kpiTarget.findUnique({ where: { id } });
    if (!target) throw notFound();
    await tx.kpiTarget.delete({ where: { id } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "kpi.delete",
        entityType: "KpiTarget",
        entityId: id,
        data: { year: target.year, metric: target.metric, currency: target.currency, target: target.target.toString() },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
  });
}

/** The years that have targets, plus this one, newest first (for the year picker). */
export async function kpiYears(thisYear: number) {
  const rows = await prisma.kpiTarget.groupBy({ by: ["year"] });
  return [...new Set([thisYear + 1, thisYear, ...rows.map((r) => r.year)])].sort((a, b) => b - a);
}
