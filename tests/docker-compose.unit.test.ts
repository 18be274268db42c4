import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EnvError, parseEnv } from "~/lib/env.server.ts";
import { storageDriverOf } from "~/lib/storage.server.ts";

/**
 * No Docker engine here: docker-compose.yml is read as YAML (merge keys resolved, as Compose
 * does), its ${…} interpolated as Compose would with a .env of the required secrets, and what
 * each app service would get is validated by the app's own environment schema.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
type Service = {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
};
const compose = parse(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { app, worker, minio } = compose.services as Record<string, Service>;

const DOT_ENV = {
  SESSION_SECRET: "s".repeat(64),
  MEILI_MASTER_KEY: "m".repeat(48),
  POSTGRES_PASSWORD: "p".repeat(48),
  MINIO_ROOT_PASSWORD: "o".repeat(48),
};

/** Compose's interpolation: ${VAR:-default}, ${VAR:?error} (unset or empty counts as missing), $$ for a literal $. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === "$$") return "$";
    const set = vars[name!];
    if (op === "?" && !set) throw new Error(`${name}: ${arg}`);
    return set || (op === "-" ? arg! : "");
  });
}

const environmentOf = (service: Service, vars: Record<string, string | undefined> = DOT_ENV) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));

describe("docker-compose.yml", () => {
  it("runs the web app, a separate worker, PostgreSQL, Meilisearch and MinIO", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "meilisearch", "minio", "postgres", "worker"]);
    expect(app!.build).toBe(".");
    expect(worker!.build).toBe(".");
    expect(worker!.ports).toBeUndefined();
    expect(minio!.ports).toBeUndefined();
  });

  it("gives the web and the worker an environment the app accepts, with uploads in MinIO", () => {
    for (const service of [app!, worker!]) {
      const env = parseEnv({ ...environmentOf(service) });
      expect(env.NODE_ENV).toBe("production");
      expect(storageDriverOf(env)).toBe("s3");
      expect(env.S3_ENDPOINT).toBe("http://minio:9000");
      expect(env.S3_BUCKET).toBe("techex-uploads");
      expect(env.S3_ACCESS_KEY_ID).toBe(interpolate(minio!.environment!.MINIO_ROOT_USER!, DOT_ENV));
      expect(env.S3_SECRET_ACCESS_KEY).toBe(DOT_ENV.MINIO_ROOT_PASSWORD);
      expect(env.MEILI_MASTER_KEY).toBe(DOT_ENV.MEILI_MASTER_KEY);
      expect(env.TRUST_PROXY).toBe(1);
    }
    // Jobs run in the worker only; the web's queries may use a search-only key.
    expect(parseEnv(environmentOf(app!)).WORKER).toBe("off");
    expect(parseEnv(environmentOf(worker!)).WORKER).toBe("on");
    expect(parseEnv(environmentOf(app!, { ...DOT_ENV, MEILI_SEARCH_KEY: "k".repeat(64) })).MEILI_SEARCH_KEY).toBe("k".repeat(64));
    expect(parseEnv(environmentOf(app!)).MEILI_SEARCH_KEY).toBeUndefined();
    // TRUST_PROXY can be turned off for an app reached directly.
    expect(parseEnv(environmentOf(app!, { ...DOT_ENV, TRUST_PROXY: "0" })).TRUST_PROXY).toBe(0);
  });

  it("refuses to start without each required secret, naming it", () => {
    for (const name of Object.keys(DOT_ENV)) {
      expect(() => environmentOf(app!, { ...DOT_ENV, [name]: undefined }), name).toThrow(new RegExp(`^${name}: set ${name}`));
    }
  });

  it("runs the worker with the script that starts the job runner, once the web has migrated", () => {
    expect(worker!.command).toEqual(["node", "--import", "tsx", "scripts/search.ts", "worker"]);
    expect(readFileSync(path.join(ROOT, "scripts/search.ts"), "utf8")).toMatch(/command === "worker"[\s\S]*startWorker\(/);
    expect(worker!.depends_on).toEqual({ app: { condition: "service_healthy" } });
    expect(worker!.healthcheck).toEqual({ disable: true });
  });

  it("starts the web once MinIO is healthy, MinIO from a pinned image with a healthcheck", () => {
    expect(app!.depends_on?.minio).toEqual({ condition: "service_healthy" });
    expect(minio!.image).toMatch(/^quay\.io\/minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T/);
    expect(minio!.healthcheck?.test).toEqual(["CMD", "mc", "ready", "local"]);
    expect(minio!.volumes).toEqual(["minio-data:/data"]);
  });

  it("declares every named volume a service mounts", () => {
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(":")[0]!)
      .filter((v) => !v.startsWith(".") && !v.startsWith("/"));
    for (const volume of named) expect(Object.keys(compose.volumes), volume).toContain(volume);
  });
});

describe("storage settings", () => {
  const problemsOf = (vars: Record<string, string>) => {
    try {
      parseEnv(vars);
      return [];
    } catch (error) {
      if (error instanceof EnvError) return error.problems;
      throw error;
    }
  };

  it("chooses the driver from STORAGE_DRIVER, else from S3_BUCKET", () => {
    expect(storageDriverOf(parseEnv({}))).toBe("local");
    expect(storageDriverOf(parseEnv({ S3_BUCKET: "uploads" }))).toBe("s3");
    expect(storageDriverOf(parseEnv({ S3_BUCKET: "uploads", STORAGE_DRIVER: "local" }))).toBe("local");
    expect(parseEnv({}).S3_REGION).toBe("us-east-1");
  });

  it("names each bad or missing storage variable", () => {
    expect(problemsOf({ STORAGE_DRIVER: "s3" })).toEqual(["S3_BUCKET is required with STORAGE_DRIVER=s3"]);
    expect(problemsOf({ STORAGE_DRIVER: "ftp" })).toEqual(["STORAGE_DRIVER must be local or s3"]);
    expect(problemsOf({ S3_BUCKET: "Uploads_Bucket" })).toEqual(["S3_BUCKET must be a bucket name: 3 to 63 characters a–z, 0–9, . and -"]);
    expect(problemsOf({ S3_BUCKET: "uploads", S3_ENDPOINT: "minio:9000" })[0]).toMatch(/^S3_ENDPOINT must/);
    expect(problemsOf({ S3_BUCKET: "uploads", S3_ACCESS_KEY_ID: "id" })).toEqual(["S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID"]);
    expect(problemsOf({ S3_BUCKET: "uploads", S3_SECRET_ACCESS_KEY: "secret" })).toEqual(["S3_ACCESS_KEY_ID is required with S3_SECRET_ACCESS_KEY"]);
    expect(problemsOf({ MEILI_SEARCH_KEY: "short" })).toEqual(["MEILI_SEARCH_KEY must be at least 16 characters"]);
  });
});
