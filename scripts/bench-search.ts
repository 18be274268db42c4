/**
 * `npm run bench:search [-- --count 100000 --rounds 7]`
 *
 * On a fresh database (BENCH_DATABASE_URL, default techex_bench on the local
 * PostgreSQL) and its own embedded Meilisearch: generates N listings, indexes
 * them, then runs the fixed queries below both through the search module exactly
 * as the page loader calls it (URL → zod → searchListings) and as the identical
 * multi-search request sent straight to Meilisearch, interleaved. Prints p50/p95
 * of each and their ratio, the indexing throughput and the time from a committed
 * listing change to its visibility in search (through the outbox and worker).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { percentile, scratchDatabase } from "./lib/bench.ts";

const args = z
  .object({ count: z.coerce.number().int().min(100).max(1_000_000).default(100_000), rounds: z.coerce.number().int().min(1).max(50).default(7), visible: z.coerce.number().int().min(5).max(500).default(40) })
  .parse(Object.fromEntries(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1]]] : []))));

const adminUrl = process.env.BENCH_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const scratch = scratchDatabase(adminUrl, "techex_bench", process.env.BENCH_DATABASE_URL);
const benchUrl = scratch.url;

/** 54 fixed queries: words with and without diacritics, English, typos, filters, facets, sorts, pages. */
const QUERIES: string[] = [
  "q=máy sấy",
  "q=may say",
  "q=dryer",
  "q=xử lý nước thải",
  "q=xu ly nuoc thai",
  "q=wastewater treatment",
  "q=cà phê",
  "q=ca phe&type=TECHNOLOGY_OFFER",
  "q=coffee",
  "q=tôm",
  "q=shrimp",
  "q=máy CNC",
  "q=may cnc&sort=newest",
  "q=cnc machine&sort=price-asc",
  "q=điện mặt trời",
  "q=dien mat troi&province=79",
  "q=solar power system",
  "q=phân bón hữu cơ",
  "q=organic fertiliser",
  "q=kho lạnh",
  "q=cold store&type=EQUIPMENT_OFFER",
  "q=cảm biến IoT",
  "q=iot sensor&trl=6",
  "q=phần mềm quản lý",
  "q=management software&sort=trl-desc",
  "q=công nghệ lên men",
  "q=fermentation process",
  "q=chế phẩm sinh học",
  "q=hạt điều&province=75",
  "q=cashew",
  "q=irigation",
  "q=fermentaton",
  "q=lò hơi sinh khối",
  "q=biomass boiler&condition=USED",
  "q=robot hàn",
  "q=welding robot&mode=TURNKEY",
  "q=vật liệu composite&sector=2.5",
  "q=bê tông nhẹ",
  "q=màng lọc&sector=2.7",
  "q=máy phân loại&sort=price-desc",
  "q=dây chuyền chế biến&page=2",
  "q=giải pháp tiết kiệm năng lượng&page=3",
  "q=&type=TECHNOLOGY_REQUEST",
  "q=&sector=2&sort=newest",
  "q=&province=01&province=79",
  "q=&trl=7&type=TECHNOLOGY_OFFER",
  "q=&condition=NEW&type=EQUIPMENT_OFFER",
  "q=&priceMin=100000000&priceMax=1000000000",
  "q=&ip=PATENT_GRANTED&mode=LICENSE_EXCLUSIVE",
  "q=&sort=price-asc&page=5",
  "q=máy sấy&province=92&sector=2.3&trl=5",
  "q=chuyển giao công nghệ&sort=newest&page=2",
  "q=thức ăn chăn nuôi&type=TECHNOLOGY_OFFER&province=82",
  "q=rau&lang=vi",
];

const ms = (v: number) => `${v.toFixed(2)} ms`;

