import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

/** Pure-logic tests: no database, no Meilisearch, no server, no build (`npm run test:unit`). */
const UNIT_TESTS = ["tests/**/*.unit.test.ts", "app/**/*.unit.test.ts"];

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  esbuild: { jsx: "automatic" },
  test: {
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: UNIT_TESTS,
          setupFiles: ["tests/setup/console-errors.ts", "tests/setup/unit.ts"],
        },
      },
      {
        // Every other test file, so a new one gets a database unless its name says it needs none.
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts", "app/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...UNIT_TESTS],
          globalSetup: ["tests/setup/global.ts"],
          setupFiles: ["tests/setup/console-errors.ts", "tests/setup/per-file.ts"],
        },
      },
    ],
  },
});
