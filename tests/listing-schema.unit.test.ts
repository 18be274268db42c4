import { describe, expect, it } from "vitest";
import { listingSchema } from "~/modules/listings/schema.ts";

const offer = {
  type: "TECHNOLOGY_OFFER",
  language: "vi",
  title: "Công nghệ sấy lạnh trái cây",
  summary: "Sấy lạnh giữ màu và vitamin C, tiết kiệm 30% điện năng so với sấy nóng.",
  sectorCodes: ["2.11"],
  transferModes: ["LICENSE_NON_EXCLUSIVE"],
  trl: "7",
  ipStatus: "PATENT_GRANTED",
};
const equipment = {
  type: "EQUIPMENT_OFFER",
  language: "vi",
  title: "Máy phay CNC Haas VF-2",
  summary: "Máy phay CNC 3 trục, vận hành tốt, bảo hành 6 tháng sau bàn giao.",
  sectorCodes: "2.3",
  transferModes: "EQUIPMENT_SALE",
  condition: "USED",
};
const request = {
  type: "TECHNOLOGY_REQUEST",
  language: "vi",
  title: "Cần công nghệ xử lý nước thải thủy sản",
  summary: "Nhà máy chế biến cá tra cần hệ thống xử lý 500 m³/ngày đạt QCVN 11-MT:2015.",
  sectorCodes: ["2.7"],
  problemStatement: "COD đầu vào 3.000 mg/l, hệ thống hiện tại quá tải vào mùa cao điểm.",
};

function errorsOf(input: Record<string, unknown>) {
  const result = listingSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("the listing schema", () => {
  it("accepts a minimal listing of each type and normalises form values", () => {
    const o = listingSchema.parse(offer);
    expect(o).toMatchObject({ trl: 7, keywords: [], priceType: "NEGOTIABLE", countryCode: "VN" });
    const e = listingSchema.parse({ ...equipment, specifications: "Công suất: 15 kW\nHành trình X: 762 mm\n", leaseAvailable: "on", keywords: "cnc, máy phay,  cnc ;phay" });
    expect(e).toMatchObject({ sectorCodes: ["2.3"], transferModes: ["EQUIPMENT_SALE"], quantity: 1, leaseAvailable: true });
    if (e.type !== "EQUIPMENT_OFFER") throw new Error("type");
    expect(e.specifications).toEqual({ "Công suất": "15 kW", "Hành trình X": "762 mm" });
    expect(e.keywords).toEqual(["cnc", "máy phay", "phay"]);
    const r = listingSchema.parse({ ...request, deadline: "2027-06-30", preferredProvinceCodes: "92" });
    expect(r).toMatchObject({ preferredProvinceCodes: ["92"], transferModes: [] });
  });

  it.each([
    ["title", "abcd", "errors.titleLength"],
    ["title", "x".repeat(161), "errors.titleLength"],
    ["summary", "x".repeat(19), "errors.summaryLength"],
    ["summary", "x".repeat(601), "errors.summaryLength"],
    ["trl", "0", "errors.trlRange"],
    ["trl", "10", "errors.trlRange"],
    ["trl", "7.5", "errors.wholeNumber"],
    ["language", "vietnamese!", "errors.language"],
    ["sectorCodes", [], "errors.sectorRequired"],
    ["sectorCodes", ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4"], "errors.tooMany"],
    ["sectorCodes", ["drop table"], "errors.sector"],
    ["ipStatus", "STOLEN", "errors.chooseOne"],
    ["priceMin", "-5", "errors.notNegative"],
    ["priceMin", "1e30", "errors.tooLarge"],
    ["countryCode", "Vietnam", "errors.country"],
  ])("refuses %s = %j with %s", (field, value, message) => {
    expect(errorsOf({ ...offer, [field]: value })[field]).toBe(message);
  });

  it("accepts the boundaries themselves", () => {
    expect(errorsOf({ ...offer, title: "x".repeat(5), summary: "y".repeat(20), trl: "1" })).toEqual({});
    expect(errorsOf({ ...offer, title: "x".repeat(160), summary: "y".repeat(600), trl: "9", sectorCodes: ["1.1", "1.2", "2.1", "2.2", "2.3"] })).toEqual({});
  });

  it("checks prices and budgets as ranges with a currency", () => {
    expect(errorsOf({ ...offer, priceType: "FIXED" })).toEqual({ priceMin: "errors.fixedNeedsPrice" });
    expect(errorsOf({ ...offer, priceMin: "500", priceMax: "100", currency: "VND" })).toEqual({ priceMax: "errors.maxBelowMin" });
    expect(errorsOf({ ...offer, priceMin: "500" })).toEqual({ currency: "errors.currencyRequired" });
    expect(errorsOf({ ...request, budgetMin: "9", budgetMax: "1", budgetCurrency: "USD" })).toEqual({ budgetMax: "errors.maxBelowMin" });
    expect(errorsOf({ ...offer, transferModes: [] })).toEqual({ transferModes: "errors.transferModeRequired" });
  });

  it("requires what each type needs and ignores the other types' fields", () => {
    expect(errorsOf({ ...equipment, condition: undefined }).condition).toBe("errors.chooseOne");
    expect(errorsOf({ ...request, problemStatement: "short" }).problemStatement).toBe("errors.problemLength");
    expect(errorsOf({ ...offer, trl: undefined }).trl).toBe("errors.required");
    expect(errorsOf({ ...equipment, manufactureYear: "1900" }).manufactureYear).toBe("errors.year");
    expect(errorsOf({ ...request, deadline: "tomorrow-ish" }).deadline).toBe("errors.date");
    const parsed = listingSchema.parse({ ...request, trl: "9", condition: "NEW" });
    expect(parsed).not.toHaveProperty("trl");
    expect(parsed).not.toHaveProperty("condition");
  });

  it("refuses an unknown type and a malformed specification line", () => {
    expect(errorsOf({ ...offer, type: "SERVICE" }).type).toBe("errors.listingType");
    expect(errorsOf({ ...equipment, specifications: "Công suất 15 kW" })["specifications.Công suất 15 kW"]).toBe("errors.specificationLine");
  });
});

describe("list fields", () => {
  it("report a bad item on the list itself, where the form shows it", () => {
    expect(errorsOf({ ...offer, transferModes: ["LICENSE_EXCLUSIVE", "BARTER"] }).transferModes).toBe("errors.chooseOne");
    expect(errorsOf({ ...request, preferredProvinceCodes: ["92", "x"] }).preferredProvinceCodes).toBe("errors.chooseOne");
  });
  it("drop repeated values", () => {
    expect(listingSchema.parse({ ...offer, sectorCodes: ["2.11", "2.11"], transferModes: ["TURNKEY", "TURNKEY"] })).toMatchObject({ sectorCodes: ["2.11"], transferModes: ["TURNKEY"] });
  });
});
