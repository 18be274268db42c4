/**
 * `npm run eval:search [-- --json] [-- --query TEXT] [-- --reuse] [-- --show]`
 *
 * Measures search relevance on the judged set in tests/relevance/: loads
 * listings.json through the real import module into a scratch database
 * (EVAL_DATABASE_URL, default techex_eval_search on the local PostgreSQL),
 * indexes it into its own embedded Meilisearch, then runs every query of
 * queries.json through the search module exactly as /api/search does
 * (URL → zod → searchListings) and prints nDCG@10, recall@10 and precision@10,
 * overall and per kind of query.
 *
 * - nDCG@10: gain 2^grade − 1, log2 discount, ideal from every judged listing.
 * - recall@10: listings graded ≥ 2 found in the top 10, over min(10, their number).
 * - precision@10: top-10 hits graded ≥ 1, over the number of hits shown (at most 10);
 *   a query with judged listings that returns nothing scores 0.
 * Unjudged listings count as grade 0.
 *
 * --query TEXT keeps only queries whose id or text contains TEXT and prints their hits;
 * --show prints the hits of every query; --reuse keeps the database of the last run
 * (re-indexes only); --json prints the figures as JSON; --serve keeps the scratch
 * Meilisearch running afterwards (its address and key are printed) until Ctrl-C.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { scratchDatabase } from "./lib/bench.ts";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    query: { type: "string" },
    reuse: { type: "boolean", default: false },
    show: { type: "boolean", default: false },
    serve: { type: "boolean", default: false },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const SET_DIR = path.join(ROOT, "tests", "relevance");
const adminUrl = process.env.EVAL_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const scratch = scratchDatabase(adminUrl, "techex_eval_search", process.env.EVAL_DATABASE_URL);

export interface JudgedQuery {
  id: string;
  kind: string;
  q: string;
  /** externalRef → grade 0–3 (3 exactly what was asked, 2 clearly useful, 1 related). */
  judgements: Record<string, number>;
  note?: string;
}

const log = (line: string) => {
  if (!args.json) console.log(line);
};

function ndcgAt10(ranked: string[], judgements: Record<string, number>) {
  const gain = (grade: number) => 2 ** grade - 1;
  const dcg = ranked.slice(0, 10).reduce((sum, ref, i) => sum + gain(judgements[ref] ?? 0) / Math.log2(i + 2), 0);
  const ideal = Object.values(judgements)
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, grade, i) => sum + gain(grade) / Math.log2(i + 2), 0);
  return ideal === 0 ? 1 : dcg / ideal;
}

function recallAt10(ranked: string[], judgements: Record<string, number>) {
  const relevant = Object.entries(judgements).filter(([, g]) => g >= 2).map(([ref]) => ref);
  if (relevant.length === 0) return 1;
  const found = ranked.slice(0, 10).filter((ref) => relevant.includes(ref)).length;
  return found / Math.min(10, relevant.length);
}

