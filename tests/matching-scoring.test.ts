import { createInstance } from "i18next";
import { describe, expect, it } from "vitest";
import { i18nOptions, resources } from "~/modules/i18n/config.ts";
import { describeReasons, type ReasonLabels } from "~/modules/matching/reasons.ts";
import { parseReasons } from "~/modules/matching/schema.ts";
import { combineTextScores, MIN_SCORE, rankPairs, scorePair, WEIGHTS, type NeedFacts, type OfferFacts } from "~/modules/matching/scoring.ts";

const need: NeedFacts = {
  sectorCodes: ["2.11"],
  minTrl: 6,
  budgetMinVnd: 200_000_000,
  budgetMaxVnd: 800_000_000,
  transferModes: ["LICENSE_NON_EXCLUSIVE", "TURNKEY"],
  preferredProvinceCodes: ["79"],
};
const offer: OfferFacts = {
  sectorCodes: ["2.11"],
  trl: 7,
  priceType: "FIXED",
  priceMinVnd: 500_000_000,
  priceMaxVnd: 500_000_000,
  transferModes: ["LICENSE_NON_EXCLUSIVE", "TECHNICAL_ASSISTANCE"],
  provinceCode: "79",
};
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe("scoring a need against an offer", () => {
  it("scores a full match by the documented formula, with every reason", () => {
    const r = scorePair(need, offer, 0.8);
    expect(r.score).toBeCloseTo(0.4 * 0.8 + 0.2 + 0.15 + 0.1 + 0.1 + 0.05, 6);
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(r.reasons).toEqual([
      { code: "SECTOR", sector: "2.11" },
      { code: "TRL_OK", trl: 7, min: 6 },
      { code: "WITHIN_BUDGET" },
      { code: "TRANSFER_MODE", modes: ["LICENSE_NON_EXCLUSIVE"] },
      { code: "PROVINCE", province: "79" },
      { code: "TEXT", score: 0.8 },
    ]);
    expect(r).toMatchObject({ hardFailures: [], qualifies: true, textScore: 0.8 });
  });

  it("weighs a shared sub-field above a shared field above none", () => {
    const sub = scorePair(need, offer, 0.5);
    const field = scorePair(need, { ...offer, sectorCodes: ["2.7"] }, 0.5);
    const none = scorePair(need, { ...offer, sectorCodes: ["5.2"] }, 0.5);
    expect(field.reasons).toContainEqual({ code: "SECTOR_FIELD", field: "2" });
    expect(none.reasons).toContainEqual({ code: "NO_SECTOR" });
    expect(sub.score).toBeGreaterThan(field.score);
    expect(field.score).toBeGreaterThan(none.score);
  });

  it("excludes a TRL below the minimum, whatever else fits", () => {
    const r = scorePair(need, { ...offer, trl: 5 }, 1);
    expect(r.reasons).toContainEqual({ code: "TRL_LOW", trl: 5, min: 6 });
    expect(r.hardFailures).toEqual(["TRL_LOW"]);
    expect(r.qualifies).toBe(false);
    // Equal to the minimum is enough.
    expect(scorePair(need, { ...offer, trl: 6 }, 1).qualifies).toBe(true);
  });

  it("excludes a fixed price entirely above the budget; a straddling range is partly within", () => {
    const over = scorePair(need, { ...offer, priceMinVnd: 900_000_000, priceMaxVnd: 1_000_000_000 }, 1);
    expect(over.hardFailures).toEqual(["OVER_BUDGET"]);
    expect(over.qualifies).toBe(false);
    const straddles = scorePair(need, { ...offer, priceMinVnd: 700_000_000, priceMaxVnd: 900_000_000 }, 1);
    expect(straddles.reasons).toContainEqual({ code: "WITHIN_BUDGET", partial: true });
    expect(straddles.qualifies).toBe(true);
    expect(straddles.score).toBeLessThan(scorePair(need, offer, 1).score);
  });

  it("treats negotiable and on-request prices as unknown, not as a failure", () => {
    const onRequest = scorePair(need, { ...offer, priceType: "ON_REQUEST", priceMinVnd: null, priceMaxVnd: null }, 0.8);
    expect(onRequest.reasons).toContainEqual({ code: "PRICE_UNKNOWN" });
    expect(onRequest.qualifies).toBe(true);
    const negotiableHigh = scorePair(need, { ...offer, priceType: "NEGOTIABLE", priceMinVnd: 2_000_000_000, priceMaxVnd: 3_000_000_000 }, 0.8);
    expect(negotiableHigh.reasons).toContainEqual({ code: "NEGOTIABLE_OVER_BUDGET" });
    expect(negotiableHigh.hardFailures).toEqual([]);
    expect(negotiableHigh.score).toBeLessThan(onRequest.score);
    // No budget: the price neither helps nor hurts.
    const noBudget = scorePair({ ...need, budgetMinVnd: null, budgetMaxVnd: null }, offer, 0.8);
    expect(codes(noBudget)).not.toContain("WITHIN_BUDGET");
    expect(noBudget.score).toBeCloseTo(scorePair(need, offer, 0.8).score - 0.05, 6);
  });

  it("marks missing transfer modes and other provinces against, and no preference as neutral", () => {
    const r = scorePair(need, { ...offer, transferModes: ["ASSIGNMENT"], provinceCode: "01" }, 0.8);
    expect(codes(r)).toEqual(expect.arrayContaining(["NO_TRANSFER_MODE", "OTHER_PROVINCE"]));
    expect(r.qualifies).toBe(true);
    const neutral = scorePair({ ...need, transferModes: [], preferredProvinceCodes: [] }, offer, 0.8);
    expect(codes(neutral)).not.toContain("TRANSFER_MODE");
    expect(codes(neutral)).not.toContain("PROVINCE");
    expect(neutral.score).toBeGreaterThan(r.score);
  });

  it("treats a missing TRL (equipment) as unknown, and a need without minimum as neutral", () => {
    expect(scorePair(need, { ...offer, trl: null }, 0.8).reasons).toContainEqual({ code: "TRL_UNKNOWN" });
    expect(scorePair(need, { ...offer, trl: null }, 0.8).qualifies).toBe(true);
    expect(codes(scorePair({ ...need, minTrl: null }, offer, 0.8))).not.toContain("TRL_OK");
  });

  it("needs some topical link and a minimum score", () => {
    // Nothing in common but the structure: no sector, no text.
    const unrelated = scorePair(need, { ...offer, sectorCodes: ["5.2"] }, 0);
    expect(unrelated.score).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(unrelated.qualifies).toBe(false);
    const weak = scorePair({ ...need, budgetMaxVnd: null, transferModes: [], preferredProvinceCodes: [], minTrl: null }, { ...offer, sectorCodes: ["2.7"] }, 0);
    expect(weak.score).toBeLessThan(MIN_SCORE);
    expect(weak.qualifies).toBe(false);
    // Scores stay in [0, 1] even for odd text scores.
    expect(scorePair(need, offer, 7).score).toBeLessThanOrEqual(1);
    expect(scorePair(need, offer, Number.NaN).textScore).toBe(0);
  });

  it("ranks best first with a stable tie-break, and averages text scores by weight", () => {
    expect(rankPairs([{ offerId: "b", score: 0.5 }, { offerId: "c", score: 0.9 }, { offerId: "a", score: 0.5 }]).map((p) => p.offerId)).toEqual(["c", "a", "b"]);
    expect(combineTextScores([{ weight: 3, score: 1 }, { weight: 1, score: 0 }])).toBeCloseTo(0.75, 10);
    expect(combineTextScores([])).toBe(0);
  });
});

