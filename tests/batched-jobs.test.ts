import { beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";
import { taskList } from "~/modules/jobs/tasks.server.ts";
import { MATCH_LISTING_TASK } from "~/modules/matching/enqueue.server.ts";
import { resetTermStats } from "~/modules/matching/idf.server.ts";
import { recomputeListings, recomputeNeed, recomputeTimings } from "~/modules/matching/matching.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { INDEX_LISTING_TASK } from "~/modules/search/outbox.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createOrganisation } from "./factories/index.ts";

/**
 * Jobs that run at the same time share their expensive calls: the search outbox's jobs one
 * Meilisearch write, matching's jobs one candidate lookup. Each job still gets (and fails with)
 * its own listing's outcome, and a batch computes what the jobs one by one would.
 */
const ids: Record<string, string> = {};
const orgs: Record<string, string> = {};

type Overrides = NonNullable<Parameters<typeof createListing>[1]>;

const dryerNeed: Overrides = {
  type: "TECHNOLOGY_REQUEST",
  title: "Cần máy sấy bơm nhiệt cho xoài và mít sấy dẻo",
  summary: "Cơ sở chế biến trái cây cần máy sấy bơm nhiệt sấy lạnh giữ màu, công suất 500 kg mẻ.",
  problemStatement: "Sấy bằng lò than làm trái cây sẫm màu, mất hương.",
  keywords: ["máy sấy bơm nhiệt", "sấy lạnh", "trái cây sấy"],
  sectorCodes: ["2.11"],
  minTrl: 6,
  budgetMin: 100_000_000n,
  budgetMax: 900_000_000n,
  budgetCurrency: "VND",
  transferModes: ["EQUIPMENT_SALE", "TURNKEY"],
  preferredProvinceCodes: [],
};
const dryerOffer = (title: string): Overrides => ({
  type: "EQUIPMENT_OFFER",
  title,
  summary: "Máy sấy bơm nhiệt sấy lạnh cho trái cây, rau củ: giữ màu và hương, tiết kiệm điện.",
  keywords: ["máy sấy bơm nhiệt", "sấy lạnh", "trái cây sấy"],
  sectorCodes: ["2.11"],
  trl: null,
  priceType: "FIXED",
  priceMin: 350_000_000n,
  priceMax: 350_000_000n,
  currency: "VND",
  transferModes: ["EQUIPMENT_SALE"],
});

beforeAll(async () => {
  await ensureListingsIndex();
  orgs.need = (await createOrganisation({ name: "Cơ sở Trái cây sấy Tiền Giang" })).id;
  orgs.offer = (await createOrganisation({ name: "Công ty Cơ điện lạnh Sài Gòn" })).id;
  ids.need = (await createListing(orgs.need, dryerNeed)).id;
  ids.offerA = (await createListing(orgs.offer, dryerOffer("Máy sấy bơm nhiệt sấy lạnh trái cây 500 kg/mẻ"))).id;
  ids.offerB = (await createListing(orgs.offer, dryerOffer("Tủ sấy lạnh bơm nhiệt cho xoài, mít sấy dẻo"))).id;
  ids.draft = (await createListing(orgs.offer, { ...dryerOffer("Máy sấy bơm nhiệt bản nháp"), status: "DRAFT" })).id;
  for (const id of Object.values(ids)) await syncListing(id);
  resetTermStats();
});

const runTask = (task: string, listingId: string) =>
  (taskList[task] as (payload: unknown, helpers: unknown) => Promise<void>)({ listingId }, { logger: console, job: { id: "1" } });

