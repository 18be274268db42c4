import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Meilisearch } from "meilisearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { transitionListing } from "~/modules/listings/listings.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { enqueueListingSync } from "~/modules/search/outbox.server.ts";
import { RECONCILE_TASK, runReconcilePass } from "~/modules/search/reconcile.server.ts";
import { reconcile, reindexAll, syncListing } from "~/modules/search/sync.server.ts";
import { action as adminSearchAction, loader as adminSearchLoader } from "~/routes/admin.search.tsx";
import { loader as listingLoader } from "~/routes/listings.$id.tsx";
import { action as viewAction } from "~/routes/listings.$id_.view.tsx";
import { freePort } from "../scripts/lib/ports.ts";
import { startWorker } from "../scripts/lib/worker.ts";
import { cookieFor } from "./factories/alerts.ts";
import { createListing, createMemberWithOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, freshIp, getRequest, settle } from "./setup/requests.ts";

/**
 * The safety nets behind the search outbox (DESIGN.md §5): the scheduled reconcile
 * that finds and repairs drift and reports it on /admin/search, a full reindex that
 * keeps the changes made while it builds, and a view that is not an edit.
 */
const store = () => (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
const ids: Record<string, string> = {};
let owner: NonNullable<Awaited<ReturnType<typeof loadActor>>>;
let runner: Awaited<ReturnType<typeof startWorker>> | undefined;

/**
 * The job worker, as the app runs it (started once, by the first test that needs it),
 * without its start-up reconcile: each test runs the passes it is about, and a repair
 * must be the work of the code under test, not of a pass that happened to run.
 */
async function worker() {
  if (runner) return;
  runner = await startWorker(process.env.DATABASE_URL!);
  await prisma.$executeRaw`SELECT graphile_worker.complete_jobs(array_agg(id)) FROM graphile_worker.jobs WHERE task_identifier = ${RECONCILE_TASK} AND attempts = 0`;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const jobs = await prisma.$queryRaw`SELECT task_identifier, attempts, last_error, run_at, locked_at FROM graphile_worker.jobs ORDER BY id`;
      throw new Error(`not within ${timeoutMs} ms: ${what}; drift ${JSON.stringify(await reconcile())}; jobs ${JSON.stringify(jobs, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Every document's title, by id. */
async function indexedTitles(): Promise<Map<string, string>> {
  const page = await listingsIndex().getDocuments({ fields: ["id", "title"], limit: 1_000 });
  return new Map(page.results.map((d) => [d.id, d.title]));
}

const noDrift = async () => {
  const drift = await reconcile();
  return drift.missing.length + drift.stale.length + drift.extra.length === 0;
};

/** The built app (the test command builds it first), to see the HTML a browser gets. */
async function renderedPage(url: string, cookie?: string) {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
  const headers = new Headers({ "Accept-Language": "en" });
  if (cookie) headers.set("Cookie", cookie);
  return createRequestHandler(build, "production")(new Request(`http://localhost${url}`, { headers }), { clientIp: "203.0.113.7" });
}

beforeAll(async () => {
  await ensureListingsIndex();
  const { user, organisation } = await createMemberWithOrganisation({ organisation: { name: "Trung tâm Chuyển giao Công nghệ Thử nghiệm" } });
  owner = (await loadActor(user.id))!;
  const titles = {
    missing: "Máy ép viên nén mùn cưa công suất 1 tấn/giờ",
    stale: "Dây chuyền sấy xoài dẻo giữ màu",
    extra: "Giống lúa chịu mặn cho vùng ven biển",
    pending: "Thiết bị lọc nước giếng khoan nhiễm phèn",
    steady: "Hệ thống tưới nhỏ giọt điều khiển qua điện thoại",
  };
  for (const [key, title] of Object.entries(titles)) {
    ids[key] = (await createListing(organisation.id, { title, keywords: [] })).id;
    await syncListing(ids[key]!);
  }
  // Indexing queued matching for each; these tests are about the index, not matches.
  await prisma.$executeRaw`SELECT graphile_worker.complete_jobs(array_agg(id)) FROM graphile_worker.jobs`;
  expect(await noDrift()).toBe(true);
});

afterAll(async () => {
  await runner?.stop();
});

describe("the scheduled search reconcile", () => {
  it("finds a missing, a stale and an extra document, queues their repair in the outbox, and records what it found", { timeout: 120_000 }, async () => {
    // Drift the outbox never heard of: a lost document, an edit and an unpublish made behind its back.
    await listingsIndex().deleteDocument(ids.missing!).waitTask({ timeout: 60_000 });
    // updatedAt a few seconds on: documents keep it in whole seconds, and an edit within the second it was indexed reads as current.
    await prisma.listing.update({ where: { id: ids.stale }, data: { title: "Dây chuyền sấy xoài dẻo 2 tấn mỗi ngày", updatedAt: new Date(Date.now() + 3_000) } });
    await prisma.listing.update({ where: { id: ids.extra }, data: { status: "ARCHIVED" } });
    // A change on its way (committed with its outbox job) is not drift.
    await prisma.$transaction(async (tx) => {
      await tx.listing.update({ where: { id: ids.pending }, data: { title: "Thiết bị lọc nước giếng khoan nhiễm phèn và sắt", updatedAt: new Date(Date.now() + 3_000) } });
      await enqueueListingSync(tx, ids.pending!);
    });

    const report = await runReconcilePass("SCHEDULE");
    expect(report).toMatchObject({ trigger: "SCHEDULE", error: null, published: 4, indexed: 4, missing: 1, stale: 1, extra: 1, pending: 1, repaired: 3 });
    expect(report.finishedAt).not.toBeNull();
    expect(report.sampleIds).toEqual({ missing: [ids.missing], stale: [ids.stale], extra: [ids.extra] });
    // The pass itself wrote nothing to the index: the repairs wait in the outbox…
    const before = await indexedTitles();
    expect(before.has(ids.missing!)).toBe(false);
    expect(before.has(ids.extra!)).toBe(true);

    // …and the worker applies them, in each listing's serial queue.
    await worker();
    await until("the index to match the database", noDrift);
    const after = await indexedTitles();
    expect(after.has(ids.missing!)).toBe(true);
    expect(after.get(ids.stale!)).toBe("Dây chuyền sấy xoài dẻo 2 tấn mỗi ngày");
    expect(after.get(ids.pending!)).toBe("Thiết bị lọc nước giếng khoan nhiễm phèn và sắt");
    expect(after.has(ids.extra!)).toBe(false);
    expect((await listingsIndex().search("sấy xoài dẻo 2 tấn")).hits.map((h) => h.id)).toContain(ids.stale);
  });

  it("records a pass that could not reach Meilisearch, with the reason, instead of throwing", async () => {
    const real = store().get("meilisearch");
    store().set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await freePort()}`, timeout: 2_000 }));
    try {
      const report = await runReconcilePass("SCHEDULE");
      expect(report.finishedAt).not.toBeNull();
      expect(report.error).toMatch(/^Request to http:\/\/127\.0\.0\.1:\d+\/indexes\S* has failed: fetch failed: connect ECONNREFUSED/);
    } finally {
      store().set("meilisearch", real);
    }
  });
});

describe("/admin/search's reconcile reports", () => {
  it("shows an admin each pass: when, why, the counts, the differing listings, and a failure's reason", async () => {
    const admin = await createUser({ roles: ["member", "admin"] });
    const response = await renderedPage("/admin/search", await cookieFor(admin.id));
    expect(response.status).toBe(200);
    const html = await response.text();
    const table = html.slice(html.indexOf('data-testid="reconcile-reports"'));
    expect(table).not.toBe(html);
    expect(table).toContain("Schedule");
    expect(table).toContain("4 public listings, 4 documents");
    for (const key of ["missing", "stale", "extra"]) expect(table).toContain(`href="/moderation/${ids[key]}"`);
    expect(table).not.toContain(`href="/moderation/${ids.pending}"`);
    expect(table).toMatch(/Failed: Request to http:\/\/127\.0\.0\.1:\d+\/indexes\S* has failed: fetch failed: connect ECONNREFUSED/);
  });

  it("lets an admin ask for a pass now, which the worker runs and reports", { timeout: 90_000 }, async () => {
    await worker();
    const admin = await createUser({ roles: ["member", "admin"] });
    const cookie = await cookieFor(admin.id);
    const asked = await settle(call(adminSearchAction, await formRequest("/admin/search", { intent: "reconcile" }, { cookie })));
    expect(await asked.json()).toMatchObject({ reconcileQueued: true });
    const manual = await until("the manual pass's report", () =>
      prisma.searchReconcileReport.findFirst({ where: { trigger: "MANUAL", finishedAt: { not: null } } }).then((r) => r ?? undefined),
    );
    expect(manual).toMatchObject({ error: null, missing: 0, stale: 0, extra: 0, repaired: 0, published: 4, indexed: 4 });
    const data = await (await settle(call(adminSearchLoader, getRequest("/admin/search", cookie)))).json();
    expect(data.reports[0]).toMatchObject({ id: manual.id, trigger: "MANUAL" });
  });

  it("is not for members or visitors", async () => {
    const member = await createUser();
    const cookie = await cookieFor(member.id);
    const page = await renderedPage("/admin/search", cookie);
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).not.toContain("reconcile-reports");
    expect(html).not.toContain(ids.missing);
    expect((await settle(call(adminSearchLoader, getRequest("/admin/search", cookie)))).status).toBe(403);
    expect((await settle(call(adminSearchAction, await formRequest("/admin/search", { intent: "reconcile" }, { cookie })))).status).toBe(403);
    const visitor = await renderedPage("/admin/search");
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("a full reindex", () => {
  it("keeps an edit and an unpublish made while it builds", { timeout: 180_000 }, async () => {
    await worker();
    await until("a clean start", noDrift);
    const order = await prisma.listing.findMany({ where: { status: "PUBLISHED" }, orderBy: { id: "asc" }, select: { id: true } });
    // Pages of two, in id order: both are in the first page, already copied when they change.
    const [edited, unpublished] = order.map((r) => r.id);
    const title = "Bản sửa trong lúc dựng lại chỉ mục: máy ép viên nén trấu";
    let changedDuringBuild = false;
    const result = await reindexAll({
      batchSize: 2,
      onProgress: async () => {
        if (changedDuringBuild) return;
        changedDuringBuild = true;
        await prisma.$transaction(async (tx) => {
          await tx.listing.update({ where: { id: edited }, data: { title } });
          await enqueueListingSync(tx, edited!);
        });
        expect(await transitionListing(owner, unpublished!, "archive")).toEqual({ ok: true, status: "ARCHIVED" });
        // The outbox delivers both to the live index while the new one is still being built from older rows.
        await until("the live index to have both changes", async () => {
          const live = await indexedTitles();
          return live.get(edited!) === title && !live.has(unpublished!);
        });
      },
    });
    expect(changedDuringBuild).toBe(true);
    expect(result.documents).toBe(order.length);
    expect(result.resynced).toBeGreaterThanOrEqual(2);

    // The build copied both before they changed; the swap brought the old versions back, and the re-sync it queued repairs them.
    await until("the swapped-in index to have caught up", async () => {
      const titles = await indexedTitles();
      return titles.get(edited!) === title && !titles.has(unpublished!) && (await noDrift());
    }, 30_000);
    expect((await listingsIndex().search("máy ép viên nén trấu")).hits.map((h) => h.id)).toContain(edited);
  });
});

describe("a listing view", () => {
  it("counts, but is not an edit: updatedAt stays and the search document stays current", async () => {
    const { id } = await createListing((await createMemberWithOrganisation()).organisation.id, { title: "Máy đo độ ngọt trái cây cầm tay", updatedAt: new Date(Date.now() - 86_400_000) });
    await syncListing(id);
    const { updatedAt, viewCount } = await prisma.listing.findUniqueOrThrow({ where: { id }, select: { updatedAt: true, viewCount: true } });
    // The page as the public gets it, then the view it reports once shown.
    const page = await settle(call(listingLoader, getRequest(`/listings/${id}`), { params: { id } }));
    expect(page.status).toBe(200);
    const ip = freshIp();
    const viewed = await settle(call(viewAction, new Request(`http://localhost/listings/${id}/view`, { method: "POST" }), { params: { id }, clientIp: ip }));
    expect(await viewed.json()).toEqual({ counted: true });
    const after = await prisma.listing.findUniqueOrThrow({ where: { id }, select: { updatedAt: true, viewCount: true } });
    expect(after.viewCount).toBe(viewCount + 1);
    expect(after.updatedAt).toEqual(updatedAt);
    const drift = await reconcile();
    expect(drift.stale).not.toContain(id);
    expect(drift.missing).not.toContain(id);
  });
});
