import { describe, expect, it } from "vitest";
import i18next from "i18next";
import { resources } from "~/modules/i18n/resources.server.ts";
import { kpiFraction, kpiTargetSchema, targetsReachedParts } from "~/modules/reports/kpi.ts";
import { getKpiReport, kpiActual } from "~/modules/reports/kpi.server.ts";
import type { DashboardMetrics } from "~/modules/reports/metrics.server.ts";
import { createDeal, createKpiTarget, createListing, createOrganisation, createPayment } from "./factories/index.ts";

async function translator(lng: "vi" | "en") {
  const instance = i18next.createInstance();
  await instance.init({ lng, resources, interpolation: { escapeValue: false } });
  return instance.t;
}

describe("KPI arithmetic", () => {
  it("computes percent exactly for BigInt money and marks reached at actual ≥ target", () => {
    expect(kpiFraction(17n, 43n)).toBeCloseTo(0.3953, 4);
    expect(kpiFraction(0n, 300n)).toBe(0);
    expect(kpiFraction(450n, 300n)).toBe(1.5);
    // Above 2^53 a JS number would be off; the fraction still comes out right.
    expect(kpiFraction(9_007_199_254_740_993n, 18_014_398_509_481_986n)).toBe(0.5);
  });

  it("writes \"17/43 targets reached (39.5%)\" in the viewer's language", async () => {
    const en = await translator("en");
    const vi = await translator("vi");
    expect(en("reports.kpi.summary", targetsReachedParts(17, 43, "en"))).toBe("17/43 targets reached (39.5%)");
    expect(vi("reports.kpi.summary", targetsReachedParts(17, 43, "vi")).replace(/\u00a0/g, " ")).toBe("Đạt 17/43 chỉ tiêu (39,5%)");
    expect(en("reports.kpi.summary", targetsReachedParts(1234, 2000, "en"))).toBe("1,234/2,000 targets reached (61.7%)");
  });

  it("validates a target: money metrics need a currency, counts must not have one, numbers may carry separators", () => {
    const ok = kpiTargetSchema.safeParse({ intent: "set", year: "2026", metric: "AGREED_VALUE", currency: "VND", target: "5.000.000.000" });
    expect(ok.success && ok.data.target).toBe(5_000_000_000n);
    const counted = kpiTargetSchema.safeParse({ intent: "set", year: "2026", metric: "DEALS_AGREED", currency: "USD", target: "40" });
    expect(counted.success).toBe(false);
    expect(counted.error?.flatten().fieldErrors).toEqual({ currency: ["reports.errors.currencyNotAllowed"] });
    const zero = kpiTargetSchema.safeParse({ intent: "set", year: "2026", metric: "DEALS_AGREED", target: "0" });
    expect(zero.error?.flatten().fieldErrors).toEqual({ target: ["reports.errors.targetPositive"] });
    const year = kpiTargetSchema.safeParse({ intent: "set", year: "1999", metric: "DEALS_AGREED", target: "4" });
    expect(year.error?.flatten().fieldErrors).toEqual({ year: ["reports.errors.year"] });
  });

  it("maps every metric to its figure", () => {
    const m = {
      listingsPublished: 10,
      listingsByType: [{ key: "TECHNOLOGY_OFFER", count: 6 }, { key: "EQUIPMENT_OFFER", count: 3 }, { key: "TECHNOLOGY_REQUEST", count: 1 }],
      organisationsJoined: 4,
      inquiries: { received: 20, answered: 15, answeredWithin48h: 12, medianFirstAnswerSeconds: 3600, converted: 2 },
      matches: { suggested: 30, introduced: 5 },
      deals: { opened: 8, agreed: 3, completed: 1, byStage: [], reached: [] },
      agreedValue: [{ currency: "VND", count: 2, total: "3000000000" }, { currency: "USD", count: 1, total: "50000" }],
      revenue: [{ purpose: "BROKERAGE_FEE", currency: "VND", payments: 2, gross: "40000000", refunds: "10000000", net: "30000000" }],
    } as unknown as DashboardMetrics;
    const expected: [Parameters<typeof kpiActual>[1], string, bigint][] = [
      ["LISTINGS_PUBLISHED", "", 10n],
      ["TECHNOLOGY_OFFERS_PUBLISHED", "", 6n],
      ["EQUIPMENT_OFFERS_PUBLISHED", "", 3n],
      ["REQUESTS_PUBLISHED", "", 1n],
      ["ORGANISATIONS_JOINED", "", 4n],
      ["INQUIRIES_RECEIVED", "", 20n],
      ["INQUIRIES_ANSWERED_48H", "", 12n],
      ["MATCHES_INTRODUCED", "", 5n],
      ["DEALS_OPENED", "", 8n],
      ["DEALS_AGREED", "", 3n],
      ["DEALS_COMPLETED", "", 1n],
      ["AGREED_VALUE", "VND", 3_000_000_000n],
      ["AGREED_VALUE", "USD", 50_000n],
      ["FEE_REVENUE", "VND", 30_000_000n],
      ["FEE_REVENUE", "USD", 0n],
      ["FEATURED_REVENUE", "VND", 0n],
    ];
    for (const [metric, currency, value] of expected) expect(kpiActual(m, metric, currency), `${metric} ${currency}`).toBe(value);
  });
});

