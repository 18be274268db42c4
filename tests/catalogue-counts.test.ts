import { parseCrontab } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { crontab, taskList } from "~/modules/jobs/tasks.server.ts";
import { getCatalogueCounts, REFRESH_CATALOGUE_COUNTS_TASK, refreshCatalogueCounts } from "~/modules/listings/catalogue-counts.server.ts";
import { transitionListing } from "~/modules/listings/listings.server.ts";
import { loader as homeLoader } from "~/routes/_index.tsx";
import { generateListings } from "../prisma/seed/synthetic.ts";
import { runJobs } from "./factories/alerts.ts";
import { createListing, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./factories/index.ts";
import { call, getRequest } from "./setup/requests.ts";

/** Issue #17, point 2: the home page's counts come from a summary the worker keeps, never from a count per visit. */

type Home = { counts: Record<"TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST" | "organisations", number>; sectors: { code: string; count: number }[] };

/** What the home page shows: its loader's data. */
async function home() {
  const response = await call(homeLoader, getRequest("/"));
  const data = (await response.json()) as Home;
  return { ...data.counts, sector: (code: string) => data.sectors.find((s) => s.code === code)!.count };
}

/** The refresh job queued by listing changes, if one is waiting. */
async function refreshJob() {
  const rows = await prisma.$queryRaw<{ run_at: Date; queue_name: string }[]>`
    SELECT run_at, queue_name FROM graphile_worker.jobs WHERE task_identifier = ${REFRESH_CATALOGUE_COUNTS_TASK} AND key = 'catalogue-counts'`;
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0] ?? null;
}

