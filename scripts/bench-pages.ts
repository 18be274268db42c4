/**
 * `npm run bench:pages [-- --seconds 15 --rounds 3 --connections 10 --count 100000 --no-build --fresh]`
 *
 * The pages under load (issue #17): the production build, served by scripts/serve.ts in a
 * child process (its own event loop, its RSS sampled from /proc) on a scratch database of
 * N synthetic listings (techex_bench_pages) and its own embedded Meilisearch, measured with
 * autocannon (`connections` at once) route after route, interleaved: `rounds` rounds of
 * seconds/rounds each, the order turned every round, so the machine's drift falls on all
 * routes alike; after each run the app and Meilisearch are let finish what it left in flight. Prints req/s, p50 and p99 of each route, its req/s as a share of the bare
 * page's (/bench/bare, served only with BENCH_BARE_ROUTE=on), the search routes' p50 against
 * the raw Meilisearch request the search module sends for the same query (captured from the
 * module, measured in the same rounds), and the app's peak RSS, each next to its goal. The
 * listing page is measured twice: one listing asked for again and again (a listing read
 * again: its related listings come from memory), and 20,000 listings in turn (first reads).
 *
 * Data: the scratch database and Meilisearch folder are kept between runs. The first run
 * copies bench:matching's (techex_bench_matching, as a template, and its Meilisearch folder)
 * when that holds N listings, and otherwise generates them as bench:matching does (about
 * 6 minutes at 100,000); `--fresh` always generates.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { percentile, scratchDatabase, syntheticListingCount } from "./lib/bench.ts";
import { residentMemoryOf } from "./lib/memory-status.ts";
import { freePort } from "./lib/ports.ts";
import { ROOT } from "./lib/setup-database.ts";

const args = z
  .object({
    seconds: z.coerce.number().min(1).max(600).default(15),
    rounds: z.coerce.number().int().min(1).max(20).default(3),
    connections: z.coerce.number().int().min(1).max(200).default(10),
    count: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    build: z.boolean().default(true),
    fresh: z.boolean().default(false),
  })
  .parse(
    Object.fromEntries(
      process.argv
        .slice(2)
        .flatMap((a, i, all): [string, unknown][] => (a === "--no-build" ? [["build", false]] : a === "--fresh" ? [["fresh", true]] : a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : [])),
    ),
  );

const adminUrl = process.env.BENCH_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = args.count === 100_000 ? "" : `_${args.count}`;
const scratch = scratchDatabase(adminUrl, `techex_bench_pages${suffix}`);
const meiliDir = path.join(tmpdir(), `techex-bench-pages${suffix}`);
/** bench:matching's data, copied when it is there (scripts/bench-matching.ts names them so). */
const matching = { database: `techex_bench_matching${suffix}`, meiliDir: path.join(tmpdir(), `techex-bench-matching${suffix}`) };
const BENCH_EMAIL = "bench-pages@techex.local";
const QUERY = "máy sấy";
const FILTERS = { type: "TECHNOLOGY_OFFER", province: "79", trl: "5" };

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

/** A Meilisearch folder no server is running on (its pid file names a live process while one is). */
function idleMeiliDir(dir: string) {
  if (!existsSync(path.join(dir, "data.ms"))) return false;
  const pidFile = path.join(dir, "meilisearch.pid");
  if (!existsSync(pidFile)) return true;
  const { pid } = JSON.parse(readFileSync(pidFile, "utf8")) as { pid?: number };
  return pid === undefined || !existsSync(`/proc/${pid}`);
}

