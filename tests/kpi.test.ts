import { describe, expect, it } from "vitest";
import { i18nServer } from "~/modules/i18n/i18n.server.ts";
import { loadDashboard } from "~/modules/reports/dashboard.server.ts";
import { getKpiReport } from "~/modules/reports/kpi.server.ts";
import { makePeriod } from "~/modules/reports/period.ts";
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

describe("the dashboard's KPI progress", () => {
  it("is the whole year the period ends in, whatever the period, and the same as the targets page's", async () => {
    const org = await createOrganisation({ createdAt: new Date("2020-01-01T00:00:00Z") });
    const other = await createOrganisation({ createdAt: new Date("2029-02-01T00:00:00Z") });
    // 2029 in Hanoi: [2028-12-31T17:00Z, 2029-12-31T17:00Z); the period below is March 2029 only. Archived since
    // (they count by first publication), so that the demo operations below pick none of them for their featured payments.
    const archived = { status: "ARCHIVED" as const, archivedAt: new Date("2030-01-01T00:00:00Z") };
    await createListing(org.id, { ...archived, type: "TECHNOLOGY_OFFER", publishedAt: new Date("2028-12-31T17:00:00Z") });
    await createListing(org.id, { ...archived, type: "EQUIPMENT_OFFER", publishedAt: new Date("2029-03-10T00:00:00Z") });
    await createListing(org.id, { ...archived, publishedAt: new Date("2028-12-31T16:59:59Z") });
    await createDeal(org.id, other.id, { stage: "AGREEMENT_REACHED", createdAt: new Date("2029-01-05T00:00:00Z"), agreedAt: new Date("2029-11-01T00:00:00Z"), agreedValue: 9_007_199_254_740_993n, agreedCurrency: "VND" });
    await createPayment(org.id, { purpose: "BROKERAGE_FEE", status: "REFUNDED", amount: 700n, currency: "USD", featuredDays: null, paidAt: new Date("2029-03-02T00:00:00Z"), refundedAt: new Date("2030-01-02T00:00:00Z") });
    for (const [metric, currency, target] of [
      ["LISTINGS_PUBLISHED", "", 2n],
      ["TECHNOLOGY_OFFERS_PUBLISHED", "", 1n],
      ["ORGANISATIONS_JOINED", "", 1n],
      ["DEALS_OPENED", "", 2n],
      ["AGREED_VALUE", "VND", 9_007_199_254_740_993n],
      ["FEE_REVENUE", "USD", 1000n],
    ] as const) {
      await createKpiTarget({ year: 2029, metric, currency, target });
    }
    const actor = { id: "broker", permissions: new Set(["report:read:any" as const]), organisationIds: [], ownedOrganisationIds: [], roles: ["broker" as const] };
    const t = await i18nServer.getFixedT("en");
    const march = await loadDashboard(actor, makePeriod("2029-03-01", "2029-03-31"), { locale: "en", t });
    expect(march.metrics.listingsPublished).toBe(1);
    expect(march.metrics.deals.opened).toBe(0);
    expect(march.kpi).toEqual(await getKpiReport(2029));
    expect(march.kpi.rows.map((r) => [r.metric, r.currency, r.actual, r.reached])).toEqual([
      ["LISTINGS_PUBLISHED", "", "2", true],
      ["TECHNOLOGY_OFFERS_PUBLISHED", "", "1", true],
      ["ORGANISATIONS_JOINED", "", "1", true],
      ["DEALS_OPENED", "", "1", false],
      ["AGREED_VALUE", "VND", "9007199254740993", true],
      ["FEE_REVENUE", "USD", "700", false],
    ]);
    // A period ending in 2029 that starts in 2028: the same KPI year.
    const long = await loadDashboard(actor, makePeriod("2028-06-01", "2029-06-30"), { locale: "en", t });
    expect(long.kpi).toEqual(march.kpi);
    expect(long.metrics.listingsPublished).toBe(3);
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
