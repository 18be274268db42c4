/**
 * Production entry (Dockerfile): migrate, then serve the prebuilt app with the
 * configured PostgreSQL and Meilisearch. Demo data only when DEMO_DATA=on is set.
 * With --dev it is the app server `npm run dev` runs under `remix dev`.
 */
import type { Server } from "node:http";
import type { Runner } from "graphile-worker";
import { EnvError, parseEnv } from "../app/lib/env.server.ts";
import { logUnhandledRejections } from "./lib/last-resort.ts";
import { setupDatabase } from "./lib/setup-database.ts";
import { closeServer, stopOnSignals, within } from "./lib/shutdown.ts";

const log = (line: string) => console.log(`[techex] ${line}`);
const dev = process.argv.includes("--dev");

async function main() {
  logUnhandledRejections();
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[techex] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (!env.DATABASE_URL || !env.MEILI_HOST) {
    console.error("[techex] serve needs DATABASE_URL and MEILI_HOST; use `npm start` for embedded services");
    process.exit(1);
  }
  await setupDatabase(env.DATABASE_URL, log);
  if (process.env.DEMO_DATA === "on") {
    const { loadDemoDataIfEmpty } = await import("../prisma/seed/demo.ts");
    log(`demo data: ${await loadDemoDataIfEmpty(log)}`);
  }
  const { administratorExists, FIRST_ADMIN_COMMAND } = await import("../app/modules/auth/operators.server.ts");
  if (!(await administratorExists())) console.warn(`[techex] warning: no administrator yet; create the first one with: ${FIRST_ADMIN_COMMAND}`);
  const { prepareSearch } = await import("../app/modules/search/startup.server.ts");
  await prepareSearch(log);
  const { prepareStorage } = await import("../app/lib/storage.server.ts");
  await prepareStorage(log);
  const { startAppServer } = await import("./lib/app-server.ts");
  const server: Server = await startAppServer({ port: env.PORT, trustProxy: env.TRUST_PROXY, dev });
  let runner: Runner | undefined;
  if (env.WORKER === "on") {
    const { startWorker } = await import("./lib/worker.ts");
    runner = await startWorker(env.DATABASE_URL);
  }
  log(`listening on port ${env.PORT}`);
  // Within 8 s, or forced (docker stop sends SIGKILL after 10 s).
  stopOnSignals({
    log,
    async stop() {
      await closeServer(server);
      if (runner) await within(6_000, "stopping the job worker", runner.stop()).catch((error: Error) => log(error.message));
      const { disconnectDb } = await import("../app/lib/db.server.ts");
      await disconnectDb();
    },
  });
}

main().catch((error) => {
  console.error(`[techex] serve failed: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
