/**
 * `npm run bench:matching [-- --count 100000 --import 5000 --samples 30 --concurrency 32 --reuse --prepare --reindex]`
 *
 * On its own scratch database (techex_bench_matching on the local PostgreSQL, or
 * BENCH_DATABASE_URL) and its own embedded Meilisearch (data in BENCH_MEILI_DIR, default
 * a fixed folder under the system's temp dir, so `--reuse` keeps both between runs):
 *
 * 1. generates N synthetic listings (prisma/seed/synthetic.ts) and indexes them;
 * 2. times matching one changed listing with the real recomputeListing, for `samples`
 *    needs and `samples` offers (p50/p95 of each and of both);
 * 3. imports `import` rows through the real import module as a broker, with the real
 *    graphile-worker runner and task list running, and times from the import's commit
 *    until no search-index or matching job is left (matching settled); meanwhile it
 *    changes one listing a second and times its commit → visible in search (as
 *    bench:search does), reported separately for while the import's index jobs were
 *    still waiting and for while matching ran.
 *
 * `--reuse` skips generation and indexing when the scratch database already holds N
 * listings; the rows a previous run imported are removed first. `--prepare` only generates
 * and indexes; `--reuse --reindex` only rebuilds the index (reindexAll) and prints its rate.
 */
import { mkdirSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { percentile, scratchDatabase, syntheticListingCount } from "./lib/bench.ts";

const args = z
  .object({
    count: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    import: z.coerce.number().int().min(10).max(5_000).default(5_000),
    samples: z.coerce.number().int().min(3).max(500).default(30),
    /** Worker concurrency; the app's WORKER_CONCURRENCY when left out. */
    concurrency: z.coerce.number().int().min(1).max(100).optional(),
    reuse: z.boolean().default(false),
    /** Only generate and index (for a later `--reuse` run). */
    prepare: z.boolean().default(false),
    /** With --reuse: only rebuild the index from the database (reindexAll, as `npm run search -- reindex` does) and print its rate. */
    reindex: z.boolean().default(false),
    /** Give up waiting for matching to settle after this many minutes, and say what was left. */
    settleMinutes: z.coerce.number().min(1).max(600).default(30),
  })
  .parse(
    Object.fromEntries(
      process.argv.slice(2).flatMap((a, i, all): [string, unknown][] => (a === "--reuse" || a === "--prepare" || a === "--reindex" ? [[a.slice(2), true]] : a === "--settle-minutes" ? [["settleMinutes", all[i + 1]]] : a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : [])),
    ),
  );

const adminUrl = process.env.BENCH_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** One scratch database and Meilisearch folder per catalogue size, so a small development run never replaces the 100,000 one. */
const suffix = args.count === 100_000 ? "" : `_${args.count}`;
const scratch = scratchDatabase(adminUrl, `techex_bench_matching${suffix}`, process.env.BENCH_DATABASE_URL);
const benchUrl = scratch.url;
const meiliDir = process.env.BENCH_MEILI_DIR ?? path.join(tmpdir(), `techex-bench-matching${suffix}`);
const IMPORT_PREFIX = "BENCH-IMP-";

const ms = (v: number) => `${Math.round(v).toLocaleString("en")} ms`;
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

async function main() {
  const reuse = args.reuse && (await syntheticListingCount(benchUrl)) >= args.count;
  if (!reuse) await scratch.recreate();
  process.env.DATABASE_URL = benchUrl;
  process.env.LOG_LEVEL ??= "warn";
  process.env.SLOW_QUERY_MS ??= "5000";

  mkdirSync(meiliDir, { recursive: true });
  const { startEmbeddedMeilisearch } = await import("./lib/embedded-meilisearch.ts");
  const meiliServer = await startEmbeddedMeilisearch({ dataDir: meiliDir });
  process.env.MEILI_HOST = meiliServer.host;
  process.env.MEILI_MASTER_KEY = meiliServer.masterKey;

  const { setupDatabase } = await import("./lib/setup-database.ts");
  await setupDatabase(benchUrl);
  const { generateListings, prng } = await import("../prisma/seed/synthetic.ts");
  const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
  const { reindexAll } = await import("../app/modules/search/sync.server.ts");
  const { enqueueListingSync } = await import("../app/modules/search/outbox.server.ts");
  const { listingsIndex } = await import("../app/modules/search/index.server.ts");
  const { recomputeListing, recomputeTimings } = await import("../app/modules/matching/matching.server.ts");
  const { importCatalogue } = await import("../app/modules/listings/import.server.ts");
  const { loadActor } = await import("../app/modules/auth/actor.server.ts");
  const { startWorker } = await import("./lib/worker.ts");

  const listingCount = () => prisma.listing.count({ where: { externalRef: { startsWith: "SYN-" } } });
  if (reuse) {
    console.log(`reusing ${benchUrl} (${(await listingCount()).toLocaleString("en")} synthetic listings) and ${meiliDir}`);
    const previous = await prisma.listing.findMany({ where: { externalRef: { startsWith: IMPORT_PREFIX } }, select: { id: true } });
    if (previous.length) {
      await listingsIndex().deleteDocuments(previous.map((p) => p.id)).waitTask({ timeout: 120_000 });
      await prisma.listing.deleteMany({ where: { id: { in: previous.map((p) => p.id) } } });
      console.log(`  removed ${previous.length} listings of a previous run's import`);
    }
    // Matching's term index in line (a database prepared before it existed is filled here: the backfill's rate).
    const { reconcileMatchTerms } = await import("../app/modules/matching/terms.server.ts");
    const started = performance.now();
    const terms = await reconcileMatchTerms();
    const seconds = (performance.now() - started) / 1000;
    if (terms.written + terms.removed > 0) console.log(`  matching terms: ${terms.written.toLocaleString("en")} listings written, ${terms.removed} removed in ${seconds.toFixed(1)} s (${Math.round(terms.written / seconds).toLocaleString("en")} listings/s)`);
  } else {
    console.log(`generating ${args.count.toLocaleString("en")} listings…`);
    const generated = await generateListings(args.count, { seed: 42, batchSize: 2_000 });
    console.log(`  ${generated.listings} listings, ${generated.organisations} organisations`);
    console.log("indexing…");
    const indexed = await reindexAll();
    console.log(`  ${indexed.documents} documents in ${indexed.seconds.toFixed(1)} s: ${Math.round(indexed.perSecond).toLocaleString("en")} documents/s`);
  }
  if (reuse && args.reindex) {
    console.log(`reindexing ${(await listingCount()).toLocaleString("en")} listings (load ${load()})…`);
    const indexed = await reindexAll();
    console.log(`  ${indexed.documents} documents in ${indexed.seconds.toFixed(1)} s: ${Math.round(indexed.perSecond).toLocaleString("en")} documents/s`);
  }
  await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  if (args.prepare || args.reindex) {
    console.log("prepared; run again with --reuse");
    await disconnectDb();
    await meiliServer.stop();
    return;
  }
  const total = await prisma.listing.count({ where: { status: "PUBLISHED" } });

  // 1. One changed listing, through the real recomputeListing.
  const random = prng(7);
  const pickIds = async (types: ("TECHNOLOGY_REQUEST" | "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER")[], n: number) => {
    const ids = (await prisma.listing.findMany({ where: { status: "PUBLISHED", type: { in: types } }, select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    return Array.from({ length: n }, () => ids[Math.floor(random() * ids.length)]!);
  };
  const needs = await pickIds(["TECHNOLOGY_REQUEST"], args.samples);
  const offers = await pickIds(["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"], args.samples);
  console.log(`timing recomputeListing for ${args.samples} needs and ${args.samples} offers (load ${load()})…`);
  for (const id of [...needs.slice(0, 2), ...offers.slice(0, 2)]) await recomputeListing(id); // warm-up: connections, caches
  const timeEach = async (ids: string[]) => {
    const times: number[] = [];
    for (const id of ids) {
      const started = performance.now();
      await recomputeListing(id);
      times.push(performance.now() - started);
    }
    return times;
  };
  const needTimes = await timeEach(needs);
  const offerTimes = await timeEach(offers);
  const allTimes = [...needTimes, ...offerTimes];
  console.log(`  p50 ${ms(percentile(allTimes, 50))}, p95 ${ms(percentile(allTimes, 95))} (needs p95 ${ms(percentile(needTimes, 95))}, offers p95 ${ms(percentile(offerTimes, 95))})`);

  // 2. A 5,000-row import, with the real worker running.
  const broker = await prisma.user.upsert({
    where: { email: "bench-broker@techex.local" },
    update: {},
    create: { email: "bench-broker@techex.local", name: "Bench broker", passwordHash: "!", emailVerifiedAt: new Date(), roles: { create: [{ role: { connect: { name: "member" } } }, { role: { connect: { name: "broker" } } }] } },
  });
  const actor = (await loadActor(broker.id))!;
  const run = Date.now().toString(36);
  const sources = await prisma.listing.findMany({
    where: { externalRef: { startsWith: "SYN-" } },
    orderBy: { id: "asc" },
    skip: Math.floor(random() * Math.max(1, total - args.import)),
    take: args.import,
    select: {
      type: true, language: true, title: true, summary: true, description: true, keywords: true, provinceCode: true, trl: true, minTrl: true, ipStatus: true,
      transferModes: true, priceType: true, priceMin: true, priceMax: true, currency: true, budgetMin: true, budgetMax: true, budgetCurrency: true, condition: true,
      quantity: true, problemStatement: true, sectors: { select: { sectorCode: true } },
    },
  });
  const num = (v: bigint | null) => (v === null ? undefined : Number(v));
  const rows = sources.map((l, i) => ({
    externalRef: `${IMPORT_PREFIX}${run}-${i + 1}`,
    type: l.type,
    language: l.language,
    title: `${l.title} (${i + 1})`,
    summary: l.summary,
    description: l.description,
    keywords: l.keywords,
    sectors: l.sectors.map((s) => s.sectorCode),
    province: l.provinceCode ?? undefined,
    trl: l.trl ?? undefined,
    minTrl: l.minTrl ?? undefined,
    problemStatement: l.type === "TECHNOLOGY_REQUEST" ? (l.problemStatement ?? l.summary) : undefined,
    ipStatus: l.ipStatus ?? undefined,
    transferModes: l.transferModes,
    price: l.type === "TECHNOLOGY_REQUEST" ? undefined : { type: l.priceType ?? "NEGOTIABLE", min: num(l.priceMin), max: num(l.priceMax), currency: l.currency ?? undefined },
    budget: l.type === "TECHNOLOGY_REQUEST" ? { min: num(l.budgetMin), max: num(l.budgetMax), currency: l.budgetCurrency ?? undefined } : undefined,
    equipment: l.type === "EQUIPMENT_OFFER" ? { condition: l.condition ?? "NEW", quantity: l.quantity ?? 1 } : undefined,
    organisation: { name: `Bench import organisation ${i % 40}`, kind: "ENTERPRISE" },
  }));

  const runner = await startWorker(benchUrl, { concurrency: args.concurrency });
  await sleep(2_000); // the worker connects and LISTENs, as in a running app
  const pending = async () => {
    const [row] = await prisma.$queryRaw<{ index: bigint; matching: bigint }[]>`
      SELECT count(*) FILTER (WHERE task_identifier = 'search:index-listing') AS index,
             count(*) FILTER (WHERE task_identifier LIKE 'matching:%' AND task_identifier <> 'matching:digest') AS matching
      FROM graphile_worker.jobs WHERE run_at <= now() + interval '1 minute' AND (attempts < max_attempts)`;
    return { index: Number(row!.index), matching: Number(row!.matching) };
  };

  // Probe search visibility once a second from the start of the import until the queue has drained:
  // each probe is counted by what was running when it was made (the import, with indexing and
  // matching beside it; then indexing; then matching alone).
  const probes = await prisma.listing.findMany({ where: { externalRef: { startsWith: "SYN-" } }, orderBy: { id: "desc" }, take: 1_200, select: { id: true } });
  const visibility: { ms: number; importing: boolean; index: number; matching: number }[] = [];
  let probing = true;
  let importing = true;
  const probeLoop = (async () => {
    for (let i = 0; probing && i < probes.length; i++) {
      const state = { importing, ...(await pending()) };
      const id = probes[i]!.id;
      const token = `benchvis${i}x${run}`;
      await prisma.$transaction(async (tx) => {
        await tx.listing.update({ where: { id }, data: { keywords: { push: token } } });
        await enqueueListingSync(tx, id);
      });
      const start = performance.now();
      for (;;) {
        const { hits } = await listingsIndex().search(token, { limit: 1, attributesToRetrieve: ["id"] });
        if (hits[0]?.id === id) break;
        if (performance.now() - start > 20 * 60_000) throw new Error(`change to ${id} not visible after 20 minutes`);
        await sleep(10);
      }
      visibility.push({ ms: performance.now() - start, ...state });
      await sleep(1_000);
    }
  })();

  const timingsBefore = { ...recomputeTimings };
  console.log(`importing ${rows.length} rows with the worker running (concurrency ${args.concurrency}, load ${load()})…`);
  const importStarted = performance.now();
  const report = await importCatalogue(actor, { fileName: "bench.json", content: JSON.stringify(rows) });
  const committed = performance.now();
  importing = false;
  if (report.refused || report.failed > 0) throw new Error(`import refused or rows failed: ${JSON.stringify(report.refused ?? report.rows.find((r) => r.status === "failed"))}`);
  console.log(`  import committed in ${ms(committed - importStarted)}: ${report.created} created`);

  let indexDrained: number | null = null;
  let last = 0;
  for (;;) {
    const left = await pending();
    const now = performance.now();
    if (indexDrained === null && left.index <= 1) indexDrained = now;
    if (left.index === 0 && left.matching === 0) break;
    if (now - last > 15_000) {
      console.log(`  ${((now - committed) / 1000).toFixed(0)} s: ${left.index} index jobs, ${left.matching} matching jobs waiting (load ${load()})`);
      last = now;
    }
    if (now - committed > args.settleMinutes * 60_000) {
      console.log(`  not settled after ${args.settleMinutes} minutes: ${left.index} index jobs, ${left.matching} matching jobs left`);
      break;
    }
    await sleep(250);
  }
  const settled = performance.now();
  const unsettled = await pending();
  probing = false;
  await probeLoop;
  await runner.stop();
  const matches = await prisma.match.count({ where: { OR: [{ offerListing: { externalRef: { startsWith: `${IMPORT_PREFIX}${run}` } } }, { requestListing: { externalRef: { startsWith: `${IMPORT_PREFIX}${run}` } } }] } });

  const spent = (Object.keys(recomputeTimings) as (keyof typeof recomputeTimings)[]).map((k) => [k, recomputeTimings[k] - timingsBefore[k]] as const);
  const batches = recomputeTimings.batches - timingsBefore.batches;
  const phases = spent
    .filter(([k]) => k.endsWith("Ms"))
    .map(([k, v]) => `${k.slice(0, -2)} ${ms(v / Math.max(1, batches))}`)
    .join(", ");
  const stats = (values: number[]) => (values.length ? `p50 ${ms(percentile(values, 50))}   p95 ${ms(percentile(values, 95))}   (${values.length})` : "no sample");
  const of = (keep: (v: (typeof visibility)[number]) => boolean) => visibility.filter(keep).map((v) => v.ms);
  console.log(`
Matching benchmark — ${total.toLocaleString("en")} published listings, ${cpus().length} cores, load average ${load()}
  match one changed listing (recomputeListing):
    needs:   ${stats(needTimes)}
    offers:  ${stats(offerTimes)}
    all:     ${stats(allTimes)}   (goal p95 ≤ 1,000 ms)
  ${report.created.toLocaleString("en")}-row import (import module, worker concurrency ${args.concurrency}):
    import transaction:               ${ms(committed - importStarted)}
    commit → search index caught up:  ${ms((indexDrained ?? settled) - committed)}
    matching batches:                 ${batches.toLocaleString("en")} of ${((recomputeTimings.listings - timingsBefore.listings) / Math.max(1, batches)).toFixed(1)} listings; per batch ${phases}
    commit → matching settled:        ${unsettled.index + unsettled.matching ? `NOT SETTLED after ${ms(settled - committed)}: ${unsettled.index} index, ${unsettled.matching} matching jobs left` : ms(settled - committed)}   (goal ≤ 300,000 ms; ${matches.toLocaleString("en")} matches involve the imported rows)
  commit → visible in search, one change a second from the import's start until settled:
    while the import ran:               ${stats(of((v) => v.importing))}
    after it, index jobs waiting:       ${stats(of((v) => !v.importing && v.index > 1))}
    after it, matching jobs only:       ${stats(of((v) => !v.importing && v.index <= 1 && v.matching > 0))}
    whenever matching jobs were waiting: ${stats(of((v) => v.matching > 0))}   (goal p95 ≤ 1,000 ms)
    all probes:                         ${stats(of(() => true))}
`);
  await disconnectDb();
  await meiliServer.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
