import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { reconcile, reindexAll, syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createOrganisation } from "./factories/index.ts";
import { runScript } from "./setup/cli.ts";

const titles = {
  cnc: "Máy CNC 5 trục gia công khuôn mẫu chính xác",
  sugar: "Dây chuyền sản xuất đường mía tinh luyện",
  biotech: "Công nghệ sinh học sản xuất chế phẩm vi sinh xử lý phân chuồng",
  dryer: "Máy sấy bơm nhiệt cho nông sản",
  english: "Solar-powered drip irrigation controller for orchards",
  fish: "Hệ thống xử lý nước thải chế biến thủy sản",
};
const ids: Record<string, string> = {};

beforeAll(async () => {
  await ensureListingsIndex();
  const organisation = await createOrganisation({ name: "Công ty Cổ phần Kỹ thuật Đông Á" });
  for (const [key, title] of Object.entries(titles)) {
    const listing = await createListing(organisation.id, {
      title,
      language: key === "english" ? "en" : "vi",
      summary: key === "english" ? "Controls drip lines from solar power; cuts water use by 40% in fruit orchards." : "Giải pháp đã vận hành thực tế tại nhiều doanh nghiệp trong nước.",
      keywords: [],
      sectorCodes: key === "biotech" ? ["2.9"] : ["2.3"],
    });
    ids[key] = listing.id;
    expect(await syncListing(listing.id)).toBe("upserted");
  }
});

async function find(q: string) {
  const result = await listingsIndex().search(q, { limit: 10 });
  return result.hits.map((h) => h.id);
}

describe("the listings index", () => {
  it.each([
    ["may cnc", "cnc"],
    ["duong", "sugar"],
    ["đường", "sugar"],
    ["cong nghe sinh hoc", "biotech"],
    ["Công nghệ sinh học", "biotech"],
    ["dong a", "cnc"],
    ["irrigation orchards", "english"],
    ["khuon mau chinh xac", "cnc"],
    // One typo in a long word.
    ["irigation", "english"],
    ["khuonmau", undefined],
  ])("finds %j", async (query, expected) => {
    const hits = await find(query);
    if (expected) expect(hits[0], `${query} → ${hits.join(",")}`).toBe(ids[expected]);
  });

  it("removes a listing that is no longer public, and syncing twice changes nothing", async () => {
    await prisma.listing.update({ where: { id: ids.dryer }, data: { status: "ARCHIVED" } });
    expect(await syncListing(ids.dryer!)).toBe("deleted");
    expect(await syncListing(ids.dryer!)).toBe("deleted");
    expect(await find("may say bom nhiet")).not.toContain(ids.dryer);
    const before = (await listingsIndex().getStats()).numberOfDocuments;
    await syncListing(ids.cnc!);
    expect((await listingsIndex().getStats()).numberOfDocuments).toBe(before);
  });

  it("reconciles drift and reindexes by swapping in a new index", async () => {
    await listingsIndex().deleteDocument(ids.fish!).waitTask({ timeout: 60_000 });
    await prisma.listing.update({ where: { id: ids.sugar }, data: { title: "Dây chuyền đường mía tinh luyện 500 tấn/ngày" } });
    const drift = await reconcile({ repair: true });
    expect(drift.missing).toEqual([ids.fish]);
    expect(drift.stale).toContain(ids.sugar);
    expect(drift.repaired).toBeGreaterThanOrEqual(2);
    expect(await reconcile()).toMatchObject({ missing: [], extra: [], stale: [] });
    // Search keeps answering while the new index is built and swapped in.
    let answered = 0;
    let failed = 0;
    let reindexing = true;
    const probe = (async () => {
      while (reindexing) {
        const hits: string[] = await find("may cnc").catch(() => (failed++, [] as string[]));
        if (hits.includes(ids.cnc!)) answered++;
        else failed++;
      }
    })();
    const result = await reindexAll();
    reindexing = false;
    await probe;
    expect(failed).toBe(0);
    expect(answered).toBeGreaterThan(0);
    expect(result.documents).toBe(await prisma.listing.count({ where: { status: "PUBLISHED" } }));
    expect(await find("500 tan ngay")).toContain(ids.sugar);
  });

  it("offers reindex and reconcile as commands", async () => {
    const reindexed = await runScript("scripts/search.ts", ["reindex"]);
    expect(reindexed.status, reindexed.stderr).toBe(0);
    expect(reindexed.stdout).toMatch(/^reindexed \d+ listings in /m);
    await listingsIndex().deleteDocument(ids.cnc!).waitTask({ timeout: 60_000 });
    const found = await runScript("scripts/search.ts", ["reconcile"]);
    expect(found.status).toBe(2);
    expect(found.stdout).toContain("missing from the index: 1;");
    const repaired = await runScript("scripts/search.ts", ["reconcile", "--repair"]);
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toContain("repaired 1");
    expect(await find("may cnc")).toContain(ids.cnc);
    const usage = await runScript("scripts/search.ts", ["nonsense"]);
    expect(usage.status).toBe(1);
  }, 60_000);
});
