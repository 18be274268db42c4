import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { Meilisearch } from "meilisearch";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { recordHeartbeat, releaseDeadWorkerLocks, STALE_AFTER_SECONDS } from "~/modules/jobs/liveness.server.ts";
import { importCatalogue } from "~/modules/listings/import.server.ts";
import { enqueueListingSync, INDEX_LISTING_TASK, INDEX_QUEUES } from "~/modules/search/outbox.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { reconcile } from "~/modules/search/sync.server.ts";
import { startEmbeddedMeilisearch, type EmbeddedMeilisearch } from "../scripts/lib/embedded-meilisearch.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { startWorker } from "../scripts/lib/worker.ts";
import { createListing, createMembership, createOrganisation, createUser } from "./factories/index.ts";

/**
 * Issue #11 §2: a worker killed with -9 while it holds graphile-worker's queue
 * locks must not leave those queues stuck (graphile-worker 0.16 waits 4 hours);
 * a restart brings the index back in line within a minute, and a live worker's
 * locks are never taken from it.
 */
const store = () => (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
const work = mkdtempSync(path.join(tmpdir(), "techex-crash-"));
let server: EmbeddedMeilisearch;
let real: unknown;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Its own Meilisearch, so it can be frozen (SIGSTOP) without disturbing other test files.
  server = await startEmbeddedMeilisearch({ dataDir: path.join(work, "meili"), port: await freePort() });
  real = meili();
  store().set("meilisearch", new Meilisearch({ host: server.host, apiKey: server.masterKey, timeout: 10_000 }));
  await ensureListingsIndex();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  if (server.pid) process.kill(server.pid, "SIGCONT");
  store().set("meilisearch", real);
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** `tsx scripts/search.ts worker` as one OS process (node --import tsx), so SIGKILL kills the worker itself. */
function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/search.ts", "worker"], {
    env: {
      ...process.env,
      MEILI_HOST: server.host,
      MEILI_MASTER_KEY: server.masterKey,
      // Requests to the frozen Meilisearch hang instead of failing, so the jobs keep their locks.
      MEILI_TIMEOUT_MS: "300000",
      // Two jobs at a time, so the test knows how many locks the worker takes.
      WORKER_CONCURRENCY: "2",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  children.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The worker ids of a process, from the heartbeats it writes. */
async function workerIdsOf(pid: number): Promise<string[]> {
  const rows = await prisma.workerHeartbeat.findMany({ where: { process: `${hostname()}:${pid}` }, select: { workerId: true } });
  return rows.map((r) => r.workerId);
}

async function queueLocksHeldBy(workerIds: string[]) {
  return prisma.$queryRaw<{ queue_name: string; locked_by: string }[]>`
    SELECT queue_name, locked_by FROM graphile_worker._private_job_queues WHERE locked_by = ANY(${workerIds}::text[])`;
}

/** Locks a queue and its jobs as graphile-worker's get_job does, by a given worker, that long ago. */
function lockQueue(queue: string, worker: string, age: string) {
  return prisma.$executeRaw`
    WITH q AS (UPDATE graphile_worker._private_job_queues SET locked_by = ${worker}, locked_at = now() - ${age}::interval WHERE queue_name = ${queue} RETURNING id)
    UPDATE graphile_worker._private_jobs SET locked_by = ${worker}, locked_at = now() - ${age}::interval WHERE job_queue_id IN (SELECT id FROM q)`;
}

function catalogueRow(ref: string, title: string) {
  return {
    externalRef: ref,
    type: "TECHNOLOGY_OFFER",
    language: "vi",
    title,
    summary: "Quy trình đã vận hành tại doanh nghiệp, chuyển giao kèm đào tạo và hỗ trợ kỹ thuật.",
    sectors: ["2.11"],
    province: "Cần Thơ",
    trl: 7,
    ipStatus: "KNOW_HOW",
    transferModes: ["LICENSE_NON_EXCLUSIVE"],
    price: { type: "NEGOTIABLE", min: 100_000_000, max: 300_000_000, currency: "VND" },
    organisation: { name: "Trung tâm Ứng dụng tiến bộ KH&CN (thử nghiệm sự cố)", kind: "RESEARCH_INSTITUTE" },
  };
}

describe("after a worker is killed with -9 mid-import", () => {
  it("a restarted worker releases the dead worker's queue locks and the index matches the database within a minute", { timeout: 240_000 }, async () => {
    const brokerUser = await createUser({ roles: ["member", "broker"] });
    await createMembership(brokerUser.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
    const broker = (await loadActor(brokerUser.id))!;

    const child = spawnWorker();
    const childIds = await until("the worker's heartbeats", async () => {
      const ids = await workerIdsOf(child.pid!);
      return ids.length === 2 && ids;
    }, 60_000);

    // Meilisearch freezes; the import commits 40 listings, each with its outbox job over the INDEX_QUEUES queues.
    process.kill(server.pid!, "SIGSTOP");
    const rows = Array.from({ length: 40 }, (_, i) => catalogueRow(`crash-${i}`, `Công nghệ sấy nông sản số ${i} tiết kiệm điện`));
    const report = await importCatalogue(broker, { fileName: "catalogue.json", content: JSON.stringify(rows) });
    expect(report.created, JSON.stringify(report.rows.slice(0, 2))).toBe(40);
    // The worker took jobs and holds their queues while it waits on Meilisearch.
    const held = await until("the worker to hold queue locks", async () => {
      const locks = await queueLocksHeldBy(childIds);
      return locks.length === 2 && locks;
    }, 30_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    process.kill(server.pid!, "SIGCONT");
    expect(held.every((l) => l.queue_name.startsWith("search-index-"))).toBe(true);

    // Changes keep coming after the crash, some of them in the queues the dead worker holds.
    const imported = await prisma.listing.findMany({ where: { externalRef: { startsWith: "crash-" } }, select: { id: true, externalRef: true } });
    const lockedQueues = new Set(held.map((l) => l.queue_name));
    const inLockedQueue = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Listing" WHERE id = ANY(${imported.map((l) => l.id)}::text[])
        AND ('search-index-' || (hashtext(id) & ${INDEX_QUEUES - 1})) = ANY(${[...lockedQueues]}::text[]) LIMIT 1`;
    expect(inLockedQueue).toHaveLength(1);
    const changed = inLockedQueue[0]!.id;
    await prisma.$transaction(async (tx) => {
      await tx.listing.update({ where: { id: changed }, data: { title: "Công nghệ sấy lạnh thanh long sau sự cố" } });
      await enqueueListingSync(tx, changed);
    });
    const archived = imported.find((l) => l.id !== changed)!.id;
    await prisma.$transaction(async (tx) => {
      await tx.listing.update({ where: { id: archived }, data: { status: "ARCHIVED" } });
      await enqueueListingSync(tx, archived);
    });

    // The restart: a new worker (the app's startWorker), no command by hand.
    const restartedAt = Date.now();
    const runner = await startWorker(process.env.DATABASE_URL!);
    try {
      await until("the index to match the database", async () => {
        if (Date.now() - restartedAt > 58_000) {
          const state = {
            drift: await reconcile(),
            jobs: await prisma.$queryRaw`SELECT task_identifier, queue_name, attempts, max_attempts, locked_by, locked_at, run_at, last_error FROM graphile_worker.jobs ORDER BY id`,
            queues: await prisma.$queryRaw`SELECT queue_name, locked_by, locked_at FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL`,
            heartbeats: await prisma.$queryRaw`SELECT "workerId", process, "seenAt", now() AS now FROM "WorkerHeartbeat"`,
          };
          console.log(JSON.stringify(state, (_k, v) => (typeof v === "bigint" ? String(v) : v), 1).slice(0, 6000));
        }
        const drift = await reconcile();
        const waiting = await prisma.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = ${INDEX_LISTING_TASK} AND attempts < max_attempts`;
        return drift.missing.length + drift.stale.length + drift.extra.length === 0 && waiting[0]!.n === 0n;
      }, 60_000);
      const seconds = (Date.now() - restartedAt) / 1000;
      console.log(`index matched the database ${seconds.toFixed(1)} s after the restart`);
      expect(seconds).toBeLessThan(60);
      // Nothing lost: every imported listing is searchable, the later edit and archive are applied.
      const indexed = await listingsIndex().getDocuments({ fields: ["id", "title"], limit: 1000 });
      const byId = new Map(indexed.results.map((d) => [d.id, d.title]));
      for (const { id } of imported) if (id !== archived) expect(byId.has(id), id).toBe(true);
      expect(byId.get(changed)).toBe("Công nghệ sấy lạnh thanh long sau sự cố");
      expect(byId.has(archived)).toBe(false);
      expect(await queueLocksHeldBy(childIds)).toEqual([]);
    } finally {
      await runner.stop();
    }
  });
});

describe("a live worker's locks", () => {
  it("are never released, however old, while its heartbeat is fresh; a dead worker's are", { timeout: 120_000 }, async () => {
    const child = spawnWorker();
    const liveIds = await until("the worker's heartbeats", async () => {
      const ids = await workerIdsOf(child.pid!);
      return ids.length === 2 && ids;
    }, 60_000);
    process.kill(server.pid!, "SIGSTOP");
    try {
      const organisation = await createOrganisation();
      const listing = await createListing(organisation.id);
      await prisma.$transaction((tx) => enqueueListingSync(tx, listing.id));
      const [liveLock] = await until("the live worker to hold a queue", async () => {
        const locks = await queueLocksHeldBy(liveIds);
        return locks.length > 0 && locks;
      }, 30_000);
      // As if its job had been running for ten minutes (a long matching pass, a slow Meilisearch).
      await prisma.$executeRaw`UPDATE graphile_worker._private_job_queues SET locked_at = now() - interval '10 minutes' WHERE locked_by = ${liveLock!.locked_by}`;
      await prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '10 minutes' WHERE locked_by = ${liveLock!.locked_by}`;

      // A dead worker's lock, as old, with a heartbeat that stopped a minute ago (on a job no live worker could take).
      await prisma.$executeRaw`SELECT graphile_worker.add_job('liveness:noop', '{}'::json, queue_name := 'liveness-dead', run_at := now() + interval '1 day')`;
      await lockQueue("liveness-dead", "worker-dead-test", "10 minutes");
      await prisma.$executeRaw`INSERT INTO "WorkerHeartbeat" ("workerId", process, "seenAt", "updatedAt") VALUES ('worker-dead-test', 'gone:1', now() - interval '1 minute', now())`;

      // Another process's sweep (the app's startWorker) runs at start and every few seconds.
      const runner = await startWorker(process.env.DATABASE_URL!, { concurrency: 1 });
      try {
        await until("the dead worker's lock to be released", async () => (await queueLocksHeldBy(["worker-dead-test"])).length === 0, 20_000);
        // Several sweeps later the live worker still holds its queue and job.
        await new Promise((r) => setTimeout(r, 12_000));
        // It may have taken another queue meanwhile (a matching job); the one it held stays held.
        expect(await queueLocksHeldBy(liveIds)).toContainEqual(liveLock);
        // By lock holder, not by key: a job re-added under the same key while one is locked becomes a second row.
        const liveJobs = await prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs WHERE locked_by = ${liveLock!.locked_by}`;
        expect(Number(liveJobs[0]!.count)).toBeGreaterThan(0);
      } finally {
        await runner.stop();
      }
    } finally {
      child.kill("SIGKILL");
      process.kill(server.pid!, "SIGCONT");
    }
  });

  it("the sweep judges each holder: fresh heartbeat kept, stale heartbeat or none with an old lock released, a young lock kept", async () => {
    const queues: string[] = [];
    for (let i = 0; i < 4; i++) {
      const name = `liveness-test-${i}`;
      queues.push(name);
      await prisma.$executeRaw`SELECT graphile_worker.add_job('liveness:noop', '{}'::json, queue_name := ${name}, run_at := now() + interval '1 day')`;
    }
    const lock = lockQueue;
    await lock(queues[0]!, "w-fresh", "1 hour");
    await lock(queues[1]!, "w-stale", "1 hour");
    await lock(queues[2]!, "w-none-old", `${STALE_AFTER_SECONDS + 5} seconds`);
    await lock(queues[3]!, "w-none-young", "2 seconds");
    const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    await recordHeartbeat(db, ["w-fresh"]);
    await prisma.$executeRaw`INSERT INTO "WorkerHeartbeat" ("workerId", process, "seenAt", "updatedAt") VALUES ('w-stale', 'gone:2', now() - interval '5 minutes', now())`;

    const released = await releaseDeadWorkerLocks(db).finally(() => db.end());
    expect(released.sort()).toEqual(["w-none-old", "w-stale"]);
    const left = await prisma.$queryRaw<{ queue_name: string; locked_by: string | null }[]>`
      SELECT queue_name, locked_by FROM graphile_worker._private_job_queues WHERE queue_name LIKE 'liveness-test-%' ORDER BY queue_name`;
    expect(left).toEqual([
      { queue_name: queues[0], locked_by: "w-fresh" },
      { queue_name: queues[1], locked_by: null },
      { queue_name: queues[2], locked_by: null },
      { queue_name: queues[3], locked_by: "w-none-young" },
    ]);
    const jobs = await prisma.$queryRaw<{ locked_by: string | null }[]>`
      SELECT j.locked_by FROM graphile_worker._private_jobs j JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE q.queue_name LIKE 'liveness-test-%' ORDER BY q.queue_name`;
    expect(jobs.map((j) => j.locked_by)).toEqual(["w-fresh", null, null, "w-none-young"]);
  });
});
