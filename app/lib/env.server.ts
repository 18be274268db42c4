import { z } from "zod";

/**
 * Every environment variable the app reads, validated once at start.
 * A bad value stops the process with a message that names the variable.
 */
const postgresUrl = z
  .string()
  .url("must be a URL such as postgresql://user@host:5432/db")
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must start with postgresql:// or postgres://");

const httpUrl = z
  .string()
  .url("must be a URL such as http://127.0.0.1:7700")
  .refine((v) => /^https?:\/\//.test(v), "must start with http:// or https://");

/** Units Meilisearch also accepts: decimal (kB, MB, GB, TB) and binary (KiB, MiB, GiB, TiB); a bare number counts bytes. */
const BYTE_UNITS = new Map(Object.entries({ B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 }));

/** An amount of memory such as `256MiB`, as bytes; below `minimum` is refused, so `256` (bytes) is not taken for megabytes. */
const byteSize = (minimum: string) =>
  z.string().transform((value, ctx) => {
    const parse = (text: string) => {
      const match = /^(\d+(?:\.\d+)?) ?([A-Za-z]*)$/.exec(text.trim());
      const unit = match ? BYTE_UNITS.get(match[2] || "B") : undefined;
      return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : undefined;
    };
    const bytes = parse(value);
    if (bytes === undefined || !Number.isSafeInteger(bytes)) {
      ctx.addIssue({ code: "custom", message: "must be an amount of memory such as 256MiB or 1GB (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)" });
      return z.NEVER;
    }
    if (bytes < parse(minimum)!) {
      ctx.addIssue({ code: "custom", message: `must be at least ${minimum} (a number without a unit counts bytes)` });
      return z.NEVER;
    }
    return bytes;
  });

export const logLevelSchema = z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" });

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce
      .number({ invalid_type_error: "must be a port number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535")
      .default(3000),
    DATABASE_URL: postgresUrl.optional(),
    MEILI_HOST: httpUrl.optional(),
    MEILI_MASTER_KEY: z.string().min(16, "must be at least 16 characters").optional(),
    /** A key allowed only to search (actions ["search"]): used for the queries a person waits for; the master key for everything else. */
    MEILI_SEARCH_KEY: z.string().min(16, "must be at least 16 characters").optional(),
    /** Longest wait for one Meilisearch request from a job, a script or startup (ms). */
    MEILI_TIMEOUT_MS: z.coerce.number({ invalid_type_error: "must be a number of milliseconds" }).int().min(100).max(600_000).default(15_000),
    /** Longest wait for one Meilisearch request while a person waits (the search page, /api/search); then PostgreSQL answers. */
    MEILI_SEARCH_TIMEOUT_MS: z.coerce.number({ invalid_type_error: "must be a number of milliseconds" }).int().min(100).max(60_000).default(1_500),
    /**
     * Sizing of the embedded Meilisearch that `npm start` runs (a configured MEILI_HOST sizes
     * itself): memory and threads it may use while indexing, passed as --max-indexing-memory
     * and --max-indexing-threads. Its own defaults (two thirds of the RAM, half the cores)
     * suit a machine given to a large catalogue; these suit a centre's catalogue beside the
     * app on one machine. A larger one still indexes, more slowly (decision 016).
     */
    MEILI_MAX_INDEXING_MEMORY: byteSize("64MiB").default("256MiB"),
    MEILI_MAX_INDEXING_THREADS: z.coerce.number({ invalid_type_error: "must be a whole number of threads" }).int("must be a whole number of threads").min(1, "must be at least 1").max(256, "must be at most 256").default(1),
    /**
     * Jobs one worker process runs at once. The search outbox and matching jobs of listings
     * that run together share one Meilisearch request (search/sync.server.ts, matching/tasks.server.ts),
     * so this also bounds those batches; most of a running job's time is spent waiting for them.
     */
    WORKER_CONCURRENCY: z.coerce.number({ invalid_type_error: "must be a whole number of jobs" }).int().min(1).max(100).default(48),
    /** Prefix of every Meilisearch index name, so several apps or test files can share one server. */
    MEILI_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]*$/, "may contain only a–z, 0–9, _ and -")
      .default(""),
    /** Secure flag of the session cookie; defaults to on in production. `npm start` on plain http sets it off. */
    COOKIE_SECURE: z.enum(["on", "off"], { message: "must be on or off" }).optional(),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Public origin used in e-mails and redirects, e.g. https://techex.example.vn; required in production. */
    APP_URL: httpUrl.optional(),
    DEMO_DATA: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
    DATA_DIR: z.string().min(1).default(".data"),
    UPLOAD_DIR: z.string().min(1).optional(),
    /** Where uploads live: local (UPLOAD_DIR) or s3 (the S3_* settings). Default: s3 when S3_BUCKET is set, else local. */
    STORAGE_DRIVER: z.enum(["local", "s3"], { message: "must be local or s3" }).optional(),
    /** An S3-compatible server such as MinIO (http://minio:9000); unset for Amazon S3 itself. */
    S3_ENDPOINT: httpUrl.optional(),
    S3_REGION: z.string().regex(/^[a-z0-9-]{2,32}$/, "must be a region name such as us-east-1").default("us-east-1"),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name: 3 to 63 characters a–z, 0–9, . and -")
      .optional(),
    /** Without the pair, the AWS SDK's own credential chain (instance role, ~/.aws) is used. */
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    SMTP_URL: z
      .string()
      .refine((v) => /^smtps?:\/\//.test(v), "must start with smtp:// or smtps://")
      .optional(),
    MAIL_FROM: z.string().min(3).default("Techex <no-reply@techex.local>"),
    /** Without SMTP_URL, e-mail is written here as .eml files (default: DATA_DIR/mail-outbox). */
    MAIL_OUTBOX_DIR: z.string().min(1).optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .refine((v) => /^(sk|rk)_(test|live)_/.test(v), "must be a Stripe secret key (sk_test_… or sk_live_…)")
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .refine((v) => v.startsWith("whsec_"), "must start with whsec_")
      .optional(),
    /** Stripe API origin; only tests point it at a local server (default: Stripe's own). */
    STRIPE_API_URL: httpUrl.optional(),
    /** Price of 30 days of featured placement in whole units: đồng and dollars (Stripe's smallest unit is derived). */
    FEATURED_PRICE_VND: z.coerce.number({ invalid_type_error: "must be a whole number of đồng" }).int().positive().default(500_000),
    FEATURED_PRICE_USD: z.coerce.number({ invalid_type_error: "must be a whole number of dollars" }).int().positive().default(20),
    /** Database statements slower than this are logged at warn with their SQL (never their parameters). */
    SLOW_QUERY_MS: z.coerce.number({ invalid_type_error: "must be a number of milliseconds" }).int("must be a whole number of milliseconds").min(0, "must be 0 (every statement) or more").max(600_000).default(250),
    /** Đồng per dollar: USD prices are compared, sorted and filtered as VND at this rate (search index, matching). */
    USD_VND_RATE: z.coerce.number({ invalid_type_error: "must be a number of đồng per dollar" }).positive("must be a positive number of đồng per dollar").default(25_000),
    /** Bearer token of GET /metrics (Prometheus); without it /metrics answers 404. */
    METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").regex(/^[\x21-\x7e]+$/, "may contain only printable ASCII without spaces").optional(),
    /** Run the graphile-worker runner inside the web process (off to run it separately). */
    WORKER: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
    /** How many proxies in front of the app to trust for the client's IP (X-Forwarded-For). */
    TRUST_PROXY: z.coerce.number({ invalid_type_error: "must be a number of proxy hops" }).int().min(0).max(10).default(0),
    /** Default info; warn under NODE_ENV=test (app/lib/logger.server.ts). */
    LOG_LEVEL: logLevelSchema.optional(),
    /** Serve /bench/bare, the bare page `npm run bench:pages` compares every page to (404 otherwise). */
    BENCH_BARE_ROUTE: z.enum(["on", "off"], { message: "must be on or off" }).default("off"),
  })
  .superRefine((env, ctx) => {
    if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required with STORAGE_DRIVER=s3" });
    }
    if (env.S3_ACCESS_KEY_ID && !env.S3_SECRET_ACCESS_KEY) {
      ctx.addIssue({ code: "custom", path: ["S3_SECRET_ACCESS_KEY"], message: "is required with S3_ACCESS_KEY_ID" });
    }
    if (env.S3_SECRET_ACCESS_KEY && !env.S3_ACCESS_KEY_ID) {
      ctx.addIssue({ code: "custom", path: ["S3_ACCESS_KEY_ID"], message: "is required with S3_SECRET_ACCESS_KEY" });
    }
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required in production" });
    }
    if (env.NODE_ENV === "production" && !env.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production" });
    }
    if (env.NODE_ENV === "production" && !env.APP_URL) {
      ctx.addIssue({ code: "custom", path: ["APP_URL"], message: "is required in production: the public origin, e.g. https://techex.example.vn (links in e-mails, Stripe's return, the cross-site check)" });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses a set of variables; empty strings count as unset. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