/** Runs the waiting refresh now instead of in a few seconds (only that task, so no other job runs). */
async function runRefreshJob() {
  await prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = 'catalogue-counts'`;
  const log = await runJobs({ [REFRESH_CATALOGUE_COUNTS_TASK]: taskList[REFRESH_CATALOGUE_COUNTS_TASK]! });
  expect(log.filter((l) => l.startsWith("error"))).toEqual([]);
  expect(await refreshJob()).toBeNull();
}

async function broker() {
  const user = await createUser({ roles: ["member", "broker"] });
  await createMembership(user.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
  return (await loadActor(user.id))!;
}

describe("the home page's catalogue counts", () => {
  it("are counted once on a database never counted, then served from the summary until a refresh", async () => {
    expect(await prisma.catalogueCount.count()).toBe(0);
    const organisation = await createOrganisation();
    // Two sub-fields of field 2 count once there; field 4 counts it too.
    await createListing(organisation.id, { sectorCodes: ["2.3", "2.11", "4.1"] });
    await createListing(organisation.id, { type: "EQUIPMENT_OFFER", sectorCodes: ["2.3"] });
    await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", sectorCodes: ["4.1"] });
    // Not public: a draft, and a published listing past its expiry that the nightly job has not expired yet.
    await createListing(organisation.id, { status: "DRAFT", sectorCodes: ["2.3"] });
    await createListing(organisation.id, { sectorCodes: ["2.3"], publishedAt: new Date(Date.now() - 400 * 86_400_000), expiresAt: new Date(Date.now() - 60_000) });
    const organisations = await prisma.organisation.count();

    const first = await home();
    expect(first).toMatchObject({ TECHNOLOGY_OFFER: 1, EQUIPMENT_OFFER: 1, TECHNOLOGY_REQUEST: 1, organisations });
    expect([first.sector("2"), first.sector("4"), first.sector("5")]).toEqual([2, 2, 0]);
    const stored = await prisma.catalogueCount.findMany({ select: { countedAt: true } });
    expect(stored.length).toBeGreaterThan(0);

    // Rows written past the outbox (as a bulk load does) are not seen: the page reads the summary, not the catalogue.
    await createListing(organisation.id, { type: "EQUIPMENT_OFFER", sectorCodes: ["5.1"] });
    await createOrganisation();
    const again = await home();
    expect(again).toMatchObject({ TECHNOLOGY_OFFER: 1, EQUIPMENT_OFFER: 1, organisations });
    expect(again.sector("5")).toBe(0);
    expect((await prisma.catalogueCount.findMany({ select: { countedAt: true } })).map((r) => r.countedAt)).toEqual(stored.map((r) => r.countedAt));

    // The scheduled refresh (the same task as the cron line) counts them.
    await taskList[REFRESH_CATALOGUE_COUNTS_TASK]!({}, {} as never);
    const refreshed = await home();
    expect(refreshed).toMatchObject({ TECHNOLOGY_OFFER: 1, EQUIPMENT_OFFER: 2, organisations: organisations + 1 });
    expect(refreshed.sector("5")).toBe(1);
  });

  it("are recounted by a job queued when a listing is published or archived, a few seconds later, once per burst", async () => {
    await refreshCatalogueCounts();
    const moderator = await broker();
    const { user, organisation } = await createMemberWithOrganisation();
    const owner = (await loadActor(user.id))!;
    const before = await home();
    const pending = await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", status: "PENDING_REVIEW", sectorCodes: ["3.1"] });
    const other = await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", status: "PENDING_REVIEW", sectorCodes: ["3.1"] });

    const approvedAt = Date.now();
    expect(await transitionListing(moderator, pending.id, "approve")).toEqual({ ok: true, status: "PUBLISHED" });
    const queued = (await refreshJob())!;
    expect(queued.queue_name).toBe("catalogue-counts");
    expect(queued.run_at.getTime()).toBeGreaterThan(approvedAt + 5_000);
    // A second change joins the waiting refresh and keeps its time: a burst cannot postpone it.
    expect(await transitionListing(moderator, other.id, "approve")).toEqual({ ok: true, status: "PUBLISHED" });
    expect((await refreshJob())!.run_at).toEqual(queued.run_at);

    // Until it runs, the page shows the figures it had.
    expect((await home()).TECHNOLOGY_REQUEST).toBe(before.TECHNOLOGY_REQUEST);
    await runRefreshJob();
    const published = await home();
    expect(published.TECHNOLOGY_REQUEST).toBe(before.TECHNOLOGY_REQUEST + 2);
    expect(published.sector("3")).toBe(before.sector("3") + 2);

    expect(await transitionListing(owner, pending.id, "archive")).toEqual({ ok: true, status: "ARCHIVED" });
    expect(await refreshJob()).not.toBeNull();
    expect((await home()).TECHNOLOGY_REQUEST).toBe(before.TECHNOLOGY_REQUEST + 2);
    await runRefreshJob();
    const archived = await home();
    expect(archived.TECHNOLOGY_REQUEST).toBe(before.TECHNOLOGY_REQUEST + 1);
    expect(archived.sector("3")).toBe(before.sector("3") + 1);
  });

  it("are kept by the cron schedule too, in the same queue and under the same key as the queued refresh", async () => {
    const item = parseCrontab(crontab).find((i) => i.task === REFRESH_CATALOGUE_COUNTS_TASK);
    expect(item?.options).toMatchObject({ queueName: "catalogue-counts", jobKey: "catalogue-counts", jobKeyMode: "preserve_run_at" });
    expect(crontab).toContain(`*/5 * * * * ${REFRESH_CATALOGUE_COUNTS_TASK} `);
  });

  it("survive concurrent refreshes and first reads: one set of figures, the newest", async () => {
    await prisma.catalogueCount.deleteMany();
    const results = await Promise.all([getCatalogueCounts(), getCatalogueCounts(), refreshCatalogueCounts(), refreshCatalogueCounts()]);
    const expected = await prisma.listing.count({ where: { status: "PUBLISHED", type: "TECHNOLOGY_OFFER", OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] } });
    for (const counts of results) expect(counts.byType.TECHNOLOGY_OFFER).toBe(expected);
    const rows = await prisma.catalogueCount.findMany({ select: { countedAt: true } });
    expect(new Set(rows.map((r) => r.countedAt.getTime())).size).toBe(1);
    expect((await getCatalogueCounts()).countedAt.getTime()).toBe(Math.max(...results.map((r) => r.countedAt.getTime())));
  });

  it("are recounted, and the statistics refreshed, at the end of a bulk load", async () => {
    const before = await home();
    const generated = await generateListings(120, { seed: 11, batchSize: 50 });
    const after = await home();
    expect(after.TECHNOLOGY_OFFER + after.EQUIPMENT_OFFER + after.TECHNOLOGY_REQUEST).toBe(before.TECHNOLOGY_OFFER + before.EQUIPMENT_OFFER + before.TECHNOLOGY_REQUEST + generated.listings);
    expect(after.organisations).toBe(before.organisations + generated.organisations);
    // ANALYZE reads every row of a table this small: the planner's row count is exact.
    const [planned] = await prisma.$queryRaw<{ reltuples: number }[]>`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = '"Listing"'::regclass`;
    expect(planned!.reltuples).toBe(await prisma.listing.count());
  });
});
