/**
 * Nothing Meilisearch does can stop the server (issue #11, decision 009): a real
 * Meilisearch of this file's own, stalled with SIGSTOP and killed with SIGKILL while
 * the search page, the health check, the job worker and the real server process use it.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMeilisearch, type EmbeddedMeilisearch } from "../scripts/lib/embedded-meilisearch.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { processAlive, spawnScript } from "./setup/processes.ts";

const work = mkdtempSync(path.join(tmpdir(), "techex-faults-"));
/** A job's request gives up after this long here (the default is 15 s), so a stalled job fails fast. */
const JOB_TIMEOUT_MS = 2_500;
const supervisorLog: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let server: EmbeddedMeilisearch;
let app: Awaited<ReturnType<typeof importApp>>;
const ids: Record<string, string> = {};

/** Imported only once MEILI_HOST points at this file's Meilisearch. */
async function importApp() {
  const [db, meili, search, schema, index, sync, outbox, enqueue, matching, healthz, worker, factories] = await Promise.all([
    import("~/lib/db.server.ts"),
    import("~/lib/meili.server.ts"),
    import("~/modules/search/search.server.ts"),
    import("~/modules/search/schema.ts"),
    import("~/modules/search/index.server.ts"),
    import("~/modules/search/sync.server.ts"),
    import("~/modules/search/outbox.server.ts"),
    import("~/modules/matching/enqueue.server.ts"),
    import("~/modules/matching/matching.server.ts"),
    import("~/routes/healthz.ts"),
    import("../scripts/lib/worker.ts"),
    import("./factories/index.ts"),
  ]);
  return { ...db, ...meili, ...search, ...schema, ...index, ...sync, ...outbox, ...enqueue, ...matching, healthz: healthz.loader, ...worker, ...factories };
}

const search = (q: string) => app.searchListings(app.searchParamsSchema.parse({ q }));
const hitIds = (result: { hits: { id: string }[] }) => result.hits.map((h) => h.id);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const queue = await app.prisma.$queryRaw`SELECT key, task_identifier, queue_name, attempts, last_error, run_at, locked_at, locked_by FROM graphile_worker.jobs`;
      throw new Error(`not within ${timeoutMs} ms: ${what}; jobs queued: ${JSON.stringify(queue, null, 1)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The queued jobs with these keys (a job that succeeded is gone). */
function jobs(keys: string[]) {
  return app.prisma.$queryRaw<{ key: string; attempts: number; last_error: string | null }[]>`
    SELECT key, attempts, last_error FROM graphile_worker.jobs WHERE key = ANY(${keys}::text[])`;
}
/** No indexing or matching job is waiting (other features' jobs, such as tomorrow's digests, may be). */
const queueEmpty = async () =>
  (await app.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier IN (${app.INDEX_LISTING_TASK}, ${app.MATCH_LISTING_TASK})`)[0]!.n === 0n;

