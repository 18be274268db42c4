import { createInstance } from "i18next";
import { describe, expect, it } from "vitest";
import { i18nOptions } from "~/modules/i18n/config.ts";
import { resources } from "~/modules/i18n/resources.server.ts";
import { describeReasons, type ReasonLabels } from "~/modules/matching/reasons.ts";
import { parseReasons } from "~/modules/matching/schema.ts";
import {
  COEFFICIENTS,
  EXCLUDED_CAP,
  MAX_SCORE,
  MIN_SCORE,
  MIN_TEXT,
  NOTIFY_MIN_SCORE,
  rankPairs,
  relatedScore,
  scorePair,
  STRONG_TEXT,
  type NeedFacts,
  type OfferFacts,
} from "~/modules/matching/scoring.ts";

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
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("scoring a need against an offer", () => {
  it("scores a full match by the documented (calibrated, logistic) formula, with every reason", () => {
    const r = scorePair(need, offer, 0.3);
    const B = COEFFICIENTS;
    expect(r.score).toBeCloseTo(MAX_SCORE * sigmoid(B.bias + B.text * 0.3 + B.sector + B.trl + B.price + B.mode + B.province), 4);
    expect(r.components).toEqual({ text: 0.3, sector: 1, trl: 1, price: 1, mode: 1, province: 1 });
    expect(r.reasons).toEqual([
      { code: "SECTOR", sector: "2.11" },
      { code: "TRL_OK", trl: 7, min: 6 },
      { code: "WITHIN_BUDGET" },
      { code: "TRANSFER_MODE", modes: ["LICENSE_NON_EXCLUSIVE"] },
      { code: "PROVINCE", province: "79" },
      { code: "TEXT", score: 0.3 },
    ]);
    expect(r).toMatchObject({ hardFailures: [], qualifies: true, excluded: false, textScore: 0.3 });
    // The score grows with the text similarity and stays in [0, 1].
    expect(scorePair(need, offer, 0.5).score).toBeGreaterThan(r.score);
    expect(scorePair(need, offer, 7).score).toBeLessThanOrEqual(MAX_SCORE);
    expect(scorePair(need, offer, Number.NaN).textScore).toBe(0);
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

  it("excludes a TRL below the minimum, whatever else fits, and caps its score", () => {
    const r = scorePair(need, { ...offer, trl: 5 }, 1);
    expect(r.reasons).toContainEqual({ code: "TRL_LOW", trl: 5, min: 6 });
    expect(r.hardFailures).toEqual(["TRL_LOW"]);
    expect(r.qualifies).toBe(false);
    expect(r.score).toBeLessThanOrEqual(EXCLUDED_CAP);
    // Equal to the minimum is enough.
    expect(scorePair(need, { ...offer, trl: 6 }, 1).qualifies).toBe(true);
  });

  it("excludes a fixed price entirely above the budget; a straddling range is partly within", () => {
    const over = scorePair(need, { ...offer, priceMinVnd: 900_000_000, priceMaxVnd: 1_000_000_000 }, 1);
    expect(over.hardFailures).toEqual(["OVER_BUDGET"]);
    expect(over.qualifies).toBe(false);
    const straddles = scorePair(need, { ...offer, priceMinVnd: 700_000_000, priceMaxVnd: 900_000_000 }, 0.3);
    expect(straddles.reasons).toContainEqual({ code: "WITHIN_BUDGET", partial: true });
    expect(straddles.qualifies).toBe(true);
    expect(straddles.score).toBeLessThan(scorePair(need, offer, 0.3).score);
  });

  it("treats negotiable and on-request prices as unknown, not as a failure", () => {
    const onRequest = scorePair(need, { ...offer, priceType: "ON_REQUEST", priceMinVnd: null, priceMaxVnd: null }, 0.3);
    expect(onRequest.reasons).toContainEqual({ code: "PRICE_UNKNOWN" });
    expect(onRequest.qualifies).toBe(true);
    const negotiableHigh = scorePair(need, { ...offer, priceType: "NEGOTIABLE", priceMinVnd: 2_000_000_000, priceMaxVnd: 3_000_000_000 }, 0.3);
    expect(negotiableHigh.reasons).toContainEqual({ code: "NEGOTIABLE_OVER_BUDGET" });
    expect(negotiableHigh.hardFailures).toEqual([]);
    expect(negotiableHigh.score).toBeLessThan(onRequest.score);
    // No budget: the price is unknown, below a price within the budget.
    const noBudget = scorePair({ ...need, budgetMinVnd: null, budgetMaxVnd: null }, offer, 0.3);
    expect(codes(noBudget)).not.toContain("WITHIN_BUDGET");
    expect(noBudget.score).toBeLessThan(scorePair(need, offer, 0.3).score);
    expect(noBudget.score).toBeCloseTo(onRequest.score, 6);
  });

  it("excludes an offer with none of the wanted transfer modes; another province only counts against", () => {
    const r = scorePair(need, { ...offer, transferModes: ["ASSIGNMENT"] }, 0.8);
    expect(r.hardFailures).toEqual(["NO_TRANSFER_MODE"]);
    expect(r.qualifies).toBe(false);
    const elsewhere = scorePair(need, { ...offer, provinceCode: "01" }, 0.3);
    expect(codes(elsewhere)).toContain("OTHER_PROVINCE");
    expect(elsewhere.qualifies).toBe(true);
    const neutral = scorePair({ ...need, transferModes: [], preferredProvinceCodes: [] }, { ...offer, transferModes: ["ASSIGNMENT"], provinceCode: "01" }, 0.3);
    expect(codes(neutral)).not.toContain("TRANSFER_MODE");
    expect(codes(neutral)).not.toContain("NO_TRANSFER_MODE");
    expect(neutral.qualifies).toBe(true);
    expect(neutral.score).toBeGreaterThan(elsewhere.score * 0.5);
  });

  it("treats a missing TRL (equipment) as unknown, and a need without minimum as neutral", () => {
    expect(scorePair(need, { ...offer, trl: null }, 0.3).reasons).toContainEqual({ code: "TRL_UNKNOWN" });
    expect(scorePair(need, { ...offer, trl: null }, 0.3).qualifies).toBe(true);
    expect(codes(scorePair({ ...need, minTrl: null }, offer, 0.3))).not.toContain("TRL_OK");
  });

  it("never suggests a pair on a few shared words, nor across unrelated fields on a middling text", () => {
    // Everything else fits perfectly, but the texts barely meet.
    const fewWords = scorePair(need, offer, MIN_TEXT / 2);
    expect(fewWords).toMatchObject({ excluded: true, qualifies: false });
    expect(fewWords.score).toBeLessThanOrEqual(EXCLUDED_CAP);
    // Another field altogether: only texts clearly about the same thing may match.
    const otherField = { ...offer, sectorCodes: ["4.1"] };
    expect(scorePair(need, otherField, (MIN_TEXT + STRONG_TEXT) / 2)).toMatchObject({ excluded: true, qualifies: false });
    expect(scorePair(need, otherField, STRONG_TEXT + 0.2)).toMatchObject({ excluded: false, qualifies: true });
    // The same texts within the need's sub-field do qualify.
    expect(scorePair(need, offer, (MIN_TEXT + STRONG_TEXT) / 2).excluded).toBe(false);
  });

  it("notifies from a threshold at or above the suggestion threshold", () => {
    expect(NOTIFY_MIN_SCORE).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(NOTIFY_MIN_SCORE).toBeLessThan(1);
  });

  it("scores related listings on text and sector alone, and none without a topic in common", () => {
    expect(relatedScore(["2.11"], ["2.11", "2"], 0.4)).toBeGreaterThan(relatedScore(["2.11"], ["2.7", "2"], 0.4)!);
    expect(relatedScore(["2.11"], ["2.11"], MIN_TEXT / 2)).toBeNull();
    expect(relatedScore(["2.11"], ["4.1"], STRONG_TEXT / 2)).toBeNull();
  });

  it("ranks best first with a stable tie-break", () => {
    expect(rankPairs([{ offerId: "b", score: 0.5 }, { offerId: "c", score: 0.9 }, { offerId: "a", score: 0.5 }]).map((p) => p.offerId)).toEqual(["c", "a", "b"]);
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