async function main() {
  // A fresh database for the run.
  await scratch.recreate();
  process.env.DATABASE_URL = benchUrl;
  process.env.LOG_LEVEL ??= "warn";

  const work = mkdtempSync(path.join(tmpdir(), "techex-bench-"));
  const { startEmbeddedMeilisearch } = await import("./lib/embedded-meilisearch.ts");
  const meiliServer = await startEmbeddedMeilisearch({ dataDir: work });
  process.env.MEILI_HOST = meiliServer.host;
  process.env.MEILI_MASTER_KEY = meiliServer.masterKey;

  const { setupDatabase } = await import("./lib/setup-database.ts");
  await setupDatabase(benchUrl);
  const { generateListings } = await import("../prisma/seed/synthetic.ts");
  const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
  const { meili, indexName } = await import("../app/lib/meili.server.ts");
  const { reindexAll } = await import("../app/modules/search/sync.server.ts");
  const { searchListings } = await import("../app/modules/search/search.server.ts");
  const { searchParamsSchema, searchParamsFromUrl } = await import("../app/modules/search/schema.ts");
  const { enqueueListingSync } = await import("../app/modules/search/outbox.server.ts");
  const { listingsIndex } = await import("../app/modules/search/index.server.ts");
  const { startWorker } = await import("./lib/worker.ts");

  console.log(`generating ${args.count} listings…`);
  const generated = await generateListings(args.count, { seed: 42, batchSize: 2_000 });
  console.log(`  ${generated.listings} listings, ${generated.organisations} organisations`);

  console.log("indexing…");
  const indexed = await reindexAll();
  console.log(`  ${indexed.documents} documents in ${indexed.seconds.toFixed(1)} s`);

  // Capture the exact multi-search request the module sends (with the search page's client), to replay it raw.
  const client = meili("search");
  const original = client.multiSearch.bind(client);
  let captured: Parameters<typeof client.multiSearch>[0] | undefined;
  client.multiSearch = ((request: Parameters<typeof client.multiSearch>[0]) => {
    captured = request;
    return original(request);
  }) as typeof client.multiSearch;

  const viaModule = async (query: string) => {
    const started = performance.now();
    const params = searchParamsSchema.parse(searchParamsFromUrl(new URLSearchParams(query)));
    const result = await searchListings(params);
    const elapsed = performance.now() - started;
    if (result.degraded) throw new Error("search degraded during the benchmark");
    return elapsed;
  };
  const raw = async (request: NonNullable<typeof captured>) => {
    const started = performance.now();
    const response = await fetch(`${meiliServer.host}/multi-search`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${meiliServer.masterKey}` },
      body: JSON.stringify(request),
    });
    await response.json();
    if (!response.ok) throw new Error(`raw search failed: ${response.status}`);
    return performance.now() - started;
  };

  console.log(`running ${QUERIES.length} queries × ${args.rounds} rounds…`);
  const moduleTimes: number[] = [];
  const rawTimes: number[] = [];
  const requests = new Map<string, NonNullable<typeof captured>>();
  for (const query of QUERIES) {
    captured = undefined;
    await viaModule(query); // warm up, and capture the request
    if (!captured) throw new Error(`the search module sent no multi-search for ${query}`);
    requests.set(query, captured);
  }
  for (let round = 0; round < args.rounds; round++) {
    for (const query of QUERIES) {
      // Interleaved, alternating which goes first, so drift affects both alike.
      if (round % 2 === 0) {
        moduleTimes.push(await viaModule(query));
        rawTimes.push(await raw(requests.get(query)!));
      } else {
        rawTimes.push(await raw(requests.get(query)!));
        moduleTimes.push(await viaModule(query));
      }
    }
  }

  console.log(`measuring time to visible (${args.visible} changes)…`);
  const runner = await startWorker(benchUrl);
  // Let the worker connect and LISTEN before the clock starts, as it has in a running app.
  await new Promise((r) => setTimeout(r, 2_000));
  const sample = await prisma.listing.findMany({ where: { status: "PUBLISHED" }, take: args.visible, select: { id: true, title: true } });
  const visible: number[] = [];
  for (const [i, row] of sample.entries()) {
    const token = `benchtoken${i}x${Date.now().toString(36)}`;
    await prisma.$transaction(async (tx) => {
      await tx.listing.update({ where: { id: row.id }, data: { keywords: { push: token } } });
      await enqueueListingSync(tx, row.id);
    });
    const committed = performance.now();
    for (;;) {
      const { hits } = await listingsIndex().search(token, { limit: 1, attributesToRetrieve: ["id"] });
      if (hits[0]?.id === row.id) break;
      if (performance.now() - committed > 30_000) throw new Error(`change to ${row.id} not visible after 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    visible.push(performance.now() - committed);
  }
  await runner.stop();

  const p50m = percentile(moduleTimes, 50);
  const p95m = percentile(moduleTimes, 95);
  const p50r = percentile(rawTimes, 50);
  const p95r = percentile(rawTimes, 95);
  console.log(`
Search benchmark — ${indexed.documents.toLocaleString("en")} listings, ${QUERIES.length} queries × ${args.rounds} rounds (${moduleTimes.length} each), index ${indexName("listings")}
  search module (page loader path): p50 ${ms(p50m)}   p95 ${ms(p95m)}
  raw Meilisearch (same request):   p50 ${ms(p50r)}   p95 ${ms(p95r)}
  ratio module/raw:                 p50 ${(p50m / p50r).toFixed(2)}      p95 ${(p95m / p95r).toFixed(2)}   (goal p95 ≤ 1.5)
  indexing throughput:              ${Math.round(indexed.perSecond).toLocaleString("en")} documents/s (${indexed.documents} in ${indexed.seconds.toFixed(1)} s, DB read included)
  commit → visible in search:       p50 ${ms(percentile(visible, 50))}   p95 ${ms(percentile(visible, 95))}   (goal p95 ≤ 1000 ms, ${visible.length} changes)
`);
  await disconnectDb();
  await meiliServer.stop();
  rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
