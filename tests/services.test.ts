import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Meilisearch } from "meilisearch";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "~/lib/env.server.ts";
import { installVerified, startEmbeddedMeilisearch } from "../scripts/lib/embedded-meilisearch.ts";
import { memoryStatusLine, residentMemoryOf } from "../scripts/lib/memory-status.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { startServices } from "../scripts/lib/services.ts";
import { processAlive, spawnScript, type Spawned } from "./setup/processes.ts";

const work = mkdtempSync(path.join(tmpdir(), "techex-services-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The value a running process was given for `flag`, read from its command line. */
function flagOf(pid: number, flag: string): string | undefined {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;
}

describe("the Meilisearch binary check", () => {
  it("installs a file whose sha256 matches, executable", async () => {
    const source = path.join(work, "good");
    writeFileSync(source, "#!/bin/sh\necho ok\n");
    const sha = createHash("sha256").update("#!/bin/sh\necho ok\n").digest("hex");
    const installed = await installVerified(source, path.join(work, "bin"), sha);
    expect(statSync(installed).mode & 0o111).toBe(0o111);
  });

  it("refuses a file whose sha256 differs, and installs nothing", async () => {
    const source = path.join(work, "tampered");
    writeFileSync(source, "#!/bin/sh\nrm -rf /\n");
    const expected = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0";
    await expect(installVerified(source, path.join(work, "bin2"), expected)).rejects.toThrow(/Refusing to run Meilisearch: .* has sha256 [0-9a-f]{64}, expected 5354d854/);
    expect(existsSync(path.join(work, "bin2", "meilisearch-5354d8549744"))).toBe(false);
  });

  it("re-checks an installed copy that was altered afterwards", async () => {
    const source = path.join(work, "good2");
    writeFileSync(source, "original");
    const sha = createHash("sha256").update("original").digest("hex");
    const installed = await installVerified(source, path.join(work, "bin3"), sha);
    writeFileSync(installed, "altered");
    await installVerified(source, path.join(work, "bin3"), sha);
    expect(createHash("sha256").update(readFileSync(installed)).digest("hex")).toBe(sha);
  });
});

describe("which services npm start runs", () => {
  it("with DATABASE_URL but no MEILI_HOST: uses the database given and starts the embedded Meilisearch, sized as configured", async () => {
    const env = parseEnv({ DATABASE_URL: process.env.DATABASE_URL!, DATA_DIR: path.join(work, "data"), MEILI_MAX_INDEXING_MEMORY: "96MiB", MEILI_MAX_INDEXING_THREADS: "2" });
    const services = await startServices(env, () => {});
    try {
      expect(services.databaseUrl).toBe(process.env.DATABASE_URL);
      expect(services.embedded).toEqual(["Meilisearch 1.21"]);
      expect(flagOf(services.meili!.pid!, "--max-indexing-memory")).toBe(String(96 * 2 ** 20));
      expect(flagOf(services.meili!.pid!, "--max-indexing-threads")).toBe("2");
      const health = await fetch(`${services.meiliHost}/health`);
      expect(await health.json()).toEqual({ status: "available" });
      // It listens on the loopback interface only.
      expect(new URL(services.meiliHost).hostname).toBe("127.0.0.1");
    } finally {
      await services.stop();
    }
    await expect(fetch(`${services.meiliHost}/health`)).rejects.toThrow();
  });

  it("with both set: starts nothing", async () => {
    const env = parseEnv({ DATABASE_URL: process.env.DATABASE_URL!, MEILI_HOST: process.env.MEILI_HOST!, MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY! });
    const services = await startServices(env, () => {});
    expect(services.embedded).toEqual([]);
    expect(services.meiliHost).toBe(process.env.MEILI_HOST);
    await services.stop();
  });
});

describe("the embedded Meilisearch's sizing", () => {
  it("runs with the indexing memory and threads given, indexes and searches, and keeps them across a supervised restart", { timeout: 120_000 }, async () => {
    const sizing = { maxIndexingMemory: 128 * 2 ** 20, maxIndexingThreads: 1 };
    const server = await startEmbeddedMeilisearch({ dataDir: path.join(work, "sized"), port: await freePort(), sizing, restartDelayMs: 200, log: () => {} });
    try {
      const index = new Meilisearch({ host: server.host, apiKey: server.masterKey }).index("sized");
      const found = async (q: string) => (await index.search(q)).hits.map((hit) => hit.id as string);
      const first = server.pid!;
      expect(flagOf(first, "--max-indexing-memory")).toBe("134217728");
      expect(flagOf(first, "--max-indexing-threads")).toBe("1");
      const documents = [
        { id: "cnc", title: "Máy CNC 5 trục gia công gỗ" },
        { id: "coffee", title: "Dây chuyền rang cà phê" },
        { id: "water", title: "Công nghệ xử lý nước thải" },
      ];
      const task = await index.addDocuments(documents, { primaryKey: "id" }).waitTask({ timeout: 60_000 });
      expect(task.status).toBe("succeeded");
      expect(await found("cnc")).toEqual(["cnc"]);
      expect(residentMemoryOf(first)!.rss).toBeGreaterThan(0);

      process.kill(first, "SIGKILL");
      for (const deadline = Date.now() + 60_000; server.restarts === 0; ) {
        if (Date.now() > deadline) throw new Error("Meilisearch was not restarted within 60 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      const second = server.pid!;
      expect(second).not.toBe(first);
      expect(flagOf(second, "--max-indexing-memory")).toBe("134217728");
      expect(flagOf(second, "--max-indexing-threads")).toBe("1");
      expect(await found("cà phê")).toEqual(["coffee"]);
      // What the status line reads after the restart: the new process.
      const line = memoryStatusLine({ meilisearch: { pid: server.pid, memory: residentMemoryOf(server.pid!) } });
      expect(line).toMatch(new RegExp(`^memory \\(RSS\\): Meilisearch \\d+ MiB \\(peak \\d+ MiB\\), pid ${second}$`));
    } finally {
      await server.stop();
    }
  });

  it("keeps Meilisearch's own defaults for a caller that passes no sizing (benchmarks, tests)", async () => {
    const server = await startEmbeddedMeilisearch({ dataDir: path.join(work, "unsized"), port: await freePort(), supervise: false });
    try {
      expect(flagOf(server.pid!, "--max-indexing-memory")).toBeUndefined();
      expect(flagOf(server.pid!, "--max-indexing-threads")).toBeUndefined();
    } finally {
      await server.stop();
    }
  });
});

describe("the embedded Meilisearch under npm start", () => {
  const harness = "tests/setup/services-harness.ts";
  const envFor = (dataDir: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", DATABASE_URL: process.env.DATABASE_URL!, DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const readyOf = async (run: Spawned) => JSON.parse((await run.waitFor(/^ready /)).slice("ready ".length)) as { pid: number; meiliHost: string; meiliPid: number };

  it("is not hit by Ctrl-C (a signal to the app's process group): the app stops it, in order, and it stays stopped", async () => {
    // Detached: a process group of its own, like a job a shell runs in a terminal.
    const run = spawnScript(harness, [], { env: envFor(path.join(work, "ctrl-c")), detached: true });
    const { meiliPid } = await readyOf(run);
    expect(processAlive(meiliPid)).toBe(true);
    process.kill(-run.child.pid!, "SIGINT");
    expect(await run.exited).toBe(0);
    // Still answering after the signal, until the app itself stopped it…
    expect(run.output()).toContain("meilisearch up while the app stops: true");
    expect(run.output()).not.toMatch(/exited unexpectedly|restarting/);
    // …and then gone for good, not restarted.
    expect(processAlive(meiliPid)).toBe(false);
  });

  it("is stopped at the next start when a kill -9 of the app left it running", async () => {
    const dataDir = path.join(work, "leftover");
    const first = spawnScript(harness, [], { env: envFor(dataDir) });
    const { pid, meiliPid: leftover } = await readyOf(first);
    // The app's own process (tsx runs it as a child of its launcher).
    process.kill(pid, "SIGKILL");
    await first.exited;
    expect(processAlive(leftover)).toBe(true);

    const second = spawnScript(harness, [], { env: envFor(dataDir) });
    const { meiliPid, meiliHost } = await readyOf(second);
    try {
      expect(second.output()).toContain(`stopping the Meilisearch left running by an earlier run (pid ${leftover})`);
      expect(processAlive(leftover)).toBe(false);
      expect(meiliPid).not.toBe(leftover);
      expect((await fetch(`${meiliHost}/health`)).ok).toBe(true);
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
    expect(processAlive(meiliPid)).toBe(false);
  });
});
