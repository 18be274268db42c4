import { describe, expect, it } from "vitest";
import { getKpiReport } from "~/modules/reports/kpi.server.ts";
import { createDeal, createKpiTarget, createListing, createOrganisation, createPayment } from "./factories/index.ts";

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