describe("reasons in words", () => {
  const labels: ReasonLabels = {
    sectors: { "2": { vi: "Khoa học kỹ thuật và công nghệ", en: "Engineering and technology" }, "2.11": { vi: "Kỹ thuật thực phẩm và đồ uống", en: "Food and beverage technology" } },
    provinces: { "79": { vi: "Hồ Chí Minh", en: "Ho Chi Minh City" } },
  };
  const t = async (lng: "vi" | "en") => {
    const i18n = createInstance();
    await i18n.init({ ...i18nOptions, resources, lng });
    return i18n.t;
  };

  it("writes a full match in Vietnamese and English, reasons against last", async () => {
    const reasons = [...scorePair(need, { ...offer, provinceCode: "01" }, 0.82).reasons];
    expect(describeReasons(reasons, await t("vi"), labels, "vi")).toBe(
      "cùng lĩnh vực 2.11 Kỹ thuật thực phẩm và đồ uống; TRL 7 ≥ 6; trong ngân sách; phương thức chuyển giao phù hợp: Li-xăng không độc quyền; nội dung liên quan (82%); ngoài tỉnh/thành ưu tiên",
    );
    expect(describeReasons(reasons, await t("en"), labels, "en")).toMatch(
      /^same sector 2\.11 Food and beverage technology; TRL 7 ≥ 6; within budget; wanted transfer mode: .+; related text \(82%\); outside the preferred provinces$/,
    );
  });

  it("writes the hard failures and field overlap", async () => {
    const reasons = scorePair(need, { ...offer, sectorCodes: ["2.7"], trl: 4, priceMinVnd: 900_000_000, priceMaxVnd: 900_000_000 }, 0).reasons;
    const vi = describeReasons(reasons, await t("vi"), labels, "vi");
    expect(vi).toContain("cùng nhóm ngành 2 Khoa học kỹ thuật và công nghệ");
    expect(vi).toContain("TRL 4 < 6 (dưới mức tối thiểu)");
    expect(vi).toContain("vượt ngân sách");
    expect(describeReasons(reasons, await t("en"), labels, "en")).toContain("TRL 4 < 6 (below the minimum); over budget");
  });

  it("reads stored reasons defensively", () => {
    expect(parseReasons([{ code: "SECTOR", sector: "2.11" }, { code: "BOGUS" }, { code: "TRL_OK", trl: "7" }, null])).toEqual([{ code: "SECTOR", sector: "2.11" }]);
    expect(parseReasons("nope")).toEqual([]);
  });
});
