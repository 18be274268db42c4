import { describe, expect, it } from "vitest";
import { expansionsIn, expansionTerms, markedTokens } from "~/modules/search/document.server.ts";
import { CONCEPT_PREFIX, markedToken } from "~/modules/search/query.ts";

const phrasesIn = (...texts: string[]) => expansionTerms(expansionsIn(texts));

describe("a listing's synonym phrases in the search document", () => {
  it("carries the other language's phrases, long ones included", () => {
    const phrases = phrasesIn("Cashew shelling machine, 1 t/h", "Automatic kernel grading");
    // Five words: Meilisearch never looks up a synonym for a query phrase that long.
    expect(phrases).toContain("máy tách vỏ hạt điều");
    expect(phrasesIn("Máy ép viên nén gỗ mùn cưa")).toEqual(expect.arrayContaining(["wood pellets", "pellet mill"]));
  });

  it("compares accents exactly and whole words only", () => {
    // bùn (sludge) is not bún (noodles); "công nghệ" (technology) has no turmeric in it.
    expect(phrasesIn("Xử lý bùn đáy ao tôm")).not.toContain("rice noodles");
    expect(phrasesIn("Chuyển giao công nghệ sấy")).not.toContain("turmeric");
    expect(phrasesIn("Bún phở tươi")).toContain("rice noodles");
    // The tone mark's placement is a habit, not a different word.
    expect(phrasesIn("Chế biến thuỷ sản")).toContain("seafood processing");
    expect(phrasesIn("Hoá chất xử lý nước")).toContain("chemicals");
    expect(phrasesIn("Shrimps")).toContain("tôm");
    expect(phrasesIn("shrimpsque")).toEqual([]);
  });

  it("carries the token of each everyday-problem concept whose technical terms it uses", () => {
    expect(phrasesIn("Chế phẩm vi sinh khử mùi chuồng trại")).toContain(`${CONCEPT_PREFIX}odour`);
    expect(phrasesIn("Máy sấy cà phê")).not.toContain(`${CONCEPT_PREFIX}odour`);
  });

  it("carries each marked word with its marks spelt out", () => {
    const tokens = markedTokens(["Ghế mây đan", "rattan chair"]);
    expect(tokens).toContain(markedToken("mây"));
    expect(tokens).not.toContain(markedToken("máy"));
    expect(tokens).toHaveLength(3);
  });

  it("lists each phrase once", () => {
    const phrases = phrasesIn("shrimp farming", "nuôi tôm thẻ", "Shrimp farm");
    expect(new Set(phrases).size).toBe(phrases.length);
  });
});
