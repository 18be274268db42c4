/**
 * `npm start`'s services and its way of stopping, without the build and the app
 * (tests/services.test.ts): starts the services for the environment given, prints
 * `ready {json}`, and on SIGINT or SIGTERM does what start.ts does before it stops
 * them (closing the server and the worker takes a moment), checking meanwhile that
 * the embedded Meilisearch still answers, then stops them and exits 0.
 */
import { parseEnv } from "../../app/lib/env.server.ts";
import { startServices } from "../../scripts/lib/services.ts";

const log = (line: string) => console.log(`[harness] ${line}`);
const services = await startServices(parseEnv(process.env), log);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping…`);
  await new Promise((r) => setTimeout(r, 700));
  const up = await fetch(`${services.meiliHost}/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res.ok,
    () => false,
  );
  log(`meilisearch up while the app stops: ${up}`);
  await services.stop();
  log("stopped");
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
console.log(`ready ${JSON.stringify({ pid: process.pid, meiliHost: services.meiliHost, meiliPid: services.meili?.pid })}`);
