/**
 * `npm test`: builds the app (the browser tests drive the real build), makes sure
 * a Chromium is there for them, then runs every test with vitest.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { findChromium } from "../tests/e2e/chromium.ts";

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!findChromium()) {
  // A fresh machine has none; Debian's package is the one the browser tests use (never playwright install).
  if (process.getuid?.() === 0 && spawnSync("which", ["apt-get"]).status === 0) {
    console.log("[test] installing Debian's chromium for the browser tests");
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "chromium"], { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
  } else {
    console.error("[test] the browser tests need Chromium: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH");
    process.exit(1);
  }
}
run("node_modules/.bin/remix", ["build"], { ...process.env, NODE_ENV: "production" });

// vitest's own summary, plus one plain closing line any CI can read.
const results = path.resolve("tests/.artifacts/results.json");
mkdirSync(path.dirname(results), { recursive: true });
rmSync(results, { force: true });
const vitest = spawnSync("node_modules/.bin/vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${results}`, ...process.argv.slice(2)], {
  stdio: "inherit",
});
if (existsSync(results)) {
  const summary = JSON.parse(readFileSync(results, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { status: string; assertionResults: unknown[] }[];
  };
  // A file that fails before its tests run (an import error) has no failed test, but it failed.
  const unloaded = summary.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
  const brokenFiles = unloaded ? `, ${unloaded} test file(s) failed to load` : "";
  console.log(`\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests + summary.numTodoTests} skipped${brokenFiles}`);
}
process.exit(vitest.status ?? 1);
