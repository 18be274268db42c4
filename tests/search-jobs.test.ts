import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { enqueueListingSync, INDEX_MAX_ATTEMPTS, INDEX_QUEUES } from "~/modules/search/outbox.server.ts";
import { listFailingSearchJobs, retrySearchJobs } from "~/modules/search/jobs.server.ts";
import { createListing, createOrganisation, createUser } from "./factories/index.ts";

describe("the search outbox's dead jobs", () => {
  it("commit with the change, coalesce per listing, and an admin sees and retries the dead ones", async () => {
    const listing = await createListing((await createOrganisation()).id);
    await prisma.$transaction(async (tx) => {
      await enqueueListingSync(tx, listing.id);
      await enqueueListingSync(tx, listing.id);
    });
    const jobs = await prisma.$queryRaw<{ id: bigint; key: string; max_attempts: number; queue_name: string }[]>`SELECT id, key, max_attempts, queue_name FROM graphile_worker.jobs WHERE key = ${`listing:${listing.id}`}`;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.max_attempts).toBe(INDEX_MAX_ATTEMPTS);
    // One listing's jobs always share a serial queue, so they cannot overlap.
    expect(jobs[0]!.queue_name).toMatch(/^search-index-\d+$/);
    expect(Number(jobs[0]!.queue_name.slice("search-index-".length))).toBeLessThan(INDEX_QUEUES);
    await prisma.$transaction((tx) => enqueueListingSync(tx, listing.id));
    expect((await prisma.$queryRaw<{ queue_name: string }[]>`SELECT queue_name FROM graphile_worker.jobs WHERE key = ${`listing:${listing.id}`}`)[0]!.queue_name).toBe(jobs[0]!.queue_name);

    // A job that used its last attempt (as the worker leaves it).
    await prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'Meilisearch task 7 failed: index not found' WHERE id = ${jobs[0]!.id}`;
    // A rolled-back change leaves no job.
    await prisma.$transaction(async (tx) => {
      await enqueueListingSync(tx, "never-committed");
      throw new Error("rollback");
    }).catch(() => {});
    expect(await prisma.$queryRaw<unknown[]>`SELECT 1 FROM graphile_worker.jobs WHERE key = 'listing:never-committed'`).toHaveLength(0);

    const admin = (await loadActor((await createUser({ roles: ["member", "admin"] })).id))!;
    const failing = await listFailingSearchJobs(admin);
    expect(failing).toEqual([expect.objectContaining({ listingId: listing.id, dead: true, lastError: "Meilisearch task 7 failed: index not found" })]);
    expect(await retrySearchJobs(admin, [failing[0]!.id])).toBe(1);
    const after = await prisma.$queryRaw<{ attempts: number; run_at: Date }[]>`SELECT attempts, run_at FROM graphile_worker.jobs WHERE id = ${jobs[0]!.id}`;
    expect(after[0]!.attempts).toBe(0);
    expect(after[0]!.run_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const member = (await loadActor((await createUser()).id))!;
    await expect(listFailingSearchJobs(member)).rejects.toMatchObject({ status: 403 });
    await expect(retrySearchJobs(member, [failing[0]!.id])).rejects.toMatchObject({ status: 403 });
  });
});