describe("search outbox jobs that run together", () => {
  it("share one Meilisearch write, and each gets its own listing's outcome", async () => {
    await prisma.listing.update({ where: { id: ids.offerA }, data: { title: "Máy sấy bơm nhiệt sấy lạnh trái cây 600 kg/mẻ" } });
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    const adds = vi.spyOn(listingsIndex().constructor.prototype, "addDocuments");
    try {
      const outcomes = await Promise.all([syncListing(ids.offerA!), syncListing(ids.offerB!), syncListing(ids.draft!), syncListing(ids.need!)]);
      expect(outcomes).toEqual(["upserted", "deleted", "deleted", "upserted"]);
      expect(adds).toHaveBeenCalledTimes(1);
      expect((adds.mock.calls[0]![0] as { id: string }[]).map((d) => d.id).sort()).toEqual([ids.offerA, ids.need].sort());
    } finally {
      adds.mockRestore();
    }
    const doc = await listingsIndex().getDocument(ids.offerA!, { fields: ["title"] });
    expect(doc.title).toBe("Máy sấy bơm nhiệt sấy lạnh trái cây 600 kg/mẻ");
    await expect(listingsIndex().getDocument(ids.offerB!)).rejects.toThrow();
    // Matching was queued for every listing the batch wrote, once each, in its serial queue.
    const queued = await prisma.$queryRaw<{ key: string; queue_name: string }[]>`
      SELECT key, queue_name FROM graphile_worker.jobs WHERE task_identifier = ${MATCH_LISTING_TASK} AND key = ANY(${[ids.offerA, ids.offerB, ids.draft, ids.need].map((id) => `match:${id}`)}::text[])`;
    expect(queued.map((j) => j.key).sort()).toEqual([ids.offerA, ids.offerB, ids.draft, ids.need].map((id) => `match:${id}`).sort());
    expect(queued.every((j) => /^matching-\d+$/.test(j.queue_name))).toBe(true);
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "PUBLISHED", archivedAt: null } });
    await syncListing(ids.offerB!);
  });

  it("fail the jobs whose write failed, with Meilisearch's cause, and only those", async () => {
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    const adds = vi.spyOn(listingsIndex().constructor.prototype, "addDocuments").mockImplementation(() => {
      const failure = Promise.reject(new Error("Request to http://127.0.0.1:7700/indexes/listings/documents has failed", { cause: new Error("fetch failed") }));
      return Object.assign(failure, { waitTask: () => failure });
    });
    try {
      const [upsert, remove] = await Promise.allSettled([runTask(INDEX_LISTING_TASK, ids.offerA!), runTask(INDEX_LISTING_TASK, ids.offerB!)]);
      expect(upsert.status).toBe("rejected");
      expect((upsert as PromiseRejectedResult).reason.message).toBe("Request to http://127.0.0.1:7700/indexes/listings/documents has failed: fetch failed");
      // The deletion in the same batch went through.
      expect(remove.status).toBe("fulfilled");
      await expect(listingsIndex().getDocument(ids.offerB!)).rejects.toThrow();
    } finally {
      adds.mockRestore();
    }
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "PUBLISHED", archivedAt: null } });
    await Promise.all([syncListing(ids.offerA!), syncListing(ids.offerB!)]);
  });
});

describe("matching jobs that run together", () => {
  it("run as one batch (one candidate lookup, no Meilisearch call) and give each listing what its own recompute gives", async () => {
    await prisma.match.deleteMany({});
    // One by one: the need's own list.
    await recomputeNeed(ids.need!);
    const alone = await prisma.match.findMany({ where: { requestListingId: ids.need }, select: { offerListingId: true, score: true }, orderBy: { offerListingId: "asc" } });
    expect(alone.map((m) => m.offerListingId).sort()).toEqual([ids.offerA, ids.offerB].sort());
    await prisma.match.deleteMany({});

    const searches = vi.spyOn(meili(), "multiSearch");
    const batchesBefore = recomputeTimings.batches;
    try {
      await Promise.all([ids.need!, ids.offerA!, ids.offerB!, ids.draft!, "no-such-listing"].map((id) => runTask(MATCH_LISTING_TASK, id)));
      expect(recomputeTimings.batches - batchesBefore).toBe(1);
      expect(searches).not.toHaveBeenCalled();
    } finally {
      searches.mockRestore();
    }
    const together = await prisma.match.findMany({ where: { requestListingId: ids.need }, select: { offerListingId: true, score: true }, orderBy: { offerListingId: "asc" } });
    expect(together).toEqual(alone);
  });

  it("report each listing's outcome in order, a withdrawn listing's removals included", async () => {
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    const outcomes = await recomputeListings([ids.offerB!, "no-such-listing", ids.need!]);
    expect(outcomes).toEqual([
      { kind: "offer", needs: 0, created: 0, updated: 0, removed: 1 },
      { kind: "gone" },
      { kind: "need", created: 0, updated: 1, removed: 0 },
    ]);
    await prisma.listing.update({ where: { id: ids.offerB }, data: { status: "PUBLISHED", archivedAt: null } });
  });

  it("fail together when the candidate lookup fails, so every job is retried", async () => {
    // The term index is unreadable (a real failure of the lookup's statement, not a mock).
    await prisma.$executeRawUnsafe(`ALTER TABLE "MatchTerm" RENAME TO "MatchTermAway"`);
    try {
      const batchesBefore = recomputeTimings.batches;
      const outcomes = await Promise.allSettled([runTask(MATCH_LISTING_TASK, ids.need!), runTask(MATCH_LISTING_TASK, ids.offerA!)]);
      expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
      expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual([expect.stringMatching(/MatchTerm/), expect.stringMatching(/MatchTerm/)]);
      expect(recomputeTimings.batches - batchesBefore).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "MatchTermAway" RENAME TO "MatchTerm"`);
    }
  });

});