function precisionAt10(ranked: string[], judgements: Record<string, number>) {
  const top = ranked.slice(0, 10);
  if (top.length === 0) return Object.values(judgements).some((g) => g > 0) ? 0 : 1;
  return top.filter((ref) => (judgements[ref] ?? 0) >= 1).length / top.length;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

async function main() {
  const queries = (JSON.parse(readFileSync(path.join(SET_DIR, "queries.json"), "utf8")) as JudgedQuery[]).filter(
    (q) => !args.query || q.id.includes(args.query) || q.q.includes(args.query),
  );
  process.env.LOG_LEVEL ??= "warn";
  if (!args.reuse) await scratch.recreate();
  process.env.DATABASE_URL = scratch.url;

  const work = mkdtempSync(path.join(tmpdir(), "techex-eval-search-"));
  const { startEmbeddedMeilisearch } = await import("./lib/embedded-meilisearch.ts");
  const meiliServer = await startEmbeddedMeilisearch({ dataDir: work });
  process.env.MEILI_HOST = meiliServer.host;
  process.env.MEILI_MASTER_KEY = meiliServer.masterKey;
  try {
    const { setupDatabase } = await import("./lib/setup-database.ts");
    await setupDatabase(scratch.url);
    const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
    const { reindexAll } = await import("../app/modules/search/sync.server.ts");
    const { searchListings } = await import("../app/modules/search/search.server.ts");
    const { searchParamsSchema, searchParamsFromUrl } = await import("../app/modules/search/schema.ts");
    try {
      if (!args.reuse || (await prisma.listing.count()) === 0) {
        const { importCatalogue } = await import("../app/modules/listings/import.server.ts");
        const { loadActor } = await import("../app/modules/auth/actor.server.ts");
        const { createUser } = await import("../tests/factories/index.ts");
        const user = await createUser({ email: "eval@techex.local", roles: ["member", "broker"] });
        const actor = (await loadActor(user.id))!;
        const content = readFileSync(path.join(SET_DIR, "listings.json"), "utf8");
        const report = await importCatalogue(actor, { fileName: "listings.json", content });
        if (report.refused || report.failed > 0) {
          const failed = report.rows.filter((r) => r.status === "failed").map((r) => `row ${r.line} ${r.externalRef}: ${JSON.stringify(r.errors)}`);
          throw new Error(`the judged listings did not import: ${JSON.stringify(report.refused ?? failed.slice(0, 10))}`);
        }
        log(`imported ${report.created} listings`);
      }
      const indexed = await reindexAll({ batchSize: 500 });
      log(`indexed ${indexed.documents} documents`);

      // The app reads the catalogue's phrases in the background; here, before the first query.
      const { refreshCatalogueVocabulary } = await import("../app/modules/search/vocabulary.server.ts");
      await refreshCatalogueVocabulary();
      const known = new Set((await prisma.listing.findMany({ select: { externalRef: true } })).map((l) => l.externalRef));
      for (const q of queries) for (const ref of Object.keys(q.judgements)) if (!known.has(ref)) throw new Error(`${q.id} judges ${ref}, which is not in listings.json`);

      const rows: { id: string; kind: string; q: string; ndcg: number; recall: number; precision: number; top: string[]; ms: number }[] = [];
      for (const query of queries) {
        const started = performance.now();
        const params = searchParamsSchema.parse(searchParamsFromUrl(new URLSearchParams({ q: query.q })));
        const result = await searchListings(params);
        const ms = performance.now() - started;
        if (result.degraded) throw new Error("search answered from PostgreSQL: Meilisearch failed");
        const ranked = result.hits.map((h) => h.externalRef ?? h.id);
        const row = { id: query.id, kind: query.kind, q: query.q, ndcg: ndcgAt10(ranked, query.judgements), recall: recallAt10(ranked, query.judgements), precision: precisionAt10(ranked, query.judgements), top: ranked.slice(0, 10), ms };
        rows.push(row);
        if (args.show || args.query) {
          log(`\n${query.id} [${query.kind}] "${query.q}"  nDCG ${row.ndcg.toFixed(2)} recall ${row.recall.toFixed(2)} (${result.totalHits} hits)`);
          for (const [i, ref] of row.top.entries()) log(`  ${i + 1}. [${query.judgements[ref] ?? "-"}] ${ref}  ${result.hits[i]!.title.slice(0, 90)}`);
          const missed = Object.entries(query.judgements).filter(([ref, g]) => g >= 2 && !row.top.includes(ref));
          if (missed.length) log(`  missed: ${missed.map(([ref, g]) => `${ref}(${g})`).join(" ")}`);
        }
      }

      const kinds = [...new Set(rows.map((r) => r.kind))].sort();
      const summary = (subset: typeof rows) => ({ queries: subset.length, ndcg10: mean(subset.map((r) => r.ndcg)), recall10: mean(subset.map((r) => r.recall)), precision10: mean(subset.map((r) => r.precision)) });
      const report = {
        listings: indexed.documents,
        overall: summary(rows),
        byKind: Object.fromEntries(kinds.map((k) => [k, summary(rows.filter((r) => r.kind === k))])),
        meanMs: mean(rows.map((r) => r.ms)),
        queries: rows.map(({ id, kind, ndcg, recall, precision, top }) => ({ id, kind, ndcg, recall, precision, top })),
      };
      if (args.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        const line = (name: string, s: ReturnType<typeof summary>) =>
          `  ${name.padEnd(22)} ${String(s.queries).padStart(4)}   ${s.ndcg10.toFixed(3)}   ${s.recall10.toFixed(3)}   ${s.precision10.toFixed(3)}`;
        log(`\nSearch relevance — ${rows.length} queries on ${indexed.documents} listings (tests/relevance)`);
        log(`  ${"kind".padEnd(22)} ${"n".padStart(4)}   nDCG@10 recall@10 precision@10`);
        for (const k of kinds) log(line(k, report.byKind[k]!));
        log(line("overall", report.overall));
        log(`  mean time per search: ${report.meanMs.toFixed(1)} ms`);
        const worst = [...rows].sort((a, b) => a.ndcg - b.ndcg).slice(0, 8);
        log(`  weakest: ${worst.map((r) => `${r.id} ${r.ndcg.toFixed(2)}`).join(", ")}`);
      }
      if (args.serve) {
        console.log(`Meilisearch at ${meiliServer.host} (key ${meiliServer.masterKey}); Ctrl-C to stop`);
        await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      }
    } finally {
      await disconnectDb();
    }
  } finally {
    await meiliServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
