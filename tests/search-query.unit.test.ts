import { describe, expect, it } from "vitest";
import { CONCEPT_PREFIX, conceptSynonyms, editDistance, markedToken, prepareQuery, searchText, setCatalogueVocabulary } from "~/modules/search/query.ts";

describe("preparing a search query", () => {
  it("turns everyday wording into concept tokens whose synonyms are the technical terms", () => {
    const p = prepareQuery("hàng xóm phàn nàn mùi hôi từ chuồng heo");
    expect(p.q).toBe(`${CONCEPT_PREFIX}odour ${CONCEPT_PREFIX}pigfarm`);
    expect(p.dropped).toEqual(expect.arrayContaining(["phàn", "nàn", "từ"]));
    expect(conceptSynonyms()[`${CONCEPT_PREFIX}odour`]).toContain("khử mùi");
  });

  it("asks for the subject before the place, unless the place word is part of a phrase", () => {
    // With the "last" strategy every result must have the first words: "ruộng" first found only fields.
    expect(prepareQuery("ruộng lúa bị nước mặn vào").q).toBe(`lúa ${CONCEPT_PREFIX}salinity ruộng`);
    expect(prepareQuery("vườn cà phê bị mốc").q).toBe(`cà phê ${CONCEPT_PREFIX}mould vườn`);
    expect(prepareQuery("nhà màng bị nóng quá").q).toBe(`nhà màng ${CONCEPT_PREFIX}heat`);
    expect(prepareQuery("hợp tác xã bị rớt giá").q).toBe(`hợp tác xã ${CONCEPT_PREFIX}pricedrop`);
  });

  it("drops stop words only in longer queries and keeps phrases where they mean something", () => {
    expect(prepareQuery("cần máy sấy").q).toBe("máy sấy");
    expect(prepareQuery("gạch không nung").q).toBe("gạch không nung");
    expect(prepareQuery("máy thở").q).toBe("máy thở");
  });

  it("corrects a slip in a short syllable from the catalogue's phrases, never a word it uses", () => {
    setCatalogueVocabulary(["Sữa hạt óc chó", "sữa hạt", "Bảo quản lạnh rau quả", "bảo quản lạnh", "mây tre đan", "mây tre đan"]);
    expect(prepareQuery("sữa hạc").q).toBe("sữa hạt");
    expect(prepareQuery("bảo quản lạng").q).toBe("bảo quản lạnh");
    expect(prepareQuery("mây tre đan").corrections).toEqual([]);
    // First letters are trusted, like Meilisearch does.
    expect(prepareQuery("găng tay").corrections).toEqual([]);
  });

  it("corrects a real word only in no known phrase, keeping its tone, towards a common phrase", () => {
    setCatalogueVocabulary(["Nuôi tôm thẻ", "nuôi tôm", "Nuôi tôm sú", "Máy sao chè tôn quay", "tôn quay", "nước mắm", "Nước mắm cá cơm", "nước mặn"]);
    // "tôn" is a word the catalogue uses, but "nuôi tôn" is no phrase and "nuôi tôm" is a common one.
    expect(prepareQuery("nuôi tôn").q).toBe("nuôi tôm");
    expect(prepareQuery("tôn quay").corrections).toEqual([]);
    // A phrase of the curated vocabulary is never a slip, even before a listing uses it.
    expect(prepareQuery("nuôi tằm").corrections).toEqual([]);
    // "mắn" fits "nước mặn" once marks are ignored; the typed marks say "mắm".
    expect(prepareQuery("nước mắn").q).toBe("nước mắm");
    // Typed without marks, both readings are Meilisearch's to find.
    expect(prepareQuery("nuoc man").corrections).toEqual([]);
  });

  it("leaves Meilisearch syntax alone and picks the matching strategy by wording", () => {
    expect(prepareQuery('"máy sấy" cà phê').q).toBe('"máy sấy" cà phê');
    expect(prepareQuery("máy -cũ").q).toBe("máy -cũ");
    expect(prepareQuery("máy sấy cà phê").matchingStrategy).toBe("frequency");
    expect(prepareQuery("honey processing equipment").matchingStrategy).toBe("last");
  });

  it("spells out the marks of one or two marked words as optional last words", () => {
    expect(markedToken("mây")).not.toBe(markedToken("máy"));
    expect(markedToken("mây")).not.toBe(markedToken("mấy"));
    expect(markedToken("thuỷ")).toBe(markedToken("thủy"));
    expect(markedToken("đường")).toMatch(/^[a-z]+$/);
    expect(markedToken("may")).toBeNull();
    expect(prepareQuery("mây")).toMatchObject({ q: "mây", marked: [markedToken("mây")], matchingStrategy: "frequency" });
    expect(searchText(prepareQuery("ghế mây"))).toBe(`ghế mây ${markedToken("ghế")} ${markedToken("mây")}`);
    // Longer queries carry their own context; unmarked ones have no marks to keep.
    expect(prepareQuery("máy sấy cà phê").marked).toEqual([]);
    expect(prepareQuery("may").marked).toEqual([]);
  });

  it("measures edits with transpositions", () => {
    expect(editDistance("miu", "mui")).toBe(1);
    expect(editDistance("hac", "hat")).toBe(1);
    expect(editDistance("cafe", "coffee")).toBe(2);
  });
});
