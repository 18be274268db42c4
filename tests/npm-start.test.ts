/**
 * The newcomer's path: `npm start` with nothing configured (embedded PGlite behind the patched
 * pglite-socket, the packaged Meilisearch, demo data), serving the build `npm test` made. It
 * serves the main pages to concurrent requests, runs a job, keeps a transaction whole while the
 * app's queries wait beside it, and stops on Ctrl-C and on SIGTERM within 10 s with every process
 * it started gone. Slow by nature (two starts), so everything is checked on those two.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staleBuildReason } from "../scripts/lib/build-status.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { ROOT } from "../scripts/lib/setup-database.ts";
import { descendantsOf, processAlive, spawnCommand, type Spawned } from "./setup/processes.ts";

const STOP_WITHIN_MS = 10_000;
const work = mkdtempSync(path.join(tmpdir(), "techex-npm-start-"));
/** Every process seen in a run's tree, killed at the end whatever happened. */
const seen = new Set<number>();
let port: number;
let base: string;

/** `npm start` as a person types it, in a process group of its own as a shell runs a job. */
function npmStart(): Spawned {
  // Nothing configured: no DATABASE_URL, MEILI_HOST, SESSION_SECRET or NODE_ENV from the test run.
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: path.join(work, "data"),
    LOG_LEVEL: "error",
    npm_config_update_notifier: "false",
  };
  const run = spawnCommand("npm", ["start", "--", "--reuse-build"], { env, cwd: ROOT, detached: true });
  seen.add(run.child.pid!);
  return run;
}

/** The run's process tree now: npm, the app's node process and the embedded Meilisearch. */
function treeOf(run: Spawned) {
  const tree = [{ pid: run.child.pid!, name: "npm" }, ...descendantsOf(run.child.pid!)];
  for (const { pid } of tree) seen.add(pid);
  return tree;
}

