// Generates the Prisma client (app/generated/prisma) on `npm install`.
// Prisma 7's client needs no native engine, but the CLI still looks for a schema
// engine binary and would download one; pointing PRISMA_SCHEMA_ENGINE_BINARY at
// any existing file skips that download (DESIGN.md §10). `generate` never runs it.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

import { existsSync } from "node:fs";

const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve("prisma/build/index.js");
} catch {
  // A production install (--omit=dev) has no CLI; the image carries the client generated at build time.
  if (existsSync(new URL("../app/generated/prisma/client.ts", import.meta.url))) process.exit(0);
  console.error("The prisma CLI is not installed and app/generated/prisma is missing: run a full `npm install`.");
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
