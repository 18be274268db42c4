import { describe, expect, it } from "vitest";
import { cosine, listingTerms, sharedTerms, termsOf, termStats, vectorOf, type ListingText } from "~/modules/matching/text.ts";

// A small catalogue for the IDF weights: the words every listing uses weigh little.
const tea: ListingText = {
  title: "HTX chè Shan tuyết cần cơ giới hóa khâu sao, vò, sấy và công nghệ lên men hồng trà",
  keywords: ["chè Shan tuyết", "máy sao chè", "hồng trà", "cơ giới hóa"],
  summary: "Cần máy sao, máy vò, máy sấy phù hợp búp chè to, điều khiển nhiệt ổn định.",
  problemStatement: "Chè sao bằng chảo gang, nhiệt độ không ổn định, chất lượng không đồng đều.",
};
const teaRoaster: ListingText = {
  title: "Máy sao chè tôn quay điều khiển nhiệt tự động, năng suất 40–60 kg búp/giờ",
  keywords: ["máy sao chè", "chè xanh", "điều khiển nhiệt"],
  summary: "Máy sao chè tôn quay đốt củi hoặc gas, điều khiển nhiệt độ tự động cho chè búp.",
};
const shrimpIot: ListingText = {
  title: "Nền tảng IoT giám sát chất lượng nước ao nuôi tôm 24/7, cảnh báo oxy hòa tan",
  keywords: ["IoT", "nuôi tôm", "chất lượng nước"],
  summary: "Cảm biến đo oxy hòa tan, pH, nhiệt độ nước ao tôm, cảnh báo qua điện thoại, điều khiển quạt nước tự động.",
};
const shrimpFarmingEn: ListingText = {
  title: "Water quality monitoring for shrimp farming ponds",
  keywords: ["shrimp farming", "water quality", "dissolved oxygen"],
  summary: "Sensors and alerts for dissolved oxygen in shrimp ponds.",
};
const rattan: ListingText = { title: "Mây cỏ", keywords: ["mây"], summary: "Sản phẩm mây, cỏ bàng thủ công mỹ nghệ." };
const machine: ListingText = { title: "Máy tre cỏ", keywords: ["máy"], summary: "Máy cắt cỏ, máy xới đất." };
const filler: ListingText[] = [
  { title: "Công nghệ sản xuất bê tông khí chưng áp", keywords: ["bê tông"], summary: "Công nghệ và thiết bị sản xuất gạch nhẹ, điều khiển tự động." },
  { title: "Công nghệ xử lý nước thải chế biến thủy sản", keywords: ["nước thải"], summary: "Hệ thống xử lý nước thải, tự động, tiết kiệm điện." },
  { title: "Phần mềm quản lý kho", keywords: ["phần mềm"], summary: "Quản lý kho hàng và đơn hàng tự động." },
];
const catalogue = [tea, teaRoaster, shrimpIot, shrimpFarmingEn, rattan, machine, ...filler];
const stats = termStats(catalogue.map(listingTerms));
const vec = (l: ListingText) => vectorOf(listingTerms(l), stats);

describe("text similarity", () => {
  it("keeps syllables and two-syllable terms, and leaves function words out", () => {
    const terms = termsOf("Cần công nghệ sấy lạnh bảo quản xoài và thanh long");
    expect(terms.has("sấy lạnh")).toBe(true);
    expect(terms.has("thanh long")).toBe(true);
    expect(terms.has("xoài")).toBe(true);
    expect(terms.has("và")).toBe(false);
    expect(terms.has("cần")).toBe(false);
    // A pair never spans a stop word or a comma.
    expect(terms.has("xoài thanh")).toBe(false);
    expect(termsOf("sao, vò").has("sao vò")).toBe(false);
  });

  it("finds domain concepts in both languages, so English meets Vietnamese", () => {
    const vi = [...termsOf("nuôi tôm thẻ chân trắng").keys()].filter((t) => t.startsWith("@"));
    const en = [...termsOf("shrimp farming in ponds").keys()].filter((t) => t.startsWith("@"));
    expect(vi.filter((c) => en.includes(c)).length).toBeGreaterThan(0);
    expect(cosine(vec(shrimpIot), vec(shrimpFarmingEn))).toBeGreaterThan(0.05);
    expect(cosine(vec(tea), vec(shrimpFarmingEn))).toBe(0);
    // Typed without diacritics, a concept phrase is still found.
    const folded = [...termsOf("nuoi tom").keys()].filter((t) => t.startsWith("@"));
    expect(folded.filter((c) => vi.includes(c)).length).toBeGreaterThan(0);
  });

  it("ranks the tea roaster far above the shrimp-pond IoT for the tea need", () => {
    const need = vec(tea);
    const good = cosine(need, vec(teaRoaster));
    const wrong = cosine(need, vec(shrimpIot));
    expect(good).toBeGreaterThan(0.1);
    expect(good).toBeGreaterThan(3 * wrong);
    expect(sharedTerms(need, vec(teaRoaster), 20)).toContain("máy sao");
  });

  it("keeps diacritics apart (mây ≠ máy) and is symmetric and bounded", () => {
    // "Mây cỏ" (rattan, grass) and "máy … cỏ" (machine, grass) share only "cỏ": folding would add mây = máy.
    const rattanMachine = cosine(vec(rattan), vec(machine));
    expect(rattanMachine).toBeGreaterThan(0);
    expect(rattanMachine).toBeLessThan(0.3);
    expect(sharedTerms(vec(rattan), vec(machine))).toEqual(["cỏ"]);
    const a = vec(tea);
    const b = vec(teaRoaster);
    expect(cosine(a, b)).toBeCloseTo(cosine(b, a), 10);
    expect(cosine(a, a)).toBeCloseTo(1, 6);
    expect(cosine(a, vectorOf(new Map(), stats))).toBe(0);
  });
});
