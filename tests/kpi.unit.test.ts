import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { resources } from "~/modules/i18n/resources.server.ts";
import { kpiFraction, kpiTargetSchema, targetsReachedParts } from "~/modules/reports/kpi.ts";
import { kpiActual } from "~/modules/reports/kpi.server.ts";
import type { DashboardMetrics } from "~/modules/reports/metrics.server.ts";

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
