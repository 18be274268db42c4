/**
 * `npm run search:reindex` — build a new index from the database and swap it in.
 * `npm run search:reconcile [-- --repair]` — report (and repair) drift between database and index.
 * `npm run search:worker` — run the job worker (search outbox and every other job) on its own.
 */
import { EnvError, parseEnv } from "../app/lib/env.server.ts";
import { disconnectDb } from "../app/lib/db.server.ts";
import { ensureListingsIndex } from "../app/modules/search/index.server.ts";
import { reconcile, reindexAll } from "../app/modules/search/sync.server.ts";
import { logUnhandledRejections } from "./lib/last-resort.ts";

const command = process.argv[2];
try {
  const env = parseEnv(process.env);
  if (!env.DATABASE_URL || !env.MEILI_HOST) throw new EnvError(["DATABASE_URL and MEILI_HOST are required (npm start provides them for the embedded services)"]);
  if (command === "reindex") {
    const result = await reindexAll({ log: (line) => console.log(line) });
    console.log(`reindexed ${result.documents} listings in ${result.seconds.toFixed(1)} s (${Math.round(result.perSecond)} documents/s)`);
  } else if (command === "reconcile") {
    await ensureListingsIndex();
    const repair = process.argv.includes("--repair");
    const drift = await reconcile({ repair });
    console.log(`missing from the index: ${drift.missing.length}; in the index but not public: ${drift.extra.length}; stale: ${drift.stale.length}`);
    for (const id of [...drift.missing, ...drift.extra, ...drift.stale].slice(0, 50)) console.log(`  ${id}`);
    if (repair) console.log(`repaired ${drift.repaired}`);
    process.exitCode = !repair && drift.missing.length + drift.extra.length + drift.stale.length > 0 ? 2 : 0;
  } else if (command === "worker") {
    // A long-running process, like the server: a stray rejection is logged, not fatal to every queue.
    logUnhandledRejections();
    const { startWorker } = await import("./lib/worker.ts");
    const runner = await startWorker(env.DATABASE_URL);
    console.log("worker running; Ctrl-C to stop");
    const stop = async () => {
      await runner.stop();
      await disconnectDb();
      process.exit(0);
    };
    process.on("SIGINT", () => void stop());
    process.on("SIGTERM", () => void stop());
    await runner.promise;
  } else {
    console.error("usage: tsx scripts/search.ts reindex | reconcile [--repair] | worker");
    process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  if (command !== "worker") await disconnectDb();
}
