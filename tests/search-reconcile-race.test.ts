import { beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { reconcile, reindexAll, syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createOrganisation } from "./factories/index.ts";

/**
 * reconcile reads the index, then the database, over seconds at 100,000 listings: what the
 * outbox writes in between must not read as drift (it did: a scheduled pass during a
 * 5,000-row import reported 157 "missing" listings that were indexed moments later).
 */
const ids: Record<string, string> = {};

beforeAll(async () => {
  await ensureListingsIndex();
  const organisation = await createOrganisation();
  for (const key of ["indexedMeanwhile", "changedMeanwhile", "trulyMissing", "steady"]) {
    ids[key] = (await createListing(organisation.id, { title: `Máy sấy bơm nhiệt ${key}` })).id;
  }
  for (const key of ["indexedMeanwhile", "changedMeanwhile", "steady"]) await syncListing(ids[key]!);
});

describe("reconcile between a moving index and database", () => {
  it("reports only what still differs when the differences are read again", async () => {
    // The index as the pass paged it: the outbox had not yet written one listing, and had an older version of another.
    const index = listingsIndex();
    const real = index.getDocuments.bind(index);
    // Every call makes its own Index object: the spy goes on their prototype.
    const paging = vi.spyOn(Object.getPrototypeOf(index) as typeof index, "getDocuments").mockImplementation(async (query) => {
      const page = await real(query);
      if (query?.ids) return page; // the second look sees the index as it is now
      return {
        ...page,
        results: page.results
          .filter((d) => d.id !== ids.indexedMeanwhile)
          .map((d) => (d.id === ids.changedMeanwhile ? { ...d, updatedAt: d.updatedAt - 60 } : d)),
      };
    });
    try {
      const drift = await reconcile();
      expect(drift.missing).toEqual([ids.trulyMissing]);
      expect(drift.stale).toEqual([]);
      expect(drift.extra).toEqual([]);
      expect(paging.mock.calls.some(([query]) => query?.ids)).toBe(true);
    } finally {
      paging.mockRestore();
    }
  });

  it("still reports a stale and an extra document that are really there", async () => {
    await prisma.listing.update({ where: { id: ids.steady }, data: { title: "Máy sấy bơm nhiệt steady (sửa)", updatedAt: new Date(Date.now() + 5_000) } });
    await prisma.listing.update({ where: { id: ids.changedMeanwhile }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    const drift = await reconcile();
    expect(drift).toMatchObject({ missing: [ids.trulyMissing], stale: [ids.steady], extra: [ids.changedMeanwhile] });
  });

  it("a reindex right after a bulk load re-syncs nothing it wrote as it is (every listing changed within its window)", async () => {
    await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
    await prisma.listing.update({ where: { id: ids.changedMeanwhile }, data: { status: "PUBLISHED", archivedAt: null } });
    const organisation = await createOrganisation();
    for (let i = 0; i < 5; i++) await createListing(organisation.id, { title: `Lò hơi sinh khối ${i}` });
    const result = await reindexAll({ batchSize: 3 });
    expect(result.resynced).toBe(0);
    expect(await prisma.$queryRaw<unknown[]>`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'search:index-listing'`).toEqual([]);
    expect(await reconcile()).toMatchObject({ missing: [], stale: [], extra: [] });
  });
});