/** Stalls Meilisearch (SIGSTOP) while `during` runs; it always runs again afterwards. */
async function stalled<T>(during: () => Promise<T>): Promise<T> {
  const pid = server.pid!;
  process.kill(pid, "SIGSTOP");
  try {
    return await during();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

const enqueueSync = (listingId: string) => app.prisma.$transaction((tx) => app.enqueueListingSync(tx, listingId));
const matchesOf = async (needId: string) => (await app.prisma.match.findMany({ where: { requestListingId: needId }, select: { offerListingId: true } })).map((m) => m.offerListingId).sort();

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = await startEmbeddedMeilisearch({ dataDir: path.join(work, "meilisearch"), restartDelayMs: 2_000, log: (line) => supervisorLog.push(line) });
  process.env.MEILI_HOST = server.host;
  process.env.MEILI_MASTER_KEY = server.masterKey;
  process.env.MEILI_TIMEOUT_MS = String(JOB_TIMEOUT_MS);
  app = await importApp();
  // The app talks to this file's Meilisearch, with the default timeout for people searching.
  expect(app.meili().config.host).toBe(server.host);
  expect(app.meiliTimeouts()).toEqual({ background: JOB_TIMEOUT_MS, search: 1_500, health: 1_500 });

  await app.ensureListingsIndex();
  const provider = await app.createOrganisation({ name: "Viện Công nghệ Môi trường" });
  const seeker = await app.createOrganisation({ name: "Công ty Thủy sản Cửu Long" });
  const make = async (key: string, organisationId: string, overrides: Parameters<typeof app.createListing>[1]) => {
    ids[key] = (await app.createListing(organisationId, { keywords: [], ...overrides })).id;
    await app.syncListing(ids[key]!);
  };
  await make("wastewater", provider.id, { title: "Hệ thống xử lý nước thải chế biến thủy sản", summary: "Xử lý nước thải có COD cao đạt QCVN 11-MT:2015 cho nhà máy cá tra, lắp đặt trọn gói.", sectorCodes: ["2.7"], trl: 8, transferModes: ["TURNKEY", "TECHNICAL_ASSISTANCE"], provinceCode: "92", priceMin: 900_000_000n, priceMax: 1_500_000_000n });
  await make("dryer", provider.id, { title: "Máy sấy bơm nhiệt cho trái cây", summary: "Sấy lạnh giữ màu, tiết kiệm năng lượng 40% so với sấy nóng.", sectorCodes: ["2.3"] });
  await make("cnc", provider.id, { type: "EQUIPMENT_OFFER", title: "Máy phay CNC 3 trục Haas VF-2", summary: "Máy đã qua sử dụng, bảo dưỡng định kỳ, kèm bộ dao.", sectorCodes: ["2.3"] });
  await make("need", seeker.id, { type: "TECHNOLOGY_REQUEST", sectorCodes: ["2.7"] });
  // Indexing queued matching for each; the tests below run it themselves.
  for (const id of Object.values(ids)) await app.prisma.$executeRaw`SELECT graphile_worker.remove_job(${`match:${id}`})`;
  expect(await queueEmpty()).toBe(true);
}, 120_000);

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("a stalled Meilisearch (SIGSTOP)", () => {
  it("the search answers from PostgreSQL within the search timeout, says so, and /healthz reports search down", async () => {
    const healthy = await search("xu ly nuoc thai");
    expect(healthy.degraded).toBe(false);
    expect(hitIds(healthy)).toContain(ids.wastewater);

    await stalled(async () => {
      const { value: fallback, ms } = await timed(() => search("xu ly nuoc thai"));
      expect(fallback.degraded).toBe(true);
      expect(hitIds(fallback)).toContain(ids.wastewater);
      // 1.5 s for Meilisearch, then PostgreSQL: nowhere near the old 5 s (or a crash).
      expect(ms).toBeLessThan(4_000);

      const { value: response, ms: healthMs } = await timed(() => app.healthz());
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ database: "ok", search: "down" });
      expect(healthMs).toBeLessThan(3_000);
    });

    await until("search answers from Meilisearch again", async () => !(await search("xu ly nuoc thai")).degraded, 10_000);
    expect(unhandled).toEqual([]);
  });

  it("indexing jobs fail, are retried with backoff, and the index converges; matching, which needs no Meilisearch, goes on meanwhile", { timeout: 60_000 }, async () => {
    // What matching finds with Meilisearch healthy, to compare with after the stall.
    await app.recomputeListing(ids.need!);
    const expected = await matchesOf(ids.need!);
    expect(expected).toContain(ids.wastewater);
    await app.prisma.match.deleteMany({ where: { requestListingId: ids.need } });

    const runner = await app.startWorker(process.env.DATABASE_URL!);
    let runnerEnded = false;
    void runner.promise.finally(() => (runnerEnded = true));
    try {
      const newcomer = await app.createListing((await app.createOrganisation()).id, { title: "Thiết bị đo độ ẩm hạt cà phê cầm tay", summary: "Đo độ ẩm hạt cà phê trong 10 giây, sai số 0,5%.", sectorCodes: ["4.1"], keywords: [] });
      const keys = [`listing:${ids.dryer}`, `listing:${ids.cnc}`, `listing:${newcomer.id}`];
      const failed = await stalled(async () => {
        await app.prisma.listing.update({ where: { id: ids.dryer }, data: { title: "Máy sấy bơm nhiệt cho sầu riêng và mít" } });
        await app.prisma.listing.update({ where: { id: ids.cnc }, data: { status: "ARCHIVED" } });
        for (const id of [ids.dryer!, ids.cnc!, newcomer.id]) await enqueueSync(id);
        await app.enqueueListingMatching(app.prisma, ids.need!);
        // Each job's first attempt runs into the stall and fails with a Meilisearch error.
        await until("every job failed once", async () => {
          const rows = await jobs(keys);
          return rows.length === keys.length && rows.every((j) => j.attempts >= 1 && j.last_error !== null);
        });
        // Matching reads its candidates from PostgreSQL: the need's job runs and suggests during the stall.
        await until("the need's matching job is done during the stall", async () => (await jobs([`match:${ids.need}`])).length === 0);
        expect(await matchesOf(ids.need!)).toEqual(expect.arrayContaining(expected));
        expect(runnerEnded).toBe(false);
        return jobs(keys);
      });
      for (const job of failed) expect(job.last_error, job.key).toMatch(/Meilisearch|Request to .* has failed|timed out/i);

      // graphile-worker retries them (after e^1 ≈ 2.7 s, then longer) and they succeed.
      await until("the failed jobs and the matching they queue are done", queueEmpty, 40_000);
      expect(await app.reconcile()).toMatchObject({ missing: [], extra: [], stale: [] });
      expect(hitIds(await search("sầu riêng"))).toContain(ids.dryer);
      expect(hitIds(await search("do am hat ca phe"))).toContain(newcomer.id);
      expect(hitIds(await search("phay CNC Haas"))).not.toContain(ids.cnc);
      // Nothing matching found with Meilisearch healthy is missing after the stall.
      expect(await matchesOf(ids.need!)).toEqual(expect.arrayContaining(expected));
      expect(runnerEnded).toBe(false);
    } finally {
      await runner.stop();
    }
    expect(unhandled).toEqual([]);
  });
});

