import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/lib/env.server.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

function problemsOf(vars: Record<string, string>): string[] {
  try {
    parseEnv(vars);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("environment validation", () => {
  it("accepts an empty environment with defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DEMO_DATA).toBe("on");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names each bad variable", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://localhost/techex",
      MEILI_HOST: "localhost:7700",
      MEILI_MASTER_KEY: "short",
      DEMO_DATA: "maybe",
      STRIPE_SECRET_KEY: "pk_test_123",
    });
    for (const name of ["PORT", "DATABASE_URL", "MEILI_HOST", "MEILI_MASTER_KEY", "DEMO_DATA", "STRIPE_SECRET_KEY"]) {
      expect(problems.some((p) => p.startsWith(`${name} `)), `${name} in ${problems.join("; ")}`).toBe(true);
    }
    expect(problems).toHaveLength(6);
  });

  it("refuses a port out of range and requires secrets in production", () => {
    expect(problemsOf({ PORT: "70000" })).toEqual(["PORT must be between 1 and 65535"]);
    const production = problemsOf({ NODE_ENV: "production" });
    expect(production).toContain("SESSION_SECRET is required in production");
    expect(production).toContain("DATABASE_URL is required in production");
  });

  it("reads the embedded Meilisearch's sizing in Meilisearch's units, as bytes and threads", () => {
    const defaults = parseEnv({});
    expect(defaults.MEILI_MAX_INDEXING_MEMORY).toBe(256 * 2 ** 20);
    expect(defaults.MEILI_MAX_INDEXING_THREADS).toBe(1);
    expect(parseEnv({ MEILI_MAX_INDEXING_MEMORY: "1GiB" }).MEILI_MAX_INDEXING_MEMORY).toBe(2 ** 30);
    expect(parseEnv({ MEILI_MAX_INDEXING_MEMORY: "1.5 GB" }).MEILI_MAX_INDEXING_MEMORY).toBe(1_500_000_000);
    expect(parseEnv({ MEILI_MAX_INDEXING_MEMORY: "134217728" }).MEILI_MAX_INDEXING_MEMORY).toBe(128 * 2 ** 20);
    expect(parseEnv({ MEILI_MAX_INDEXING_THREADS: "4" }).MEILI_MAX_INDEXING_THREADS).toBe(4);
  });

  it("refuses a sizing Meilisearch would misread, naming the variable", () => {
    const units = "MEILI_MAX_INDEXING_MEMORY must be an amount of memory such as 256MiB or 1GB (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)";
    expect(problemsOf({ MEILI_MAX_INDEXING_MEMORY: "lots" })).toEqual([units]);
    expect(problemsOf({ MEILI_MAX_INDEXING_MEMORY: "2 gigs" })).toEqual([units]);
    expect(problemsOf({ MEILI_MAX_INDEXING_MEMORY: "1toString" })).toEqual([units]);
    expect(problemsOf({ MEILI_MAX_INDEXING_MEMORY: "1".repeat(30) })).toEqual([units]);
    // A bare 256 is 256 bytes, not megabytes.
    expect(problemsOf({ MEILI_MAX_INDEXING_MEMORY: "256" })).toEqual(["MEILI_MAX_INDEXING_MEMORY must be at least 64MiB (a number without a unit counts bytes)"]);
    expect(problemsOf({ MEILI_MAX_INDEXING_THREADS: "0" })).toEqual(["MEILI_MAX_INDEXING_THREADS must be at least 1"]);
    expect(problemsOf({ MEILI_MAX_INDEXING_THREADS: "1.5" })).toEqual(["MEILI_MAX_INDEXING_THREADS must be a whole number of threads"]);
    expect(problemsOf({ MEILI_MAX_INDEXING_THREADS: "all" })).toEqual(["MEILI_MAX_INDEXING_THREADS must be a whole number of threads"]);
  });

  it("requires APP_URL in production, with a message saying what it is", () => {
    const production = problemsOf({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32), DATABASE_URL: "postgresql://db/techex" });
    expect(production).toHaveLength(1);
    expect(production[0]).toMatch(/^APP_URL is required in production: the public origin, e\.g\. https:\/\/techex\.example\.vn/);
    expect(problemsOf({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32), DATABASE_URL: "postgresql://db/techex", APP_URL: "https://techex.example.vn" })).toEqual([]);
    expect(problemsOf({ NODE_ENV: "development" })).toEqual([]);
  });

  it("reads the dollar rate, the slow-query threshold, the metrics token and the log level", () => {
    const defaults = parseEnv({});
    expect(defaults.USD_VND_RATE).toBe(25_000);
    expect(defaults.SLOW_QUERY_MS).toBe(250);
    expect(defaults.METRICS_TOKEN).toBeUndefined();
    expect(defaults.LOG_LEVEL).toBeUndefined(); // info, or warn under NODE_ENV=test (the logger decides)
    const set = parseEnv({ USD_VND_RATE: "26150.5", SLOW_QUERY_MS: "0", METRICS_TOKEN: "m".repeat(32), LOG_LEVEL: "debug" });
    expect(set).toMatchObject({ USD_VND_RATE: 26_150.5, SLOW_QUERY_MS: 0, METRICS_TOKEN: "m".repeat(32), LOG_LEVEL: "debug" });
    expect(problemsOf({ USD_VND_RATE: "0" })).toEqual(["USD_VND_RATE must be a positive number of đồng per dollar"]);
    expect(problemsOf({ USD_VND_RATE: "lots" })).toEqual(["USD_VND_RATE must be a number of đồng per dollar"]);
    expect(problemsOf({ SLOW_QUERY_MS: "-1" })).toEqual(["SLOW_QUERY_MS must be 0 (every statement) or more"]);
    expect(problemsOf({ SLOW_QUERY_MS: "soon" })).toEqual(["SLOW_QUERY_MS must be a number of milliseconds"]);
    expect(problemsOf({ METRICS_TOKEN: "short" })).toEqual(["METRICS_TOKEN must be at least 32 characters"]);
    expect(problemsOf({ METRICS_TOKEN: `${"m".repeat(32)} x` })).toEqual(["METRICS_TOKEN may contain only printable ASCII without spaces"]);
    expect(problemsOf({ LOG_LEVEL: "verbose" })).toEqual(["LOG_LEVEL must be debug, info, warn or error"]);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" }).PORT).toBe(3000);
  });
});

describe("start-up with bad environment variables", () => {
  it("npm start stops at once with a message naming each bad variable, starting nothing", () => {
    const started = Date.now();
    const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", PORT: "not-a-port", MEILI_HOST: "nowhere", MEILI_MAX_INDEXING_MEMORY: "256", DATA_DIR: path.join(ROOT, "tests/.artifacts/never") },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT must be a port number");
    expect(result.stderr).toContain("MEILI_HOST must be a URL");
    expect(result.stderr).toContain("MEILI_MAX_INDEXING_MEMORY must be at least 64MiB");
    expect(result.stdout).not.toContain("starting embedded");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("the production entry refuses to start without its services", () => {
    const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/serve.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("SESSION_SECRET is required in production");
    expect(result.stderr).toContain("DATABASE_URL is required in production");
    expect(result.stderr).toContain("APP_URL is required in production");
  });
});
