import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { findTermCandidates, reconcileMatchTerms, storedTerms, syncMatchTerms, termKey } from "~/modules/matching/terms.server.ts";
import { listingTerms } from "~/modules/matching/text.ts";
import { createListing, createOrganisation } from "./factories/index.ts";

/**
 * Matching's term index (terms.server.ts): what each published listing stores, kept in line
 * with the listings by every path that changes them, and the lookup matching and related
 * listings use instead of Meilisearch.
 */
const ids: Record<string, string> = {};
const orgs: Record<string, string> = {};

/** Every MatchTerm row of a listing, as "term:weight", and what its source row says it stored. */
async function rowsOf(listingId: string) {
  const source = await prisma.matchTermSource.findUnique({ where: { listingId } });
  if (!source) return { source: null, rows: [] as string[] };
  const rows = await prisma.matchTerm.findMany({ where: { seq: source.seq }, select: { term: true, weight: true, need: true } });
  for (const row of rows) expect(row.need).toBe(source.need);
  return { source, rows: rows.map((r) => `${r.term}:${r.weight}`).sort() };
}

/** MatchTerm rows whose listing has no source row (what a lost delete would leave). */
const orphans = async () =>
  Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "MatchTerm" t WHERE NOT EXISTS (SELECT 1 FROM "MatchTermSource" s WHERE s."seq" = t."seq")`)[0]!.n);

beforeAll(async () => {
  orgs.maker = (await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" })).id;
  orgs.other = (await createOrganisation({ name: "Công ty Nhiệt lạnh Miền Nam" })).id;
  orgs.buyer = (await createOrganisation({ name: "HTX Trái cây Tiền Giang" })).id;
  ids.titleDryer = (
    await createListing(orgs.maker, { title: "Máy sấy lạnh bơm nhiệt cho trái cây", summary: "Giữ màu và hương, tiết kiệm 40% điện.", keywords: ["sấy lạnh", "trái cây"], sectorCodes: ["2.11"] })
  ).id;
  ids.summaryDryer = (
    await createListing(orgs.other, { title: "Thiết bị nhiệt cho nhà máy chế biến", summary: "Gồm cả buồng sấy lạnh nhỏ cho mẫu thử.", keywords: ["thiết bị nhiệt"], sectorCodes: ["2.11"] })
  ).id;
  ids.need = (
    await createListing(orgs.buyer, { type: "TECHNOLOGY_REQUEST", title: "Cần công nghệ sấy lạnh cho xoài", summary: "HTX cần sấy lạnh xoài giữ màu.", keywords: ["sấy lạnh", "xoài"], sectorCodes: ["2.11"] })
  ).id;
  ids.draft = (await createListing(orgs.maker, { title: "Máy sấy lạnh chưa duyệt", keywords: ["sấy lạnh"], status: "DRAFT" })).id;
  await syncMatchTerms(Object.values(ids));
});

describe("matching's term index", () => {
  it("stores each published listing's terms once, with twice their weighted count, and nothing of a draft", async () => {
    const listing = await prisma.listing.findUniqueOrThrow({ where: { id: ids.titleDryer! } });
    const { source, rows } = await rowsOf(ids.titleDryer!);
    const expected = storedTerms(listingTerms(listing));
    expect(rows).toEqual([...expected].map(([term, weight]) => `${term}:${weight}`).sort());
    expect(source).toMatchObject({ need: false, organisationId: orgs.maker, listingUpdatedAt: listing.updatedAt });
    // "sấy lạnh" is in the title (×2) and the keywords (×2): weight 2 · (2 + 2) = 8.
    expect(expected.get(termKey("sấy lạnh"))).toBe(8);
    expect((await rowsOf(ids.need!)).source?.need).toBe(true);
    expect((await rowsOf(ids.draft!)).source).toBeNull();
  });

  it("writes nothing again for a listing that did not change", async () => {
    expect(await syncMatchTerms(Object.values(ids))).toEqual({ written: 0, removed: 0 });
  });

  it("follows an edit: the old terms go, the new ones come, nothing is left behind", async () => {
    await prisma.listing.update({ where: { id: ids.summaryDryer! }, data: { summary: "Gồm cả lò hơi đốt trấu cho nhà máy xay xát." } });
    expect(await syncMatchTerms([ids.summaryDryer!])).toEqual({ written: 1, removed: 0 });
    const { rows } = await rowsOf(ids.summaryDryer!);
    expect(rows.some((r) => r.startsWith(`${termKey("sấy lạnh")}:`))).toBe(false);
    expect(rows.some((r) => r.startsWith(`${termKey("lò hơi")}:`))).toBe(true);
    expect(await orphans()).toBe(0);
    await prisma.listing.update({ where: { id: ids.summaryDryer! }, data: { summary: "Gồm cả buồng sấy lạnh nhỏ cho mẫu thử." } });
    await syncMatchTerms([ids.summaryDryer!]);
  });

  it("two syncs of the same listings at once leave exactly one set of terms", async () => {
    await prisma.listing.update({ where: { id: ids.titleDryer! }, data: { summary: "Giữ màu và hương, tiết kiệm 45% điện năng." } });
    await Promise.all([syncMatchTerms([ids.titleDryer!, ids.need!]), syncMatchTerms([ids.need!, ids.titleDryer!]), syncMatchTerms([ids.titleDryer!])]);
    const listing = await prisma.listing.findUniqueOrThrow({ where: { id: ids.titleDryer! } });
    expect((await rowsOf(ids.titleDryer!)).rows).toEqual([...storedTerms(listingTerms(listing))].map(([t, w]) => `${t}:${w}`).sort());
    expect(await orphans()).toBe(0);
  });

  it("finds the listings that use a term most, on the side asked, leaving out one organisation", async () => {
    const [offers, needs, notMaker] = await findTermCandidates([
      { terms: ["sấy lạnh"], sides: ["offer"] },
      { terms: ["sấy lạnh"], sides: ["need"] },
      { terms: ["sấy lạnh", "@999999"], sides: ["offer", "need"], excludeOrganisationId: orgs.maker },
    ]);
    // Title and keywords first: the dryer that says it in its title before the one that says it in its summary.
    expect(offers).toEqual([ids.titleDryer, ids.summaryDryer]);
    expect(needs).toEqual([ids.need]);
    expect(new Set(notMaker)).toEqual(new Set([ids.summaryDryer, ids.need]));
    const [limited] = await findTermCandidates([{ terms: ["sấy lạnh"], sides: ["offer"] }], 1);
    expect(limited).toEqual([ids.titleDryer]);
    expect(await findTermCandidates([{ terms: [], sides: ["offer"] }])).toEqual([[]]);
  });

  it("loses a listing's terms when it stops being public, and the reconcile pass repairs what was missed", async () => {
    await prisma.listing.update({ where: { id: ids.summaryDryer! }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    expect(await syncMatchTerms([ids.summaryDryer!])).toEqual({ written: 0, removed: 1 });
    expect((await rowsOf(ids.summaryDryer!)).source).toBeNull();
    expect(await orphans()).toBe(0);

    // Drift no outbox job saw: a listing published behind its back, one deleted, one of another vocabulary.
    await prisma.listing.update({ where: { id: ids.summaryDryer! }, data: { status: "PUBLISHED", archivedAt: null } });
    const gone = (await createListing(orgs.other!, { title: "Máy sấy lạnh sẽ bị xoá", keywords: ["sấy lạnh"] })).id;
    await syncMatchTerms([gone]);
    await prisma.listing.delete({ where: { id: gone } });
    await prisma.matchTermSource.update({ where: { listingId: ids.need! }, data: { vocabulary: "older" } });
    expect(await reconcileMatchTerms()).toEqual({ written: 2, removed: 1 });
    expect((await rowsOf(ids.summaryDryer!)).rows.length).toBeGreaterThan(0);
    expect((await prisma.matchTermSource.findUnique({ where: { listingId: ids.need! } }))?.vocabulary).not.toBe("older");
    expect(await prisma.matchTermSource.findUnique({ where: { listingId: gone } })).toBeNull();
    expect(await orphans()).toBe(0);
    expect(await reconcileMatchTerms()).toEqual({ written: 0, removed: 0 });
  });
});