describe("a killed Meilisearch (SIGKILL)", () => {
  it("search falls back, /healthz says down, the supervisor restarts it with its data, and the index catches up", { timeout: 60_000 }, async () => {
    const documents = (await app.listingsIndex().getStats()).numberOfDocuments;
    const runner = await app.startWorker(process.env.DATABASE_URL!);
    try {
      const killed = server.pid!;
      process.kill(killed, "SIGKILL");
      await until("the server is gone", () => !processAlive(killed), 5_000);

      // Down (the supervisor waits 2 s before its first restart): a refused connection is quick.
      const { value: fallback, ms } = await timed(() => search("xu ly nuoc thai"));
      expect(fallback.degraded).toBe(true);
      expect(hitIds(fallback)).toContain(ids.wastewater);
      expect(ms).toBeLessThan(1_500);
      const response = await app.healthz();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ database: "ok", search: "down" });

      // A change made while it is down is queued, fails, and waits for it.
      await app.prisma.listing.update({ where: { id: ids.wastewater }, data: { title: "Hệ thống xử lý nước thải nhà máy cá tra, công suất 500 m³/ngày" } });
      await enqueueSync(ids.wastewater!);

      await until("the supervisor restarted it", async () => server.restarts === 1 && (await app.meili().isHealthy()), 30_000);
      expect(server.pid).not.toBe(killed);
      expect(server.host).toBe(process.env.MEILI_HOST);
      expect(supervisorLog.join("\n")).toMatch(/exited unexpectedly \(SIGKILL\); restarting it in 2\.0 s[\s\S]*restarted \(pid \d+, restart 1\)/);
      // With its data: every document is still there.
      expect((await app.listingsIndex().getStats()).numberOfDocuments).toBe(documents);

      await until("the queued change is indexed", queueEmpty, 40_000);
      expect(await app.reconcile()).toMatchObject({ missing: [], extra: [], stale: [] });
      const after = await search("ca tra 500");
      expect(after.degraded).toBe(false);
      expect(hitIds(after)).toContain(ids.wastewater);
      expect(await (await app.healthz()).json()).toMatchObject({ database: "ok", search: "ok" });
    } finally {
      await runner.stop();
    }
    expect(unhandled).toEqual([]);
  });
});

