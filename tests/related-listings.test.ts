import { createServer, type Socket } from "node:net";
import type { LRUCache } from "lru-cache";
import { Meilisearch } from "meilisearch";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meiliTimeouts } from "~/lib/meili.server.ts";
import { taskList } from "~/modules/jobs/tasks.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { enqueueListingMatching } from "~/modules/matching/enqueue.server.ts";
import { enqueueListingSync } from "~/modules/search/outbox.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader } from "~/routes/listings.$id.tsx";
import { freePort } from "../scripts/lib/ports.ts";
import { runJobs } from "./factories/alerts.ts";
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

  it("keeps a listing's related listings for a while, and judges them again once the listing is edited", async () => {
    expect(await relatedShown(ids.cnc!)).not.toContain(ids.dryer);
    const lathe = await createListing((await createOrganisation({ name: "Xưởng Cơ khí Thủ Đức" })).id, {
      type: "EQUIPMENT_OFFER",
      title: "Máy phay CNC 3 trục Haas VF-3 đã qua sử dụng",
      summary: "Máy phay CNC 3 trục, hành trình lớn, phù hợp gia công cơ khí khuôn mẫu.",
      keywords: ["cnc", "phay", "gia công cơ khí"],
      sectorCodes: ["2.3"],
    });
    await syncListing(lathe.id);
    // The answer judged a moment ago still stands: the new machine is not judged yet.
    expect(await relatedShown(ids.cnc!)).not.toContain(lathe.id);
    // An edit is a new version of the listing: its related listings are judged again. (Like every
    // edit, it queues the listing's search job, which also tells the page to read the listing anew.)
    await prisma.$transaction(async (tx) => {
      await tx.listing.update({ where: { id: ids.cnc! }, data: { summary: "Máy phay CNC đã qua sử dụng, hành trình 762 × 406 × 508 mm, bảo dưỡng định kỳ, kèm bộ dao." } });
      await enqueueListingSync(tx, ids.cnc!);
    });
    expect(await relatedShown(ids.cnc!)).toContain(lathe.id);
  });

  it("drops a listing that stopped being public, even before the index follows", async () => {
    await prisma.listing.update({ where: { id: ids.similarOffer! }, data: { status: "ARCHIVED" } });
    expect(await relatedShown(ids.dryer!)).not.toContain(ids.similarOffer);
  });
});

const store = () => (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;

/** Runs `work` with the process's Meilisearch client (whose timeout is `timeout`) pointing at `host`. */
async function withMeilisearchAt<T>(host: string, timeout: number, work: () => Promise<T>): Promise<T> {
  const real = store().get("meilisearch");
  store().set("meilisearch", new Meilisearch({ host, timeout }));
  try {
    return await work();
  } finally {
    store().set("meilisearch", real);
  }
}

/** A Meilisearch that accepts connections and never answers (a stalled server, a full queue). */
async function withHungMeilisearch<T>(work: () => Promise<T>): Promise<T> {
  const sockets: Socket[] = [];
  const hung = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
  try {
    // The background client waits 15 s; a page must not.
    return await withMeilisearchAt(`http://127.0.0.1:${(hung.address() as { port: number }).port}`, 15_000, work);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => hung.close(r));
  }
}

const timed = async <T>(work: () => Promise<T>) => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

/** The listing page's memory of judged related listings (queries.server.ts). */
const relatedCache = () => store().get("related-listings") as LRUCache<string, object> | undefined;

describe("when Meilisearch hangs or is gone", () => {
  it("the listing page does not wait for it: related listings come from matching's term index, and are kept as usual", async () => {
    relatedCache()?.clear();
    const { value: shown, ms } = await withHungMeilisearch(() => timed(() => relatedShown(ids.dryer!)));
    // Nothing waits on the hung server (its client would wait 15 s; a page's search timeout is 1.5 s).
    expect(ms).toBeLessThan(meiliTimeouts().search);
    expect(shown).toContain(ids.need);
    expect(shown).not.toContain(ids.dryer);
    expect(shown).not.toContain(ids.cnc);
    // A full answer: kept the ten minutes, not the brief time of an answer given when the database failed.
    const keys = [...relatedCache()!.keys()].filter((key) => key.startsWith(`${ids.dryer}:`));
    expect(keys).toHaveLength(1);
    expect(relatedCache()!.getRemainingTTL(keys[0]!)).toBeGreaterThan(60_000);
  });

  it("matching jobs need no Meilisearch: they run and suggest while it is gone", async () => {
    // Indexing queued each listing's matching; Meilisearch is gone when the jobs run.
    await prisma.match.deleteMany({ where: { requestListingId: ids.need! } });
    // The need wants no particular transfer mode, so the dryer qualifies as a suggestion.
    await prisma.listing.update({ where: { id: ids.need! }, data: { transferModes: [] } });
    await enqueueListingMatching(prisma, ids.need!);
    await withMeilisearchAt(`http://127.0.0.1:${await freePort()}`, 2_000, () => runJobs(taskList));
    const failed = await prisma.$queryRaw<{ task_identifier: string; last_error: string }[]>`
      SELECT task_identifier, last_error FROM graphile_worker.jobs WHERE last_error IS NOT NULL AND task_identifier LIKE 'matching:%'`;
    expect(failed).toEqual([]);
    const suggested = await prisma.match.findMany({ where: { requestListingId: ids.need! }, select: { offerListingId: true } });
    expect(suggested.map((m) => m.offerListingId)).toContain(ids.dryer);
  });
});