describe("KPI report for a year", () => {
  it("counts only the target's year in Vietnam time and each currency apart", async () => {
    const org = await createOrganisation({ createdAt: new Date("2020-01-01T00:00:00Z") });
    const other = await createOrganisation({ createdAt: new Date("2020-01-01T00:00:00Z") });
    // 2027 in Hanoi: [2026-12-31T17:00Z, 2027-12-31T17:00Z).
    await createListing(org.id, { publishedAt: new Date("2026-12-31T17:00:00Z") });
    await createListing(org.id, { publishedAt: new Date("2027-12-31T16:59:59Z") });
    await createListing(org.id, { publishedAt: new Date("2027-12-31T17:00:00Z") });
    await createDeal(org.id, other.id, { stage: "AGREEMENT_REACHED", agreedAt: new Date("2027-03-01T00:00:00Z"), agreedValue: 700_000_000n, agreedCurrency: "VND" });
    await createDeal(org.id, other.id, { stage: "AGREEMENT_REACHED", agreedAt: new Date("2027-04-01T00:00:00Z"), agreedValue: 60_000n, agreedCurrency: "USD" });
    await createPayment(org.id, { purpose: "FEATURED_PLACEMENT", status: "PAID", amount: 2_000_000n, currency: "VND", paidAt: new Date("2027-05-01T00:00:00Z") });

    await createKpiTarget({ year: 2027, metric: "LISTINGS_PUBLISHED", target: 2n });
    await createKpiTarget({ year: 2027, metric: "DEALS_AGREED", target: 40n });
    await createKpiTarget({ year: 2027, metric: "AGREED_VALUE", currency: "VND", target: 1_000_000_000n });
    await createKpiTarget({ year: 2027, metric: "AGREED_VALUE", currency: "USD", target: 50_000n });
    await createKpiTarget({ year: 2027, metric: "FEATURED_REVENUE", currency: "VND", target: 2_000_000n });
    await createKpiTarget({ year: 2028, metric: "LISTINGS_PUBLISHED", target: 1n });

    const report = await getKpiReport(2027);
    expect(report.total).toBe(5);
    expect(report.reached).toBe(3);
    expect(report.rows.map((r) => [r.metric, r.currency, r.actual, r.target, r.reached, Math.round(r.fraction * 1000) / 10])).toEqual([
      ["LISTINGS_PUBLISHED", "", "2", "2", true, 100],
      ["DEALS_AGREED", "", "2", "40", false, 5],
      ["AGREED_VALUE", "USD", "60000", "50000", true, 120],
      ["AGREED_VALUE", "VND", "700000000", "1000000000", false, 70],
      ["FEATURED_REVENUE", "VND", "2000000", "2000000", true, 100],
    ]);
    const next = await getKpiReport(2028);
    expect(next.rows).toEqual([expect.objectContaining({ metric: "LISTINGS_PUBLISHED", actual: "1", reached: true })]);
  });
});

describe("demo operations", () => {
  it("give the dashboard something to show: every deal stage, both currencies, revenue and targets", async () => {
    const { loadDemoData } = await import("../prisma/seed/demo.ts");
    const { getDashboardMetrics } = await import("~/modules/reports/metrics.server.ts");
    const { makePeriod, periodMonths, vnToday, vnYear } = await import("~/modules/reports/period.ts");
    await loadDemoData();
    const year = vnYear();
    // The demo spreads activity over the last five months: a rolling year holds all of it whatever today's date.
    const period = makePeriod(vnToday(new Date(Date.now() - 365 * 24 * 3600_000)), vnToday());
    const m = await getDashboardMetrics(period, periodMonths(period));
    const stages = Object.fromEntries(m.deals.byStage.map((r) => [r.key, r.count]));
    for (const stage of ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED", "COMPLETED", "ON_HOLD", "LOST"]) {
      expect(stages[stage], stage).toBeGreaterThan(0);
    }
    expect(m.agreedValue.map((v) => v.currency)).toEqual(["USD", "VND"]);
    expect(m.inquiries.answered).toBeGreaterThan(0);
    expect(m.inquiries.answeredWithin48h).toBeLessThan(m.inquiries.answered);
    expect(m.revenue.map((r) => r.purpose).sort()).toEqual(["BROKERAGE_FEE", "FEATURED_PLACEMENT"]);
    expect(m.matches.introduced).toBeGreaterThan(0);
    const report = await getKpiReport(year);
    expect(report.total).toBe(15);
    expect(report.reached).toBeLessThan(report.total);
  });
});
