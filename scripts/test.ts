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
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const buildStarted = performance.now();
run("node_modules/.bin/remix", ["build"], { ...process.env, NODE_ENV: "production" });
console.log(`[test] build: ${seconds(buildStarted)}`);
const testsStarted = performance.now();

// vitest's own summary, plus one plain closing line any CI can read.
const results = path.resolve("tests/.artifacts/results.json");
mkdirSync(path.dirname(results), { recursive: true });
const unhandled = path.resolve("tests/.artifacts/unhandled-errors.json");
rmSync(results, { force: true });
rmSync(unhandled, { force: true });
const reporters = ["--reporter=default", "--reporter=json", "--reporter=./tests/setup/unhandled-errors-reporter.ts"];
const vitest = spawnSync("node_modules/.bin/vitest", ["run", ...reporters, `--outputFile.json=${results}`, ...process.argv.slice(2)], {
  stdio: "inherit",
});
if (existsSync(results)) {
  const summary = JSON.parse(readFileSync(results, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { name: string; status: string; startTime: number; endTime: number; assertionResults: unknown[] }[];
  };
  // A file that fails before its tests run (an import error) has no failed test, but it failed.
  const unloaded = summary.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
  const brokenFiles = unloaded ? `, ${unloaded} test file(s) failed to load` : "";
  const errors = existsSync(unhandled) ? (JSON.parse(readFileSync(unhandled, "utf8")) as { name?: string; message: string; testFile?: string; stack?: string }[]) : [];
  for (const error of errors) console.log(`\nunhandled error${error.testFile ? ` while ${path.relative(process.cwd(), error.testFile)} ran` : ""}:\n${error.stack ?? `${error.name}: ${error.message}`}`);
  const slowest = [...summary.testResults].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime)).slice(0, 8);
  console.log(`\n[test] vitest: ${seconds(testsStarted)}; slowest files: ${slowest.map((f) => `${path.relative(process.cwd(), f.name)} ${((f.endTime - f.startTime) / 1000).toFixed(0)} s`).join(", ")}`);
  console.log(`\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests + summary.numTodoTests} skipped${brokenFiles}${errors.length ? `, ${errors.length} unhandled error(s)` : ""}`);
}
process.exit(vitest.status ?? 1);
