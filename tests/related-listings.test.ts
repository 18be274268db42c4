import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader } from "~/routes/listings.$id.tsx";
import { createListing, createOrganisation } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

const DAY = 24 * 3_600_000;
const ids: Record<string, string> = {};

/** What the listing page's "Related listings" section shows, in order. */
async function relatedShown(id: string) {
  const response = await settle(call(loader, getRequest(`/listings/${id}`), { params: { id } }));
  expect(response.status).toBe(200);
  const data = (await response.json()) as { related: { id: string; title: string }[] };
  return data.related.map((r) => r.id);
}

beforeAll(async () => {
  await ensureListingsIndex();
  const seller = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp và Công nghệ Sau thu hoạch" });
  const buyer = await createOrganisation({ name: "Công ty Xuất khẩu Trái cây Miền Tây" });
  const machines = await createOrganisation({ name: "Công ty Cơ khí Chính xác Bình Dương" });
  const publishedDaysAgo = (days: number) => {
    const at = new Date(Date.now() - days * DAY);
    return { publishedAt: at, expiresAt: new Date(at.getTime() + 365 * DAY) };
  };
  ids.dryer = (
    await createListing(seller.id, {
      title: "Công nghệ sấy lạnh bảo quản xoài và trái cây",
      summary: "Sấy lạnh ở 15–20 °C giữ màu, hương vị và vitamin C của xoài, thanh long; tiết kiệm 40% điện năng.",
      keywords: ["sấy lạnh", "xoài", "bảo quản trái cây"],
      sectorCodes: ["2.11"],
      trl: 7,
      ...publishedDaysAgo(30),
    })
  ).id;
  // Topically related, but published long ago.
  ids.need = (
    await createListing(buyer.id, {
      type: "TECHNOLOGY_REQUEST",
      title: "Cần công nghệ sấy lạnh bảo quản xoài xuất khẩu",
      summary: "Doanh nghiệp xuất khẩu xoài cần công nghệ sấy lạnh giữ màu và vitamin.",
      problemStatement: "Xoài sau thu hoạch hỏng nhanh; cần sấy lạnh giữ màu, hương vị và vitamin C.",
      keywords: ["sấy lạnh", "xoài", "bảo quản"],
      sectorCodes: ["2.11"],
      minTrl: 6,
      ...publishedDaysAgo(200),
    })
  ).id;
  ids.similarOffer = (
    await createListing(buyer.id, {
      title: "Máy sấy lạnh bơm nhiệt cho xoài, mít và thanh long",
      summary: "Máy sấy lạnh dùng bơm nhiệt, giữ màu và hương vị trái cây sấy.",
      keywords: ["sấy lạnh", "bơm nhiệt", "trái cây sấy"],
      sectorCodes: ["2.11"],
      trl: 8,
      ...publishedDaysAgo(120),
    })
  ).id;
  // Unrelated and newer: what "the latest listings" used to show. One even shares the sector field.
  ids.cnc = (
    await createListing(machines.id, {
      type: "EQUIPMENT_OFFER",
      title: "Máy phay CNC 3 trục Haas VF-2",
      summary: "Máy phay CNC đã qua sử dụng, hành trình 762 × 406 × 508 mm, bảo dưỡng định kỳ.",
      keywords: ["cnc", "phay", "gia công cơ khí"],
      sectorCodes: ["2.3"],
      ...publishedDaysAgo(1),
    })
  ).id;
  ids.beer = (
    await createListing(machines.id, {
      title: "Quy trình lên men bia thủ công quy mô nhỏ",
      summary: "Quy trình và men giống cho xưởng bia thủ công 500 lít một mẻ.",
      keywords: ["bia", "lên men", "men giống"],
      sectorCodes: ["2.11"],
      ...publishedDaysAgo(2),
    })
  ).id;
  ids.draft = (await createListing(seller.id, { title: "Máy sấy lạnh xoài chưa duyệt", keywords: ["sấy lạnh", "xoài"], status: "DRAFT" })).id;
  for (const id of Object.values(ids)) await syncListing(id);
});

describe("the listing page's related listings", () => {
  it("shows listings related to this one first, not the newest ones, and never itself or an unpublished one", async () => {
    const shown = await relatedShown(ids.dryer!);
    expect(shown).toContain(ids.similarOffer);
    expect(shown).toContain(ids.need);
    expect(shown).not.toContain(ids.dryer);
    expect(shown).not.toContain(ids.draft);
    expect(shown).not.toContain(ids.cnc);
    // A newer listing that only shares the sector may appear, but never ahead of the related ones.
    if (shown.includes(ids.beer!)) expect(shown.indexOf(ids.beer!)).toBeGreaterThan(Math.max(shown.indexOf(ids.similarOffer!), shown.indexOf(ids.need!)));
  });

  it("is about the listing viewed: the CNC machine's page does not show the fruit dryers", async () => {
    const shown = await relatedShown(ids.cnc!);
    expect(shown).not.toContain(ids.dryer);
    expect(shown).not.toContain(ids.similarOffer);
  });

  it("drops a listing that stopped being public, even before the index follows", async () => {
    await prisma.listing.update({ where: { id: ids.similarOffer! }, data: { status: "ARCHIVED" } });
    expect(await relatedShown(ids.dryer!)).not.toContain(ids.similarOffer);
  });
});
