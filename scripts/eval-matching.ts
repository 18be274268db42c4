/**
 * `npm run eval:matching [-- --json] [-- --show] [-- --need MN-01] [-- --fit] [-- --reuse]`
 *
 * Measures matching on the judged set tests/matching/set.json (40 needs; per need two good
 * offers, one acceptable and four similar-sounding wrong ones — another product or sector, TRL
 * too low, fixed price over budget, no wanted transfer mode; see tests/matching/build-set.mjs).
 * The set's listings and, as unjudged distractors, the search relevance set's 217 listings
 * (tests/relevance/listings.json) are loaded through the real import module into a scratch
 * database (EVAL_DATABASE_NAME, default techex_eval_matching, on the local PostgreSQL), indexed
 * into an embedded Meilisearch, and every judged need is matched by the real matching module
 * (recomputeNeed). Then, from the stored suggestions:
 *
 * - recall@5: good offers among a need's top 5 suggestions, over min(5, its good offers);
 * - precision@5: good or acceptable among the top 5 judged suggestions (a set offer judged for
 *   another need counts as wrong for this one; distractors are unjudged and left out);
 * - wrong@5: the share of wrong pairs among all judged pairs in the top 5s;
 * - a calibration table: every candidate pair the matcher scored, by score bucket, with the
 *   share judged good / acceptable / wrong.
 *
 * --fit prints logistic coefficients for P(good) fitted on the scored pairs' components
 * (how scoring.ts COEFFICIENTS were set); --dump FILE writes the scored pairs as JSON;
 * --show prints each need's top 5; --reuse keeps the database of the last run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { percentile, scratchDatabase } from "./lib/bench.ts";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    show: { type: "boolean", default: false },
    fit: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
    need: { type: "string" },
    dump: { type: "string" },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const adminUrl = process.env.EVAL_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const scratch = scratchDatabase(adminUrl, process.env.EVAL_DATABASE_NAME ?? "techex_eval_matching", process.env.EVAL_DATABASE_URL);

type Grade = "good" | "acceptable" | "wrong";
interface JudgedSet {
  judgements: Record<string, Record<string, Grade>>;
  listings: { externalRef: string; type: string }[];
}

const log = (line: string) => {
  if (!args.json) console.log(line);
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const BUCKETS = [0, 0.2, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0001];

async function main() {
  const set = JSON.parse(readFileSync(path.join(ROOT, "tests", "matching", "set.json"), "utf8")) as JudgedSet;
  const setRefs = new Set(set.listings.map((l) => l.externalRef));
  process.env.LOG_LEVEL ??= "warn";
  if (!args.reuse) await scratch.recreate();
  process.env.DATABASE_URL = scratch.url;

  const work = mkdtempSync(path.join(tmpdir(), "techex-eval-matching-"));
  const { startEmbeddedMeilisearch } = await import("./lib/embedded-meilisearch.ts");
  const meiliServer = await startEmbeddedMeilisearch({ dataDir: work });
  process.env.MEILI_HOST = meiliServer.host;
  process.env.MEILI_MASTER_KEY = meiliServer.masterKey;
  try {
    const { setupDatabase } = await import("./lib/setup-database.ts");
    await setupDatabase(scratch.url);
    const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
    const { reindexAll } = await import("../app/modules/search/sync.server.ts");
    const matching = await import("../app/modules/matching/matching.server.ts");
    try {
      if (!args.reuse || (await prisma.listing.count()) === 0) {
        const { importCatalogue } = await import("../app/modules/listings/import.server.ts");
        const { loadActor } = await import("../app/modules/auth/actor.server.ts");
        const { createUser } = await import("../tests/factories/index.ts");
        const user = await createUser({ email: "eval@techex.local", roles: ["member", "broker"] });
        const actor = (await loadActor(user.id))!;
        const files = [
          ["set.json", JSON.stringify(set.listings)],
          ["listings.json", readFileSync(path.join(ROOT, "tests", "relevance", "listings.json"), "utf8")],
        ] as const;
        for (const [fileName, content] of files) {
          const report = await importCatalogue(actor, { fileName, content });
          if (report.refused || report.failed > 0) {
            const failed = report.rows.filter((r) => r.status === "failed").map((r) => `row ${r.line} ${r.externalRef}: ${JSON.stringify(r.errors)}`);
            throw new Error(`${fileName} did not import: ${JSON.stringify(report.refused ?? failed.slice(0, 10))}`);
          }
          log(`imported ${report.created} listings from ${fileName}`);
        }
      }
      await prisma.match.deleteMany({});
      const indexed = await reindexAll({ batchSize: 500 });
      log(`indexed ${indexed.documents} documents`);

      const listings = await prisma.listing.findMany({ select: { id: true, externalRef: true } });
      const refOf = new Map(listings.map((l) => [l.id, l.externalRef ?? l.id]));
      const idOf = new Map(listings.map((l) => [l.externalRef ?? l.id, l.id]));
      const needRefs = Object.keys(set.judgements).filter((ref) => !args.need || ref === args.need);

      // The grade of (need, offer): judged, or wrong when the offer belongs to the set but to another need.
      const gradeOf = (needRef: string, offerRef: string): Grade | null =>
        set.judgements[needRef]![offerRef] ?? (setRefs.has(offerRef) ? "wrong" : null);

      const needMs: number[] = [];
      for (const ref of needRefs) {
        const started = performance.now();
        await matching.recomputeNeed(idOf.get(ref)!);
        needMs.push(performance.now() - started);
      }

      const perNeed: { ref: string; recall: number; precision: number | null; top: { ref: string; score: number; grade: Grade | null }[] }[] = [];
      let wrongTop = 0;
      let judgedTop = 0;
      let unjudgedTop = 0;
      for (const ref of needRefs) {
        const rows = await prisma.match.findMany({
          where: { requestListingId: idOf.get(ref)!, status: "SUGGESTED" },
          orderBy: [{ score: "desc" }, { offerListingId: "asc" }],
          take: 5,
          select: { offerListingId: true, score: true },
        });
        const top = rows.map((r) => {
          const offerRef = refOf.get(r.offerListingId)!;
          return { ref: offerRef, score: r.score, grade: gradeOf(ref, offerRef) };
        });
        const goods = Object.values(set.judgements[ref]!).filter((g) => g === "good").length;
        const judged = top.filter((t) => t.grade !== null);
        wrongTop += judged.filter((t) => t.grade === "wrong").length;
        judgedTop += judged.length;
        unjudgedTop += top.length - judged.length;
        perNeed.push({
          ref,
          recall: top.filter((t) => t.grade === "good").length / Math.min(5, goods),
          precision: judged.length ? judged.filter((t) => t.grade !== "wrong").length / judged.length : null,
          top,
        });
      }

      // Calibration: every candidate pair the matcher scored.
      const pairs: { need: string; offer: string; score: number; grade: Grade; components?: Record<string, number>; excluded?: boolean }[] = [];
      const select = matching.factsSelect;
      for (const ref of needRefs) {
        const need = await prisma.listing.findUniqueOrThrow({ where: { id: idOf.get(ref)! }, select });
        const { scored } = await (matching.scoreOffersForNeed as unknown as (n: typeof need) => Promise<{ scored: { offerId: string; score: number; components?: Record<string, number>; excluded?: boolean }[] }>)(need);
        for (const s of scored) {
          const offerRef = refOf.get(s.offerId)!;
          const grade = gradeOf(ref, offerRef);
          if (grade) pairs.push({ need: ref, offer: offerRef, score: s.score, grade, components: s.components, excluded: s.excluded });
        }
      }
      const calibration = BUCKETS.slice(0, -1).map((low, i) => {
        const high = BUCKETS[i + 1]!;
        const inBucket = pairs.filter((p) => p.score >= low && p.score < high);
        const share = (g: Grade) => (inBucket.length ? inBucket.filter((p) => p.grade === g).length / inBucket.length : 0);
        return { bucket: `${low.toFixed(2)}–${Math.min(1, high).toFixed(2)}`, pairs: inBucket.length, good: share("good"), acceptable: share("acceptable"), wrong: share("wrong") };
      });

      const offerMs: number[] = [];
      const offerIds = listings.filter((l) => l.externalRef?.startsWith("MG-")).map((l) => l.id);
      if ("recomputeOffer" in matching) for (const id of offerIds.slice(0, 20)) {
        const started = performance.now();
        await matching.recomputeOffer(id);
        offerMs.push(performance.now() - started);
      }

      const precisions = perNeed.map((n) => n.precision).filter((p): p is number => p !== null);
      const report = {
        needs: needRefs.length,
        listings: indexed.documents,
        recall5: mean(perNeed.map((n) => n.recall)),
        precision5: mean(precisions),
        needsWithoutJudgedSuggestion: perNeed.length - precisions.length,
        wrong5: judgedTop ? wrongTop / judgedTop : 0,
        unjudgedInTop5: unjudgedTop,
        calibration,
        needMs: { p50: percentile(needMs, 50), p95: percentile(needMs, 95) },
        offerMs: offerMs.length ? { p50: percentile(offerMs, 50), p95: percentile(offerMs, 95) } : null,
      };

      if (args.show || args.need) {
        for (const n of perNeed) {
          log(`\n${n.ref}  recall ${n.recall.toFixed(2)}  precision ${n.precision?.toFixed(2) ?? "-"}`);
          for (const t of n.top) log(`  ${t.score.toFixed(3)}  [${t.grade ?? "-"}] ${t.ref}`);
          const missed = Object.entries(set.judgements[n.ref]!).filter(([r, g]) => g === "good" && !n.top.some((t) => t.ref === r));
          for (const [r] of missed) {
            const p = pairs.find((x) => x.need === n.ref && x.offer === r);
            log(`  missed ${r}: ${p ? `score ${p.score.toFixed(3)} ${JSON.stringify(p.components)}` : "not a candidate"}`);
          }
        }
      }
      if (args.fit) fit(pairs);
      if (args.dump) writeFileSync(args.dump, JSON.stringify(pairs));
      if (args.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        log(`\nMatching — ${report.needs} judged needs, ${report.listings} listings (tests/matching/set.json + tests/relevance/listings.json)`);
        log(`  recall@5 (good offers)      ${report.recall5.toFixed(3)}`);
        log(`  precision@5 (good or acc.)  ${report.precision5.toFixed(3)}   (${report.needsWithoutJudgedSuggestion} needs without a judged suggestion)`);
        log(`  wrong pairs in the top 5    ${pct(report.wrong5)}   (${wrongTop} of ${judgedTop} judged; ${unjudgedTop} unjudged distractors not counted)`);
        log(`\n  calibration (every candidate pair scored)\n  ${"score".padEnd(11)} ${"pairs".padStart(6)}  ${"good".padStart(6)}  ${"accept.".padStart(7)}  ${"wrong".padStart(6)}`);
        for (const c of calibration) log(`  ${c.bucket.padEnd(11)} ${String(c.pairs).padStart(6)}  ${pct(c.good).padStart(6)}  ${pct(c.acceptable).padStart(7)}  ${pct(c.wrong).padStart(6)}`);
        log(`\n  recomputeNeed  p50 ${report.needMs.p50.toFixed(0)} ms  p95 ${report.needMs.p95.toFixed(0)} ms`);
        if (report.offerMs) log(`  recomputeOffer p50 ${report.offerMs.p50.toFixed(0)} ms  p95 ${report.offerMs.p95.toFixed(0)} ms`);
      }
    } finally {
      await disconnectDb();
    }
  } finally {
    await meiliServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Logistic regression of P(good) on the components of pairs not excluded (plain gradient descent). */
