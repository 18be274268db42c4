/**
 * `npm start` (and `npm run dev` with --dev): runs the whole exchange on one
 * machine with no configuration. Embedded PostgreSQL and Meilisearch unless
 * DATABASE_URL / MEILI_HOST say otherwise, migrations, demo data into an empty
 * database, a production build (kept with --reuse-build when it is current), the
 * web server and the job worker. Ctrl-C or SIGTERM stops everything it started,
 * within 8 s (tests/npm-start.test.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Server } from "node:http";
import type { Runner } from "graphile-worker";
import { EnvError, parseEnv, type Env } from "../app/lib/env.server.ts";
import { staleBuildReason } from "./lib/build-status.ts";
import { logUnhandledRejections } from "./lib/last-resort.ts";
import { watchMemory } from "./lib/memory-status.ts";
import { ROOT, setupDatabase } from "./lib/setup-database.ts";
import { startServices, type Services } from "./lib/services.ts";
import { closeServer, stopOnSignals, within, type StopOnSignals } from "./lib/shutdown.ts";

const dev = process.argv.includes("--dev");
const reuseBuild = process.argv.includes("--reuse-build");
const log = (line: string) => console.log(`[techex] ${line}`);

function readEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[techex] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

function runToEnd(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${path.basename(child.spawnfile)} exited with ${signal ?? `code ${code}`}`))));
    child.on("error", reject);
  });
}

async function waitForBuild(since: number) {
  const buildFile = path.join(ROOT, "build", "index.js");
  for (;;) {
    if (existsSync(buildFile) && statSync(buildFile).mtimeMs >= since) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  logUnhandledRejections();
  const env = readEnv();
  // What has been started so far, for a signal to stop in reverse order. The child processes
  // (the build, remix dev, the embedded Meilisearch in a process group of its own) would
  // outlive this one: a forced stop kills them.
  const started: { services?: Services; server?: Server; runner?: Runner; build?: ChildProcess; devCompiler?: ChildProcess; memoryStatus?: () => void } = {};
  // Each step reads `started` when it comes: a stop asked for while starting also stops what
  // the step under way finishes meanwhile.
  const stopping = stopOnSignals({
    log,
    async stop() {
      started.memoryStatus?.();
      started.build?.kill("SIGTERM");
      started.devCompiler?.kill("SIGTERM");
      if (started.server) await closeServer(started.server);
      // graphile-worker lets running jobs finish (5 s at most); what it cuts off is retried.
      if (started.runner) await within(6_000, "stopping the job worker", started.runner.stop()).catch((error: Error) => log(error.message));
      const { disconnectDb } = await import("../app/lib/db.server.ts");
      await disconnectDb().catch(() => {});
      await started.services?.stop();
    },
    force() {
      started.build?.kill("SIGKILL");
      started.devCompiler?.kill("SIGKILL");
      const meili = started.services?.meili?.pid;
      if (meili) process.kill(meili, "SIGKILL");
    },
  });
  stopper = stopping;
  // Between steps: a stop asked for meanwhile is under way, and no further step begins.
  const go = () => {
    if (stopping.stopping) throw new StoppedWhileStarting();
  };

  const services = await startServices(env, log);
  started.services = services;
  go();
  // The app reads these through env(); set them before anything imports it.
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.MEILI_HOST = services.meiliHost;
  if (services.meiliKey) process.env.MEILI_MASTER_KEY = services.meiliKey;
  process.env.NODE_ENV ??= dev ? "development" : "production";
  // PGlite runs every statement on this one process's thread: hundreds take over 250 ms while
  // demo data loads and the index is built. Only the really slow ones are worth a line here.
  if (services.embedded.includes("PostgreSQL (PGlite)") && !process.env.SLOW_QUERY_MS) process.env.SLOW_QUERY_MS = "2000";
  // A local run serves plain http: keep the secret in DATA_DIR and let the cookie work without TLS.
  if (!env.SESSION_SECRET) {
    const { localSessionSecret } = await import("../app/modules/auth/session.server.ts");
    process.env.SESSION_SECRET = localSessionSecret(env.DATA_DIR);
  }
  if (!env.COOKIE_SECURE && !env.APP_URL?.startsWith("https://")) process.env.COOKIE_SECURE = "off";
  // Production requires APP_URL (links in e-mails); a local run is addressed as the address it prints.
  if (!env.APP_URL) process.env.APP_URL = `http://localhost:${env.PORT}`;

  go();
  log("applying migrations");
  const migrated = await setupDatabase(services.databaseUrl, (line) => log(line));
  log(`database ready (${migrated.applied.length} new migration(s))`);

  const { loadDemoDataIfEmpty, DEMO_USERS } = await import("../prisma/seed/demo.ts");
  const demo = env.DEMO_DATA === "off" ? "off" : await loadDemoDataIfEmpty(log);
  const { prepareSearch } = await import("../app/modules/search/startup.server.ts");
  await prepareSearch(log);
  const { prepareStorage } = await import("../app/lib/storage.server.ts");
  await prepareStorage(log);
  go();

  const remix = path.join(ROOT, "node_modules", ".bin", "remix");
  if (dev) {
    // remix dev compiles on change and runs the app server (serve.ts --dev) as its child,
    // which inherits the services' addresses set above.
    const since = Date.now();
    started.devCompiler = spawn(remix, ["dev", "--manual", "-c", `${path.join(ROOT, "node_modules", ".bin", "tsx")} scripts/serve.ts --dev`], {
      cwd: ROOT,
      stdio: "inherit",
      env: process.env,
    });
    started.devCompiler.on("exit", (code) => stopping.stop(`remix dev exited (${code})`));
    await waitForBuild(since);
    log(`dev server: http://localhost:${env.PORT} (live reload)`);
    // The app runs in remix dev's child here: only the embedded Meilisearch is measured.
    if (services.meili) started.memoryStatus = watchMemory({ meilisearchPid: meiliPid(services), print: log });
    return;
  }
  const stale = staleBuildReason(ROOT);
  if (reuseBuild && !stale) log("the build is current: not rebuilding (--reuse-build)");
  else {
    log(`building the app (remix build${reuseBuild ? `: ${stale}` : ""})`);
    started.build = spawn(remix, ["build"], { cwd: ROOT, stdio: "inherit", env: process.env });
    await runToEnd(started.build);
    go();
  }

  const { startAppServer } = await import("./lib/app-server.ts");
  started.server = await startAppServer({ port: env.PORT, trustProxy: env.TRUST_PROXY });
  go();
  if (env.WORKER === "on") {
    const { startWorker } = await import("./lib/worker.ts");
    started.runner = await startWorker(services.databaseUrl);
    go();
  }

  const url = `http://localhost:${env.PORT}`;
  console.log(`
  Techex is running at ${url}
  ${services.embedded.length ? `Embedded services: ${services.embedded.join(", ")} (data in ${path.resolve(env.DATA_DIR)})` : "Using the configured PostgreSQL and Meilisearch"}
  Demo data: ${demo}
${DEMO_USERS.map((u) => `    ${u.role.padEnd(7)} ${u.email.padEnd(26)} password: ${u.password}`).join("\n")}
  Press Ctrl-C to stop.
`);
  // The status line: printed now, and again when the memory of the app or the embedded Meilisearch changes.
  started.memoryStatus = watchMemory({ appPid: process.pid, meilisearchPid: meiliPid(services), print: log });
}

/** The embedded Meilisearch's pid as it is now (a supervised restart changes it); nothing when it is not ours. */
function meiliPid(services: Services): (() => number | undefined) | undefined {
  const { meili } = services;
  return meili ? () => meili.pid : undefined;
}

/** Thrown between start-up steps once a stop was asked for; the stop itself goes on. */
class StoppedWhileStarting extends Error {}
let stopper: StopOnSignals | undefined;

main().catch((error) => {
  // A stop under way ends the process itself; a step it cut short (the build, a query) fails meanwhile.
  if (stopper?.stopping) return;
  console.error(`[techex] start failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