/** The scratch database and Meilisearch folder with N listings: kept, copied from bench:matching, or generated. */
async function prepareData(): Promise<"kept" | "copied" | "generate"> {
  if (!args.fresh && (await syntheticListingCount(scratch.url)) >= args.count && idleMeiliDir(meiliDir)) return "kept";
  const matchingUrl = scratch.url.replace(/\/[^/]*$/, `/${matching.database}`);
  if (!args.fresh && (await syntheticListingCount(matchingUrl)) >= args.count && idleMeiliDir(matching.meiliDir)) {
    try {
      await scratch.drop();
      const pg = (await import("pg")).default;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE techex_bench_pages${suffix} TEMPLATE ${matching.database}`).finally(() => admin.end());
      rmSync(meiliDir, { recursive: true, force: true });
      cpSync(matching.meiliDir, meiliDir, { recursive: true, filter: (source) => path.basename(source) !== "meilisearch.pid" });
      return "copied";
    } catch (error) {
      // A template must have no connection: bench:matching may be running. Generate instead.
      console.log(`  could not copy ${matching.database}: ${(error as Error).message}`);
    }
  }
  await scratch.recreate();
  rmSync(meiliDir, { recursive: true, force: true });
  return "generate";
}

interface Target {
  name: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  goal?: string;
  /** Paths taken in turn, one a request (many different listings instead of one); `url` gives the origin. */
  paths?: readonly string[];
}

interface Sample {
  times: number[];
  statuses: Map<number, number>;
  errors: number;
  seconds: number;
}

/** One autocannon run; every response's time kept, so rounds combine into true percentiles. */
async function hammer(target: Target, seconds: number, sample?: Sample) {
  let instance!: autocannon.Instance;
  let turn = 0;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        method: target.method ?? "GET",
        headers: target.headers,
        body: target.body,
        connections: args.connections,
        duration: seconds,
        timeout: 30,
        ...(target.paths ? { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: target.paths![turn++ % target.paths!.length] }) }] } : {}),
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (!sample) return;
    sample.times.push(responseTime);
    sample.statuses.set(statusCode, (sample.statuses.get(statusCode) ?? 0) + 1);
  });
  const result = await done;
  if (sample) {
    sample.errors += result.errors + result.timeouts;
    sample.seconds += result.duration;
  }
  return result;
}

/** The app's resident memory: now (VmRSS) and its peak since it started (VmHWM), in MB (MiB). */
function memoryOf(pid: number) {
  const memory = residentMemoryOf(pid);
  if (!memory) throw new Error(`the app (pid ${pid}) is gone: no /proc/${pid}/status to read its memory from`);
  return { rss: memory.rss / 2 ** 20, hwm: memory.peak / 2 ** 20 };
}

/** CPU time a process has used, in clock ticks (utime + stime of /proc/<pid>/stat). */
function cpuTicks(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits (at most 30 s) until the app and Meilisearch are idle: when a run stops, the requests
 * it left in flight are still being served, and would otherwise slow the next route's run.
 */
async function settle(pids: number[]) {
  const deadline = Date.now() + 30_000;
  let before = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  while (Date.now() < deadline) {
    await sleep(250);
    const now = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    if (now - before <= 2) return; // under 10% of a core (100 ticks a second)
    before = now;
  }
}

/**
 * The node options production gives the web process (docker-compose.yml's app service: its heap
 * bound), so the app measured here holds memory as it does there.
 */
function productionNodeOptions(): string {
  const compose = parseYaml(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8")) as { services: { app: { environment: Record<string, string> } } };
  const options = compose.services.app.environment.NODE_OPTIONS;
  if (!options) throw new Error("docker-compose.yml's app service sets no NODE_OPTIONS");
  return options;
}

async function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // node itself with tsx's loader, not the tsx CLI, which would run the app in a second process.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), APP_URL: baseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // The start may rebuild the search index (another vocabulary): allow it the time.
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}:\n${output}`);
    if (output.includes("listening on port")) break;
    if (Date.now() > deadline) throw new Error(`the app did not start:\n${output}`);
    await sleep(200);
  }
  return { child, baseUrl, output: () => output };
}

async function waitForMeiliTasks(host: string, key: string) {
  for (;;) {
    const response = await fetch(`${host}/tasks?statuses=enqueued,processing&limit=1`, { headers: { Authorization: `Bearer ${key}` } });
    const { total } = (await response.json()) as { total?: number; results: unknown[] };
    if (!total) return;
    console.log(`  waiting for ${total} Meilisearch tasks…`);
    await sleep(5_000);
  }
}

