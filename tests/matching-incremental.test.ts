import { beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";
import { resetTermStats } from "~/modules/matching/idf.server.ts";
import { recomputeListing, recomputeNeed } from "~/modules/matching/matching.server.ts";
import { judgeRelated } from "~/modules/matching/related.server.ts";

const relatedListings = async (listingId: string, limit?: number) => (await judgeRelated(listingId, limit)).listings;
import { MAX_PER_NEED } from "~/modules/matching/scoring.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createOrganisation } from "./factories/index.ts";

/**
 * A changed offer updates the needs' top lists incrementally (recomputeOffer): it enters a
 * need's list when it qualifies and beats the last suggestion, is updated in place, and leaves
 * when it no longer qualifies; the pair's score is the one the need's own recompute gives.
 */
const ids: Record<string, string> = {};
const orgs: Record<string, string> = {};

type Overrides = NonNullable<Parameters<typeof createListing>[1]>;

const teaNeed: Overrides = {
  type: "TECHNOLOGY_REQUEST",
  title: "HTX chè Shan tuyết cần cơ giới hóa khâu sao, vò, sấy chè búp",
  summary: "HTX chế biến chè Shan tuyết cần máy sao chè, máy vò chè điều khiển nhiệt ổn định thay chảo gang.",
  problemStatement: "Chè sao bằng chảo gang, nhiệt độ không ổn định, chất lượng không đồng đều giữa các mẻ.",
  keywords: ["chè Shan tuyết", "máy sao chè", "máy vò chè"],
  sectorCodes: ["2.11"],
  minTrl: 6,
  budgetMin: 100_000_000n,
  budgetMax: 900_000_000n,
  budgetCurrency: "VND",
  transferModes: ["EQUIPMENT_SALE", "TURNKEY"],
  preferredProvinceCodes: [],
};
const teaMachine: Overrides = {
  type: "EQUIPMENT_OFFER",
  title: "Máy sao chè tôn quay điều khiển nhiệt tự động cho chè búp",
  summary: "Máy sao chè tôn quay, điều khiển nhiệt độ tự động, dùng cho chè xanh và chè Shan tuyết búp to.",
  keywords: ["máy sao chè", "chè búp", "điều khiển nhiệt"],
  sectorCodes: ["2.11"],
  trl: null,
  priceType: "FIXED",
  priceMin: 300_000_000n,
  priceMax: 300_000_000n,
  currency: "VND",
  transferModes: ["EQUIPMENT_SALE"],
};
const matchOf = (offer: string, need = ids.need!) =>
  prisma.match.findUnique({ where: { offerListingId_requestListingId: { offerListingId: offer, requestListingId: need } } });

beforeAll(async () => {
  await ensureListingsIndex();
  orgs.need = (await createOrganisation({ name: "HTX Chè Shan tuyết Hà Giang" })).id;
  orgs.offer = (await createOrganisation({ name: "Công ty Cơ khí Chè Thái Nguyên" })).id;
  orgs.other = (await createOrganisation({ name: "Công ty Thủy sản Cà Mau" })).id;
  ids.need = (await createListing(orgs.need, teaNeed)).id;
  ids.offer = (await createListing(orgs.offer, teaMachine)).id;
  // An offer from an unrelated field sharing a few words (điều khiển, tự động).
  ids.shrimp = (
    await createListing(orgs.other, {
      type: "TECHNOLOGY_OFFER",
      title: "Nền tảng IoT giám sát chất lượng nước ao nuôi tôm, điều khiển quạt nước tự động",
      summary: "Cảm biến oxy hòa tan, pH trong ao tôm, cảnh báo qua điện thoại và điều khiển quạt nước tự động.",
      keywords: ["IoT", "nuôi tôm", "chất lượng nước"],
      sectorCodes: ["4.1", "2.2"],
      trl: 9,
      priceType: "FIXED",
      priceMin: 200_000_000n,
      priceMax: 200_000_000n,
      currency: "VND",
      transferModes: ["EQUIPMENT_SALE"],
    })
  ).id;
  for (const id of Object.values(ids)) await syncListing(id);
  resetTermStats();
});

describe("a changed offer, matched incrementally", () => {
  it("enters the need's list with the score the need's own recompute gives, and never the unrelated offer", async () => {
    const result = await recomputeListing(ids.offer!);
    expect(result).toMatchObject({ kind: "offer", created: 1, removed: 0 });
    const fromOffer = (await matchOf(ids.offer!))!;
    expect(fromOffer.status).toBe("SUGGESTED");
    expect(fromOffer.score).toBeGreaterThanOrEqual(0.5);
    await recomputeListing(ids.shrimp!);
    expect(await matchOf(ids.shrimp!)).toBeNull();
    // The need's own recompute agrees (same score, nothing created or removed).
    expect(await recomputeNeed(ids.need!)).toEqual({ created: 0, updated: 1, removed: 0 });
    expect((await matchOf(ids.offer!))!.score).toBe(fromOffer.score);
  });

  it("leaves the list when an edit makes it fail a criterion, and comes back when fixed", async () => {
    await prisma.listing.update({ where: { id: ids.offer }, data: { transferModes: ["EQUIPMENT_LEASE"] } });
    await syncListing(ids.offer!);
    expect(await recomputeListing(ids.offer!)).toMatchObject({ kind: "offer", created: 0, removed: 1 });
    expect(await matchOf(ids.offer!)).toBeNull();
    await prisma.listing.update({ where: { id: ids.offer }, data: { transferModes: ["EQUIPMENT_SALE"] } });
    await syncListing(ids.offer!);
    expect(await recomputeListing(ids.offer!)).toMatchObject({ kind: "offer", created: 1 });
    expect((await matchOf(ids.offer!))!.status).toBe("SUGGESTED");
  });

  it("takes a full list's last place only when it beats it, keeping the list at MAX_PER_NEED", async () => {
    const mine = (await matchOf(ids.offer!))!;
    // Fill the need's list with other suggestions scored just above the offer.
    const fillers: string[] = [];
    for (let i = 0; i < MAX_PER_NEED; i++) {
      fillers.push((await createListing(orgs.other!, { type: "TECHNOLOGY_OFFER", title: `Offer ${i}`, sectorCodes: ["2.11"], status: "PUBLISHED" })).id);
    }
    await prisma.match.delete({ where: { id: mine.id } });
    await prisma.match.createMany({
      data: fillers.map((offerListingId, i) => ({ offerListingId, requestListingId: ids.need!, score: Math.min(0.999, mine.score + 0.0001 * (i + 1)), textScore: 0.5, reasons: [] })),
    });
    // The changed offer does not beat the last suggestion: nothing changes.
    expect(await recomputeListing(ids.offer!)).toMatchObject({ created: 0, removed: 0 });
    expect(await matchOf(ids.offer!)).toBeNull();
    // Lower the last one below the offer: it takes the place, and the list stays at MAX_PER_NEED.
    await prisma.match.updateMany({ where: { offerListingId: fillers[0] }, data: { score: 0.1 } });
    expect(await recomputeListing(ids.offer!)).toMatchObject({ created: 1, removed: 1 });
    expect((await matchOf(ids.offer!))!.score).toBe(mine.score);
    expect(await matchOf(fillers[0]!)).toBeNull();
    expect(await prisma.match.count({ where: { requestListingId: ids.need, status: "SUGGESTED" } })).toBe(MAX_PER_NEED);
    await prisma.match.deleteMany({ where: { offerListingId: { in: fillers } } });
  });

  it("keeps a decided match's status and leaves a need's list when the offer is withdrawn", async () => {
    const match = (await matchOf(ids.offer!))!;
    await prisma.listing.update({ where: { id: ids.offer }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    await syncListing(ids.offer!);
    expect(await recomputeListing(ids.offer!)).toMatchObject({ kind: "offer", removed: 1 });
    expect(await prisma.match.findUnique({ where: { id: match.id } })).toBeNull();
    await prisma.listing.update({ where: { id: ids.offer }, data: { status: "PUBLISHED", archivedAt: null } });
    await syncListing(ids.offer!);
    await recomputeListing(ids.offer!);
    const again = (await matchOf(ids.offer!))!;
    await prisma.match.update({ where: { id: again.id }, data: { status: "DISMISSED", dismissedAt: new Date() } });
    await prisma.listing.update({ where: { id: ids.offer }, data: { transferModes: ["EQUIPMENT_LEASE"] } });
    await syncListing(ids.offer!);
    expect(await recomputeListing(ids.offer!)).toMatchObject({ updated: 1, removed: 0 });
    const dismissed = (await matchOf(ids.offer!))!;
    expect(dismissed.status).toBe("DISMISSED");
    expect(dismissed.score).toBeLessThan(again.score);
  });
});

describe("related listings", () => {
  it("gives a need its related offers (not the unrelated one), never throwing", async () => {
    await prisma.listing.update({ where: { id: ids.offer }, data: { transferModes: ["EQUIPMENT_SALE"] } });
    await syncListing(ids.offer!);
    const related = await relatedListings(ids.need!);
    expect(related.map((r) => r.id)).toContain(ids.offer);
    expect(related.map((r) => r.id)).not.toContain(ids.shrimp);
    expect(related[0]).toEqual({ id: ids.offer, title: teaMachine.title, type: "EQUIPMENT_OFFER", organisationName: "Công ty Cơ khí Chè Thái Nguyên", score: expect.any(Number) });
    // An offer sees the need it answers.
    expect((await relatedListings(ids.offer!)).map((r) => r.id)).toContain(ids.need);
    expect(await relatedListings("no-such-listing")).toEqual([]);
    expect(await relatedListings(ids.offer!, 0)).toEqual([]);
  });

  it("needs no Meilisearch: the same answer while every Meilisearch call fails", async () => {
    const before = await relatedListings(ids.need!);
    const failing = [vi.spyOn(meili("search"), "multiSearch"), vi.spyOn(meili(), "multiSearch")].map((spy) => spy.mockRejectedValue(new Error("connect ECONNREFUSED")));
    try {
      const related = await relatedListings(ids.need!);
      for (const spy of failing) expect(spy).not.toHaveBeenCalled();
      expect(related).toEqual(before);
      expect(related.map((r) => r.id)).toContain(ids.offer);
    } finally {
      for (const spy of failing) spy.mockRestore();
    }
  });
});
