/**
 * Each metric against a fixture whose right answer is known by construction.
 * The period is 2024 in Vietnam time: [2023-12-31T17:00:00Z, 2024-12-31T17:00:00Z).
 * Rows sit one second either side of both boundaries.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDashboardAndKpiFigures, getDashboardMetrics, getKpiFigures, type DashboardMetrics, type KpiFigures } from "~/modules/reports/metrics.server.ts";
import { makePeriod, periodMonths, yearPeriod } from "~/modules/reports/period.ts";
import {
  createDeal,
  createDealTransition,
  createInquiry,
  createListing,
  createMatch,
  createOrganisation,
  createPayment,
} from "./factories/index.ts";

const IN_FIRST = new Date("2023-12-31T17:00:00Z"); // 00:00:00 on 1 Jan 2024 in Hanoi
const OUT_BEFORE = new Date("2023-12-31T16:59:59Z"); // 23:59:59 on 31 Dec 2023 in Hanoi
const IN_LAST = new Date("2024-12-31T16:59:59Z"); // 23:59:59 on 31 Dec 2024 in Hanoi
const OUT_AFTER = new Date("2024-12-31T17:00:00Z"); // 00:00:00 on 1 Jan 2025 in Hanoi
const d = (iso: string) => new Date(iso);
const H = 3600 * 1000;

let m: DashboardMetrics;
const ids: Record<string, string> = {};

async function deal(name: string, provider: string, seeker: string, data: Parameters<typeof createDeal>[2], moves: [string | null, string, Date][]) {
  const row = await createDeal(provider, seeker, { title: `Thương vụ ${name}`, ...data });
  for (const [fromStage, toStage, createdAt] of moves) {
    await createDealTransition(row.id, { fromStage: fromStage as never, toStage: toStage as never, createdAt });
  }
  ids[name] = row.id;
  return row;
}

beforeAll(async () => {
  const A = await createOrganisation({ kind: "ENTERPRISE", createdAt: IN_FIRST });
  const B = await createOrganisation({ kind: "UNIVERSITY", createdAt: OUT_AFTER });
  const C = await createOrganisation({ kind: "RESEARCH_INSTITUTE", createdAt: d("2023-01-01T00:00:00Z") });
  const D = await createOrganisation({ kind: "ENTERPRISE", createdAt: d("2023-06-01T00:00:00Z") });
  const E = await createOrganisation({ kind: "INDIVIDUAL", createdAt: IN_LAST });

  // Listings: three published in 2024, two just outside, one never published.
  const L1 = await createListing(A.id, { type: "TECHNOLOGY_OFFER", sectorCodes: ["2.11", "2.3"], provinceCode: "79", publishedAt: IN_FIRST });
  const L2 = await createListing(A.id, { type: "EQUIPMENT_OFFER", sectorCodes: ["2.3", "1.1"], provinceCode: "01", publishedAt: IN_LAST });
  const L3 = await createListing(A.id, { type: "TECHNOLOGY_REQUEST", sectorCodes: ["3.1"], provinceCode: null, status: "ARCHIVED", publishedAt: d("2024-06-15T00:00:00Z") });
  const L4 = await createListing(D.id, { type: "TECHNOLOGY_OFFER", publishedAt: OUT_BEFORE });
  await createListing(D.id, { type: "TECHNOLOGY_OFFER", publishedAt: OUT_AFTER });
  await createListing(D.id, { status: "DRAFT", publishedAt: null });

  // Inquiries from C on L1: answered in 47h59m, exactly 48h, 72h; one unanswered; one outside.
  const inquiry = (createdAt: Date, answerAfterMs: number | null, status: "OPEN" | "CLOSED" = "CLOSED", listingId = L1.id) =>
    createInquiry(listingId, C.id, { createdAt, status, firstAnsweredAt: answerAfterMs == null ? null : new Date(createdAt.getTime() + answerAfterMs) });
  const I1 = await inquiry(d("2024-03-01T00:00:00Z"), 48 * H - 60_000);
  const I2 = await inquiry(d("2024-03-02T00:00:00Z"), 48 * H);
  await inquiry(d("2024-03-03T00:00:00Z"), 72 * H);
  await inquiry(IN_LAST, null, "OPEN");
  await inquiry(OUT_BEFORE, H, "CLOSED", L2.id);

  // Matches: one computed in 2024, one computed just before but introduced at the first second, one computed just after.
  await createMatch(L1.id, L3.id, { computedAt: d("2024-04-01T00:00:00Z") });
  await createMatch(L2.id, L3.id, { computedAt: OUT_BEFORE, status: "INTRODUCED", introducedAt: IN_FIRST });
  await createMatch(L4.id, L3.id, { computedAt: OUT_AFTER });

  await deal("DL1", A.id, C.id, { inquiryId: I1.id, stage: "COMPLETED", createdAt: d("2024-03-05T00:00:00Z"), agreedAt: d("2024-05-01T00:00:00Z"), agreedValue: 1_500_000_000n, agreedCurrency: "VND", completedAt: d("2025-01-10T00:00:00Z") }, [
    [null, "NEW", d("2024-03-05T00:00:00Z")],
    ["NEW", "QUALIFIED", d("2024-03-10T00:00:00Z")],
    ["QUALIFIED", "AGREEMENT_REACHED", d("2024-05-01T00:00:00Z")],
    ["AGREEMENT_REACHED", "COMPLETED", d("2025-01-10T00:00:00Z")],
  ]);
  await deal("DL2", A.id, C.id, { inquiryId: I2.id, stage: "QUALIFIED", createdAt: IN_LAST }, [
    [null, "NEW", IN_LAST],
    ["NEW", "QUALIFIED", OUT_AFTER],
  ]);
  await deal("DL3", A.id, B.id, { stage: "AGREEMENT_REACHED", createdAt: d("2023-11-01T00:00:00Z"), agreedAt: IN_FIRST, agreedValue: 25_000n, agreedCurrency: "USD" }, [
    [null, "NEW", d("2023-11-01T00:00:00Z")],
    ["NEW", "AGREEMENT_REACHED", IN_FIRST],
  ]);
  await deal("DL4", A.id, C.id, { stage: "LOST", createdAt: d("2024-02-01T00:00:00Z"), lostReason: "Hết ngân sách" }, [
    [null, "NEW", d("2024-02-01T00:00:00Z")],
    ["NEW", "LOST", d("2024-02-10T00:00:00Z")],
  ]);
  await deal("DL5", A.id, C.id, { stage: "AGREEMENT_REACHED", createdAt: d("2024-07-01T00:00:00Z"), agreedAt: IN_LAST, agreedValue: 500_000_000n, agreedCurrency: "VND" }, [
    [null, "NEW", d("2024-07-01T00:00:00Z")],
    ["NEW", "AGREEMENT_REACHED", IN_LAST],
  ]);
  // A value above 2^53: the sum must stay exact.
  await deal("DL6", A.id, C.id, { stage: "COMPLETED", createdAt: d("2024-01-10T00:00:00Z"), agreedAt: d("2024-01-20T00:00:00Z"), agreedValue: 9_007_199_254_740_993n, agreedCurrency: "VND", completedAt: d("2024-06-01T00:00:00Z") }, [
    [null, "NEW", d("2024-01-10T00:00:00Z")],
    ["NEW", "AGREEMENT_REACHED", d("2024-01-20T00:00:00Z")],
    ["AGREEMENT_REACHED", "COMPLETED", d("2024-06-01T00:00:00Z")],
  ]);
  await deal("DL7", A.id, C.id, { stage: "AGREEMENT_REACHED", createdAt: d("2024-12-01T00:00:00Z"), agreedAt: d("2025-01-01T00:00:00Z"), agreedValue: 999n, agreedCurrency: "VND" }, [
    [null, "NEW", d("2024-12-01T00:00:00Z")],
    ["NEW", "AGREEMENT_REACHED", d("2025-01-01T00:00:00Z")],
  ]);

  // Payments.
  await createPayment(A.id, { purpose: "FEATURED_PLACEMENT", status: "PAID", amount: 1_500_000n, currency: "VND", paidAt: d("2024-02-01T00:00:00Z") });
  await createPayment(A.id, { purpose: "FEATURED_PLACEMENT", status: "REFUNDED", amount: 3_000_000n, currency: "VND", paidAt: d("2024-03-01T00:00:00Z"), refundedAt: d("2024-03-05T00:00:00Z") });
  await createPayment(A.id, { purpose: "FEATURED_PLACEMENT", status: "REFUNDED", amount: 2_000_000n, currency: "VND", paidAt: d("2023-12-20T00:00:00Z"), refundedAt: d("2024-01-02T00:00:00Z") });
  await createPayment(C.id, { purpose: "BROKERAGE_FEE", status: "PAID", amount: 500n, currency: "USD", featuredDays: null, paidAt: IN_LAST });
  await createPayment(C.id, { purpose: "BROKERAGE_FEE", status: "PAID", amount: 20_000_000n, currency: "VND", featuredDays: null, paidAt: OUT_AFTER });
  await createPayment(A.id, { purpose: "FEATURED_PLACEMENT", status: "PENDING", amount: 9_000_000n, currency: "VND" });
  await createPayment(A.id, { purpose: "FEATURED_PLACEMENT", status: "FAILED", amount: 9_000_000n, currency: "VND", failedAt: d("2024-05-05T00:00:00Z") });
  void E;

  const period = yearPeriod(2024);
  m = await getDashboardMetrics(period, periodMonths(period));
});

const asMap = (rows: { key: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.count]));

describe("reporting period", () => {
  it("is whole days in Vietnam time, the end inclusive", () => {
    const p = yearPeriod(2024);
    expect(p.start.toISOString()).toBe("2023-12-31T17:00:00.000Z");
    expect(p.end.toISOString()).toBe("2024-12-31T17:00:00.000Z");
    expect(makePeriod("2024-03-01", "2024-03-01").end.toISOString()).toBe("2024-03-01T17:00:00.000Z");
  });
});

describe("dashboard metrics for 2024", () => {
  it("counts listings by first publication, a two-field listing once in the total", () => {
    expect(m.listingsPublished).toBe(3);
    expect(asMap(m.listingsByType)).toEqual({ TECHNOLOGY_OFFER: 1, EQUIPMENT_OFFER: 1, TECHNOLOGY_REQUEST: 1 });
    // L1 has two sub-fields of field 2 (counted once there); L2 is in fields 1 and 2.
    expect(asMap(m.listingsBySector)).toEqual({ "2": 2, "1": 1, "3": 1 });
    expect(asMap(m.listingsByProvince)).toEqual({ "79": 1, "01": 1, "": 1 });
  });

  it("counts organisations joined and active by kind", () => {
    expect(m.organisationsJoined).toBe(2);
    expect(asMap(m.organisationsJoinedByKind)).toEqual({ ENTERPRISE: 1, INDIVIDUAL: 1 });
    // A published, C inquired, B was seeker of DL3 which moved on the first second of the year; D and E did nothing.
    expect(m.activeOrganisations).toBe(3);
    expect(asMap(m.activeOrganisationsByKind)).toEqual({ ENTERPRISE: 1, RESEARCH_INSTITUTE: 1, UNIVERSITY: 1 });
  });

  it("counts inquiries, answers within 48 h and the median time to the first answer", () => {
    expect(m.inquiries).toEqual({ received: 4, answered: 3, answeredWithin48h: 2, medianFirstAnswerSeconds: 48 * 3600, converted: 1 });
  });

  it("counts matches suggested and introduced", () => {
    expect(m.matches).toEqual({ suggested: 1, introduced: 1 });
  });

  it("counts deals opened, by current stage, reaching each stage, agreed and completed", () => {
    expect(m.deals.opened).toBe(6);
    expect(asMap(m.deals.byStage)).toEqual({ COMPLETED: 2, QUALIFIED: 1, LOST: 1, AGREEMENT_REACHED: 2 });
    expect(asMap(m.deals.reached)).toEqual({ NEW: 6, QUALIFIED: 1, AGREEMENT_REACHED: 4, COMPLETED: 1, LOST: 1 });
    expect(m.deals.agreed).toBe(4);
    expect(m.deals.completed).toBe(1);
  });

  it("sums agreed value per currency exactly", () => {
    expect(m.agreedValue).toEqual([
      { currency: "USD", count: 1, total: "25000" },
      { currency: "VND", count: 3, total: "9007201254740993" },
    ]);
  });

  it("nets revenue: paid in the period minus refunded in the period", () => {
    expect(m.revenue).toEqual([
      { purpose: "FEATURED_PLACEMENT", currency: "VND", payments: 2, gross: "4500000", refunds: "5000000", net: "-500000" },
      { purpose: "BROKERAGE_FEE", currency: "USD", payments: 1, gross: "500", refunds: "0", net: "500" },
    ]);
  });

  it("buckets listings and deals by month in Vietnam time", () => {
    expect(m.months).toHaveLength(12);
    const month = (k: string) => m.months.find((r) => r.month === k)!;
    expect(month("2024-01")).toEqual({ month: "2024-01", listings: 1, dealsOpened: 1, dealsAgreed: 2 });
    expect(month("2024-06")).toEqual({ month: "2024-06", listings: 1, dealsOpened: 0, dealsAgreed: 0 });
    expect(month("2024-12")).toEqual({ month: "2024-12", listings: 1, dealsOpened: 2, dealsAgreed: 1 });
    expect(month("2024-03")).toMatchObject({ dealsOpened: 1 });
    expect(m.months.reduce((a, r) => a + r.listings, 0)).toBe(3);
  });
});

describe("other periods", () => {
  it("a single day includes its last second and not the next day's first", async () => {
    const p = makePeriod("2024-12-31", "2024-12-31");
    const day = await getDashboardMetrics(p, periodMonths(p));
    expect(day.listingsPublished).toBe(1); // L2 at 23:59:59
    expect(day.deals.opened).toBe(1); // DL2
    expect(day.deals.agreed).toBe(1); // DL5
    expect(asMap(day.deals.reached)).toEqual({ NEW: 1, AGREEMENT_REACHED: 1 });
    expect(day.inquiries.received).toBe(1);
    expect(day.revenue).toEqual([{ purpose: "BROKERAGE_FEE", currency: "USD", payments: 1, gross: "500", refunds: "0", net: "500" }]);
  });

  it("1 January 2025 in Hanoi starts at 17:00 UTC the day before", async () => {
    const p = makePeriod("2025-01-01", "2025-01-31");
    const jan = await getDashboardMetrics(p, periodMonths(p));
    expect(jan.listingsPublished).toBe(1); // L5
    expect(jan.deals.agreed).toBe(1); // DL7
    expect(jan.agreedValue).toEqual([{ currency: "VND", count: 1, total: "999" }]);
    expect(asMap(jan.deals.reached)).toEqual({ QUALIFIED: 1, AGREEMENT_REACHED: 1, COMPLETED: 1 });
    expect(jan.matches).toEqual({ suggested: 1, introduced: 0 });
    expect(jan.organisationsJoined).toBe(1); // B
  });

  it("an empty period gives zeros, not errors", async () => {
    const p = makePeriod("2010-01-01", "2010-12-31");
    const none = await getDashboardMetrics(p, periodMonths(p));
    expect(none.listingsPublished).toBe(0);
    expect(none.inquiries).toEqual({ received: 0, answered: 0, answeredWithin48h: 0, medianFirstAnswerSeconds: null, converted: 0 });
    expect(none.agreedValue).toEqual([]);
    expect(none.months.every((r) => r.listings === 0)).toBe(true);
  });
});

describe("a period and the KPI year it ends in, from one statement", () => {
  /** The figures KPI targets read, and nothing else. */
  const kpiOf = (x: KpiFigures): KpiFigures => ({
    listingsPublished: x.listingsPublished,
    listingsByType: x.listingsByType,
    organisationsJoined: x.organisationsJoined,
    inquiries: { received: x.inquiries.received, answeredWithin48h: x.inquiries.answeredWithin48h },
    matches: { introduced: x.matches.introduced },
    deals: { opened: x.deals.opened, agreed: x.deals.agreed, completed: x.deals.completed },
    agreedValue: x.agreedValue,
    revenue: x.revenue,
  });

  it("gives a day's figures and its whole year's KPI figures, each as when asked alone", async () => {
    const day = makePeriod("2024-12-31", "2024-12-31");
    const both = await getDashboardAndKpiFigures(day, periodMonths(day), yearPeriod(2024));
    expect(both.metrics).toEqual(await getDashboardMetrics(day, periodMonths(day)));
    expect(both.metrics.listingsPublished).toBe(1);
    expect(both.metrics.deals.opened).toBe(1);
    expect(kpiOf(both.kpi)).toEqual(kpiOf(m));
    expect(kpiOf(both.kpi)).toEqual({
      listingsPublished: 3,
      listingsByType: [
        { key: "EQUIPMENT_OFFER", count: 1 },
        { key: "TECHNOLOGY_OFFER", count: 1 },
        { key: "TECHNOLOGY_REQUEST", count: 1 },
      ],
      organisationsJoined: 2,
      inquiries: { received: 4, answeredWithin48h: 2 },
      matches: { introduced: 1 },
      deals: { opened: 6, agreed: 4, completed: 1 },
      agreedValue: [
        { currency: "USD", count: 1, total: "25000" },
        { currency: "VND", count: 3, total: "9007201254740993" },
      ],
      revenue: [
        { purpose: "FEATURED_PLACEMENT", currency: "VND", payments: 2, gross: "4500000", refunds: "5000000", net: "-500000" },
        { purpose: "BROKERAGE_FEE", currency: "USD", payments: 1, gross: "500", refunds: "0", net: "500" },
      ],
    });
  });

  it("is exact for periods reaching past the year on either side, inside it, or equal to it", async () => {
    const cases: [string, string][] = [
      ["2023-06-01", "2024-06-30"],
      ["2024-12-01", "2025-01-31"],
      ["2024-03-01", "2024-03-31"],
      ["2010-01-01", "2024-12-31"],
      ["2024-01-01", "2024-12-31"],
      ["2025-01-01", "2025-12-31"],
    ];
    for (const [from, to] of cases) {
      const p = makePeriod(from, to);
      const year = yearPeriod(Number(to.slice(0, 4)));
      const both = await getDashboardAndKpiFigures(p, periodMonths(p), year);
      expect(both.metrics, `${from}..${to}`).toEqual(await getDashboardMetrics(p, periodMonths(p)));
      const alone = await getKpiFigures(year);
      expect(kpiOf(both.kpi), `${from}..${to}`).toEqual(kpiOf(alone));
      expect(alone, `${from}..${to}`).toEqual(kpiOf(await getDashboardMetrics(year, periodMonths(year))));
    }
  });
});