describe("a Meilisearch that answers nonsense", () => {
  it.each([
    ["a 200 that is not JSON", 200, "text/html", "<html><body>502 Bad Gateway</body></html>"],
    ["JSON of another shape", 200, "application/json", JSON.stringify({ results: "none" })],
    ["an error status", 500, "application/json", JSON.stringify({ message: "internal", code: "internal", type: "internal", link: "" })],
  ])("%s: search falls back, /healthz says down, an indexing attempt fails with an error", async (_what, status, type, body) => {
    const { createServer } = await import("node:http");
    const liar = createServer((_req, res) => res.writeHead(status, { "Content-Type": type }).end(body));
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
    const { Meilisearch } = await import("meilisearch");
    const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const real = store.get("meilisearch");
    const address = liar.address() as { port: number };
    store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${address.port}`, apiKey: server.masterKey, timeout: JOB_TIMEOUT_MS }));
    try {
      const result = await search("xu ly nuoc thai");
      expect(result.degraded).toBe(true);
      expect(hitIds(result)).toContain(ids.wastewater);
      const response = await app.healthz();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ database: "ok", search: "down" });
      await expect(app.syncListing(ids.dryer!)).rejects.toThrow();
    } finally {
      store.set("meilisearch", real);
      await new Promise((r) => liar.close(r));
    }
    expect(unhandled).toEqual([]);
  });
});

describe("the real server process", () => {
  it("answers before, during and after a stall of Meilisearch, and is still running", { timeout: 90_000 }, async () => {
    const { BUILD_PATH } = await import("../scripts/lib/app-server.ts");
    if (!existsSync(BUILD_PATH)) throw new Error("no build: run `node_modules/.bin/remix build` first (npm test does)");
    const port = await freePort();
    const run = spawnScript("scripts/serve.ts", [], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        PORT: String(port),
        DATABASE_URL: process.env.DATABASE_URL,
        MEILI_HOST: server.host,
        MEILI_MASTER_KEY: server.masterKey,
        MEILI_INDEX_PREFIX: process.env.MEILI_INDEX_PREFIX,
        MEILI_TIMEOUT_MS: String(JOB_TIMEOUT_MS),
        SESSION_SECRET: "fault-test-session-secret-0123456789abcdef",
        APP_URL: `http://127.0.0.1:${port}`,
        COOKIE_SECURE: "off",
        DEMO_DATA: "off",
        WORKER: "on",
        DATA_DIR: path.join(work, "app"),
        MAIL_OUTBOX_DIR: path.join(work, "mail"),
        LOG_LEVEL: "warn",
      },
    });
    const base = `http://127.0.0.1:${port}`;
    const get = (url: string) => fetch(`${base}${url}`, { signal: AbortSignal.timeout(10_000) });
    const apiSearch = async (q: string) => (await (await get(`/api/search?q=${encodeURIComponent(q)}`)).json()) as { degraded: boolean; hits: { id: string }[] };
    try {
      await run.waitFor(/listening on port/, 60_000);
      expect((await apiSearch("xu ly nuoc thai")).degraded).toBe(false);

      await stalled(async () => {
        const { value: page, ms } = await timed(() => get("/search?q=may"));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("search-degraded");
        expect(ms).toBeLessThan(5_000);
        const api = await apiSearch("xu ly nuoc thai");
        expect(api.degraded).toBe(true);
        expect(hitIds(api)).toContain(ids.wastewater);
        const health = await get("/healthz");
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ database: "ok", search: "down" });
        // Longer than every timeout in the process: an aborted request had its chance to end it.
        await new Promise((r) => setTimeout(r, JOB_TIMEOUT_MS + 1_000));
        expect(run.alive()).toBe(true);
        expect((await get("/")).status).toBe(200);
      });

      await until("the server searches with Meilisearch again", async () => !(await apiSearch("xu ly nuoc thai")).degraded, 15_000);
      expect(run.alive()).toBe(true);
      expect(run.output()).not.toMatch(/unhandled promise rejection|Cannot cancel a stream|serve failed/i);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect(await run.exited).toBe(0);
  });
});
