import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Writes the errors vitest caught outside any test (an unhandled rejection, a worker's RPC
 * timeout) to tests/.artifacts/unhandled-errors.json, which `npm test` repeats in its
 * closing lines: vitest prints them far above its summary, out of sight of a CI log's tail.
 */
export default class UnhandledErrorsReporter implements Reporter {
  onTestRunEnd(_modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>) {
    const file = path.resolve("tests/.artifacts/unhandled-errors.json");
    mkdirSync(path.dirname(file), { recursive: true });
    const plain = errors.map((error) => {
      const e = error as { name?: string; message?: string; stack?: string; VITEST_TEST_PATH?: string; type?: string };
      return { name: e.name, type: e.type, message: e.message ?? String(error), testFile: e.VITEST_TEST_PATH, stack: e.stack?.split("\n").slice(0, 8).join("\n") };
    });
    writeFileSync(file, JSON.stringify(plain, null, 2));
  }
}