/** Sends `signal` the way a person would and waits until every process of the tree has gone. */
async function stopWith(run: Spawned, send: () => void) {
  const tree = treeOf(run);
  // What must be gone: the app and the Meilisearch it started in a process group of its own.
  expect(tree.map((p) => p.name)).toEqual(expect.arrayContaining(["node", expect.stringMatching(/^meilisearch/)]));
  const sent = performance.now();
  send();
  while (tree.some((p) => processAlive(p.pid)) && performance.now() - sent < STOP_WITHIN_MS + 5_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const left = tree.filter((p) => processAlive(p.pid));
  expect(left, `still running after ${Math.round(performance.now() - sent)} ms; output:\n${run.output().slice(-3000)}`).toEqual([]);
  expect(performance.now() - sent).toBeLessThan(STOP_WITHIN_MS);
  // Stopped in order, not forced by the deadline.
  expect(run.output()).toContain("[techex] stopped");
  expect(run.output()).not.toMatch(/stopping at once|start failed/);
}

const get = (pathname: string) => fetch(`${base}${pathname}`, { signal: AbortSignal.timeout(30_000) });

beforeAll(async () => {
  const stale = staleBuildReason(ROOT);
  if (stale) throw new Error(`npm start's smoke test serves the existing build, but ${stale}: run it through npm test, which builds first`);
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  for (const pid of seen) if (processAlive(pid)) process.kill(pid, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

describe("npm start with nothing configured", () => {
  let run: Spawned;
  let databaseUrl: string;
  let listing: { id: string; title: string };

  it("starts the embedded PostgreSQL and Meilisearch, loads the demo data and serves the existing build", { timeout: 240_000 }, async () => {
    run = npmStart();
    await run.waitFor(/Techex is running at/, 200_000);
    const output = run.output();
    expect(output).toContain("Embedded services: PostgreSQL (PGlite), Meilisearch 1.21");
    expect(output).toMatch(/Demo data: loaded \d+ listings/);
    expect(output).toContain("the build is current: not rebuilding");
    databaseUrl = /embedded PostgreSQL listening on (\S+)/.exec(output)![1]!;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; title: string }>(`SELECT id, title FROM "Listing" WHERE status = 'PUBLISHED' ORDER BY id LIMIT 1`);
      listing = rows[0]!;
    } finally {
      await client.end();
    }
  });

  it("serves the main pages to concurrent requests", { timeout: 60_000 }, async () => {
    const pages = ["/", "/search?q=c%C3%B4ng+ngh%E1%BB%87", `/listings/${listing.id}`, "/login", "/healthz"];
    const responses = await Promise.all([...pages, ...pages, ...pages].map(async (page) => ({ page, response: await get(page) })));
    expect(responses.filter(({ response }) => response.status !== 200).map(({ page, response }) => `${page}: ${response.status}`)).toEqual([]);
    const bodies = await Promise.all(responses.map(({ response }) => response.text()));
    expect(bodies[pages.indexOf(`/listings/${listing.id}`)]).toContain(listing.title);
    expect(JSON.parse(bodies[pages.indexOf("/healthz")]!)).toMatchObject({ database: "ok", search: "ok" });
  });

  const marker = `Smoketest${Date.now().toString(36)}`;

  it("keeps a transaction whole while the app's queries wait beside it on the one PGlite backend", { timeout: 60_000 }, async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(`UPDATE "Listing" SET title = $1 WHERE id = $2`, [`${listing.title} ${marker}`, listing.id]);
      // Requests whose queries arrive while the transaction is open, between its statements.
      const pages = ["/", `/listings/${listing.id}`, "/search?q=m%C3%A1y", "/api/search?q=may"];
      const served = Promise.all([...pages, ...pages].map(async (page) => `${page}: ${(await get(page)).status}`));
      for (let i = 0; i < 10; i++) {
        // Parameterised (extended protocol), the messages pglite-socket would interleave: each sees the open transaction's own write.
        const { rows } = await client.query<{ title: string; i: number }>(`SELECT title, $2::int AS i FROM "Listing" WHERE id = $1`, [listing.id, i]);
        expect(rows).toEqual([{ title: `${listing.title} ${marker}`, i }]);
      }
      // What the app does with a change: the search outbox job, in the same transaction.
      await client.query(`SELECT graphile_worker.add_job('search:index-listing', json_build_object('listingId', $1::text), job_key => 'listing:' || $1)`, [listing.id]);
      await client.query("COMMIT");
      expect(await served).toEqual([...pages, ...pages].map((page) => `${page}: 200`));
    } finally {
      await client.end();
    }
    expect(run.output()).not.toMatch(/bind message supplies|prepared statement|unhandled promise rejection/i);
  });

  it("runs the job in its worker: the change reaches the Meilisearch index", { timeout: 60_000 }, async () => {
    const deadline = performance.now() + 45_000;
    for (;;) {
      const result = (await (await get(`/api/search?q=${marker}`)).json()) as { degraded: boolean; hits: { id: string }[] };
      // Not degraded: found by Meilisearch, which only the job updates (the PostgreSQL fallback would see the row at once).
      if (!result.degraded && result.hits.some((hit) => hit.id === listing.id)) break;
      if (performance.now() > deadline) throw new Error(`the job did not index the change within 45 s; output:\n${run.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  it("stops on Ctrl-C (SIGINT to its process group, relayed by npm as well) within 10 s, leaving no process behind", { timeout: 30_000 }, async () => {
    await stopWith(run, () => process.kill(-run.child.pid!, "SIGINT"));
  });

  it("starts again on the same data and stops on SIGTERM to npm alone within 10 s, leaving no process behind", { timeout: 240_000 }, async () => {
    run = npmStart();
    await run.waitFor(/Techex is running at/, 200_000);
    expect(run.output()).toContain("database ready (0 new migration(s))");
    expect(run.output()).toContain("Demo data: kept the existing data");
    const result = (await (await get(`/api/search?q=${marker}`)).json()) as { hits: { id: string }[] };
    expect(result.hits.map((hit) => hit.id)).toContain(listing.id);
    // A process manager's stop: npm passes it on to the app (through no shell, which would drop it).
    await stopWith(run, () => process.kill(run.child.pid!, "SIGTERM"));
  });
});