async function main() {
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const data = await prepareData();
  process.env.DATABASE_URL = scratch.url;
  process.env.LOG_LEVEL ??= "warn";
  process.env.SLOW_QUERY_MS ??= "5000"; // this process's own set-up queries; the app keeps its default
  process.env.SESSION_SECRET ??= "bench-pages-session-secret-0123456789abcdef";

  const { startEmbeddedMeilisearch } = await import("./lib/embedded-meilisearch.ts");
  const meiliServer = await startEmbeddedMeilisearch({ dataDir: meiliDir, supervise: false });
  process.env.MEILI_HOST = meiliServer.host;
  process.env.MEILI_MASTER_KEY = meiliServer.masterKey;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    const { setupDatabase } = await import("./lib/setup-database.ts");
    await setupDatabase(scratch.url);
    const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
    if (data === "generate") {
      const { generateListings } = await import("../prisma/seed/synthetic.ts");
      const { reindexAll } = await import("../app/modules/search/sync.server.ts");
      console.log(`generating ${args.count.toLocaleString("en")} listings…`);
      const generated = await generateListings(args.count, { seed: 42, batchSize: 2_000 });
      console.log(`  ${generated.listings} listings, ${generated.organisations} organisations; indexing…`);
      const indexed = await reindexAll();
      console.log(`  ${indexed.documents} documents in ${indexed.seconds.toFixed(1)} s`);
    } else {
      console.log(`${data === "kept" ? "reusing" : `copied ${matching.database} and ${matching.meiliDir} into`} ${scratch.url} and ${meiliDir}`);
    }
    await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;

    // A signed-in owner of a synthetic organisation, with the session cookie the app would set.
    const { createMembership, createSession, createUser } = await import("../tests/factories/index.ts");
    const { sessionStorage } = await import("../app/modules/auth/session.server.ts");
    const organisation = await prisma.organisation.findFirstOrThrow({ where: { name: { startsWith: "Tổ chức mô phỏng" } }, orderBy: { id: "asc" }, select: { id: true } });
    const user = (await prisma.user.findUnique({ where: { email: BENCH_EMAIL } })) ?? (await createUser({ email: BENCH_EMAIL, name: "Bench owner", emailVerifiedAt: new Date() }));
    if (!(await prisma.membership.findUnique({ where: { userId_organisationId: { userId: user.id, organisationId: organisation.id } } }))) await createMembership(user.id, organisation.id, "OWNER");
    const session = await createSession(user.id);
    const cookieSession = await sessionStorage().getSession();
    cookieSession.set("sessionId", session.id);
    const cookie = (await sessionStorage().commitSession(cookieSession)).split(";")[0]!;
    const listing = await prisma.listing.findFirstOrThrow({ where: { organisationId: organisation.id, status: "PUBLISHED" }, orderBy: { id: "asc" }, select: { id: true } });
    // Listing pages as visitors arriving from search open them: a different listing each request, few seen twice in a route's run.
    const manyListings = (await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM "Listing" WHERE status = 'PUBLISHED' ORDER BY md5(id) LIMIT 20000`).map((r) => `/listings/${r.id}`);

    // The exact multi-search the search module sends for each search route, to replay it raw.
    const { meili } = await import("../app/lib/meili.server.ts");
    const { searchListings } = await import("../app/modules/search/search.server.ts");
    const { refreshCatalogueVocabulary } = await import("../app/modules/search/vocabulary.server.ts");
    const { searchParamsSchema, searchParamsFromUrl } = await import("../app/modules/search/schema.ts");
    await refreshCatalogueVocabulary(); // the query's slip correction, as the app has it once warm
    const client = meili("search");
    const original = client.multiSearch.bind(client);
    let captured: unknown;
    client.multiSearch = ((request: Parameters<typeof client.multiSearch>[0]) => {
      captured = request;
      return original(request);
    }) as typeof client.multiSearch;
    const rawRequestFor = async (query: URLSearchParams) => {
      captured = undefined;
      const result = await searchListings(searchParamsSchema.parse(searchParamsFromUrl(query)));
      if (result.degraded || !captured) throw new Error(`no Meilisearch request captured for ${query}`);
      return JSON.stringify(captured);
    };
    const withQuery = new URLSearchParams({ q: QUERY });
    const withFilters = new URLSearchParams({ q: QUERY, ...FILTERS });
    const rawQuery = await rawRequestFor(withQuery);
    const rawFilters = await rawRequestFor(withFilters);
    await disconnectDb();

    if (args.build) {
      console.log("building the app (NODE_ENV=production remix build)…");
      const built = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], { cwd: ROOT, env: { ...process.env, NODE_ENV: "production" }, encoding: "utf8" });
      if (built.status !== 0) throw new Error(`remix build failed:\n${built.stdout}\n${built.stderr}`);
    }
    console.log(`starting the app (scripts/serve.ts, NODE_ENV=production, WORKER=off, NODE_OPTIONS=${productionNodeOptions()} as docker-compose.yml gives it)…`);
    app = await startApp({
      NODE_ENV: "production",
      DATABASE_URL: scratch.url,
      MEILI_HOST: meiliServer.host,
      MEILI_MASTER_KEY: meiliServer.masterKey,
      SESSION_SECRET: process.env.SESSION_SECRET,
      COOKIE_SECURE: "off",
      WORKER: "off",
      DEMO_DATA: "off",
      LOG_LEVEL: "warn",
      BENCH_BARE_ROUTE: "on",
      NODE_OPTIONS: productionNodeOptions(),
    });
    await waitForMeiliTasks(meiliServer.host, meiliServer.masterKey);
    const appPid = app.child.pid!;
    const started = memoryOf(appPid);

    const rawHeaders = { "Content-Type": "application/json", Authorization: `Bearer ${meiliServer.masterKey}` };
    const targets: Target[] = [
      { name: "bare page /bench/bare", url: `${app.baseUrl}/bench/bare` },
      { name: "home /", url: `${app.baseUrl}/`, goal: "≥ 0.6" },
      { name: `search page ?q`, url: `${app.baseUrl}/search?${withQuery}` },
      { name: `search page ?q+filters`, url: `${app.baseUrl}/search?${withFilters}` },
      { name: "listing page (one, seen again)", url: `${app.baseUrl}/listings/${listing.id}`, goal: "≥ 0.6" },
      { name: "listing pages (20,000 in turn)", url: `${app.baseUrl}${manyListings[0]}`, paths: manyListings },
      { name: "organisation page", url: `${app.baseUrl}/orgs/${organisation.id}`, goal: "≥ 0.6" },
      { name: "/api/search ?q", url: `${app.baseUrl}/api/search?${withQuery}` },
      { name: "dashboard (signed in)", url: `${app.baseUrl}/dashboard`, headers: { Cookie: cookie }, goal: "≥ 0.4" },
      { name: "raw Meilisearch ?q", url: `${meiliServer.host}/multi-search`, method: "POST", headers: rawHeaders, body: rawQuery },
      { name: "raw Meilisearch ?q+filters", url: `${meiliServer.host}/multi-search`, method: "POST", headers: rawHeaders, body: rawFilters },
    ];
    // Every route answers 200 before it is measured (a redirect to /login would measure nothing).
    for (const target of targets) {
      const response = await fetch(target.url, { method: target.method ?? "GET", headers: target.headers, body: target.body, redirect: "manual" });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${target.name}: ${target.url} answered ${response.status}: ${text.slice(0, 300)}`);
      if (target.name.startsWith("dashboard") && !text.includes("Bench owner")) throw new Error("the dashboard did not show the signed-in user");
    }

    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(appPid).rss);
    }, 250);
    console.log(`warming up (2 s a route), load ${load()}…`);
    const busy = [appPid, meiliServer.pid!];
    for (const target of targets) {
      await hammer(target, 2);
      await settle(busy);
    }
    const samples = new Map(targets.map((t) => [t.name, { times: [], statuses: new Map(), errors: 0, seconds: 0 } as Sample]));
    const slice = args.seconds / args.rounds;
    for (let round = 0; round < args.rounds; round++) {
      console.log(`round ${round + 1} of ${args.rounds}: ${targets.length} routes × ${slice.toFixed(1)} s, ${args.connections} connections (load ${load()})`);
      const shift = (round * 3) % targets.length;
      for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        const result = await hammer(target, slice, samples.get(target.name));
        await settle(busy);
        const failed = result.errors + result.timeouts + result.non2xx;
        console.log(`  ${target.name.padEnd(28)} ${(result.requests.total / result.duration).toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms${failed ? `  (${failed} failed)` : ""}`);
      }
    }
    clearInterval(sampler);
    const memory = memoryOf(appPid);

    const stats = (name: string) => {
      const s = samples.get(name)!;
      // No response at all (each took longer than a round's slice) reads as infinitely slow.
      const at = (p: number) => (s.times.length ? percentile(s.times, p) : Infinity);
      return { rps: s.times.length / s.seconds, p50: at(50), p99: at(99), s };
    };
    const bare = stats(targets[0]!.name);
    const rawQ = stats("raw Meilisearch ?q");
    const rawF = stats("raw Meilisearch ?q+filters");
    const versusRaw: Record<string, { raw: ReturnType<typeof stats>; goal: string }> = {
      "search page ?q": { raw: rawQ, goal: "≤ 1.3" },
      "search page ?q+filters": { raw: rawF, goal: "≤ 1.3" },
      "/api/search ?q": { raw: rawQ, goal: "≤ 1.2" },
    };
    const rows = targets.map((target) => {
      const { rps, p50, p99, s } = stats(target.name);
      const bad = [...s.statuses].filter(([status]) => status !== 200).map(([status, n]) => `${n}×${status}`);
      const problems = [...bad, ...(s.errors ? [`${s.errors} errors`] : [])];
      const isRaw = target.name.startsWith("raw");
      const ratio = isRaw ? "" : `${(rps / bare.rps).toFixed(2)}${target.goal ? ` (goal ${target.goal})` : ""}`;
      const raw = versusRaw[target.name];
      const rawRatio = raw ? `p50 ${Number.isFinite(raw.raw.p50) ? (p50 / raw.raw.p50).toFixed(2) : "?"}× raw (goal ${raw.goal})` : "";
      return `  ${target.name.padEnd(28)} ${rps.toFixed(0).padStart(7)} ${p50.toFixed(1).padStart(8)} ${p99.toFixed(1).padStart(8)}   ${ratio.padEnd(18)} ${rawRatio}${problems.length ? `   NOT 200: ${problems.join(", ")}` : ""}`;
    });
    console.log(`
Pages benchmark — commit ${commit}, ${(await syntheticListingCount(scratch.url)).toLocaleString("en")} synthetic listings, ${cpus().length} cores, load average ${load()}
  autocannon, ${args.connections} connections, ${args.seconds} s a route in ${args.rounds} interleaved rounds; production build, WORKER=off; query "${QUERY}", filters ${new URLSearchParams(FILTERS)}
  route                          req/s  p50 ms   p99 ms   req/s ÷ bare       vs raw Meilisearch (same query, same run)
${rows.join("\n")}
  app peak RSS: ${peakRss.toFixed(0)} MB under load (VmRSS every 250 ms), ${memory.hwm.toFixed(0)} MB since start (VmHWM; ${started.rss.toFixed(0)} MB once started)   (goal ≤ 500 MB)
`);
  } finally {
    if (app) {
      app.child.kill("SIGTERM");
      await new Promise((r) => app!.child.once("exit", r));
    }
    await meiliServer.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