function fit(pairs: { grade: Grade; components?: Record<string, number>; excluded?: boolean }[]) {
  const names = ["text", "sector", "trl", "price", "mode", "province"];
  const data = pairs.filter((p) => p.components && !p.excluded).map((p) => ({ x: names.map((n) => p.components![n]!), y: p.grade === "good" ? 1 : p.grade === "acceptable" ? 0.5 : 0 }));
  if (data.length === 0) return log("fit: no components (old engine?)");
  const w = new Array(names.length).fill(0) as number[];
  let b = 0;
  const l2 = 0.0002;
  for (let iter = 0; iter < 60_000; iter++) {
    const gw = new Array(names.length).fill(0) as number[];
    let gb = 0;
    for (const { x, y } of data) {
      const p = 1 / (1 + Math.exp(-(b + x.reduce((s, xi, i) => s + xi * w[i]!, 0))));
      const e = p - y;
      gb += e;
      x.forEach((xi, i) => (gw[i]! += e * xi));
    }
    b -= (2 * gb) / data.length;
    w.forEach((_, i) => (w[i]! -= 2 * (gw[i]! / data.length + l2 * w[i]!)));
  }
  log(`\nfit on ${data.length} pairs (good 1, acceptable 0.5, wrong 0): bias ${b.toFixed(2)} ${names.map((n, i) => `${n} ${w[i]!.toFixed(2)}`).join(" ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
