import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { env } from "~/lib/env.server.ts";
import { rootLogger, runWithRequestId } from "~/lib/logger.server.ts";
import { overrideMailTransport, sendMail } from "~/lib/mailer.server.ts";
import { metrics } from "~/lib/metrics.server.ts";
import { INDEX_LISTING_TASK } from "~/modules/search/outbox.server.ts";
import { searchListings } from "~/modules/search/search.server.ts";
import { searchParamsSchema } from "~/modules/search/schema.ts";
import { loader as metricsLoader } from "~/routes/metrics.ts";
import { startWorker } from "../scripts/lib/worker.ts";
import { closedPort } from "./factories/alerts.ts";
import { consoleErrorsSeen, expectConsoleError } from "./setup/console-errors.ts";
import { startApp } from "./setup/app-routes.ts";

/**
 * Issue #13 point 5, against the real Express server and the built app: request ids on the
 * answer and on every log line of the request, handleError's stack, and /metrics behind its
 * token with the figures an operator watches.
 */

const TOKEN = "metrics-test-token-0123456789abcdefghij";
let app: Awaited<ReturnType<typeof startApp>>;
// Read before the token is set: this test module's own copy of the app has no METRICS_TOKEN.
const unconfigured = env().METRICS_TOKEN;

beforeAll(async () => {
  // The built app (imported by startApp) reads its environment on its first request, with the token.
  process.env.METRICS_TOKEN = TOKEN;
  app = await startApp();
});

afterAll(async () => {
  await app.close();
});

const scrape = (authorization?: string) => fetch(`${app.baseUrl}/metrics`, { headers: authorization ? { Authorization: authorization } : {} });

/** Collects the JSON log lines written while `work` runs, at info level. */
async function logLinesOf(requestId: string, work: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const keep = (line: unknown) => {
    if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  const log = vi.spyOn(console, "log").mockImplementation(keep);
  const warn = vi.spyOn(console, "warn").mockImplementation(keep);
  const level = rootLogger().level;
  rootLogger().level = "info";
  try {
    await work();
    // The request line is written when the answer has been sent, maybe just after the client read it.
    await vi.waitFor(() => expect(lines.some((l) => l.message === "request" && l.requestId === requestId)).toBe(true), { timeout: 2_000 });
  } finally {
    rootLogger().level = level;
    log.mockRestore();
    warn.mockRestore();
  }
  return lines;
}

describe("request ids", () => {
  it("are sent back as X-Request-Id: a proxy's safe token kept, anything else replaced", async () => {
    expect((await fetch(`${app.baseUrl}/healthz`, { headers: { "X-Request-Id": "edge-7f3a.1" } })).headers.get("X-Request-Id")).toBe("edge-7f3a.1");
    const forged = await fetch(`${app.baseUrl}/healthz`, { headers: { "X-Request-Id": 'x","level":"error' } });
    expect(forged.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    const a = (await fetch(`${app.baseUrl}/healthz`)).headers.get("X-Request-Id");
    const b = (await fetch(`${app.baseUrl}/healthz`)).headers.get("X-Request-Id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("are on every line a request's work logs, deep inside a loader too, and on its request line with the route id, not the URL", async () => {
    const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const { Meilisearch } = await import("meilisearch");
    const real = store.get("meilisearch");
    store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await closedPort()}`, timeout: 500 }));
    let response: Response | undefined;
    try {
      const lines = await logLinesOf("probe-search-1", async () => {
        response = await fetch(`${app.baseUrl}/api/search?q=bom`, { headers: { "X-Request-Id": "probe-search-1" } });
        expect(((await response.json()) as { degraded: boolean }).degraded).toBe(true);
      });
      const fellBack = lines.find((l) => l.message === "search fell back to PostgreSQL");
      expect(fellBack).toMatchObject({ level: "warn", requestId: "probe-search-1" });
      expect(lines.find((l) => l.message === "request" && l.requestId === "probe-search-1")).toMatchObject({ level: "info", requestId: "probe-search-1", method: "GET", route: "routes/api.search", status: 200 });
      expect(JSON.stringify(lines)).not.toContain("q=bom");
    } finally {
      store.set("meilisearch", real);
    }
  });

  it("handleError logs an unexpected loader error at error level with its stack and the request id, and nothing for thrown Responses or aborted requests", async () => {
    const { handleError } = await import("~/entry.server.tsx");
    expectConsoleError(1);
    const args = (request: Request) => ({ request, params: {}, context: { clientIp: "203.0.113.9" } });
    runWithRequestId("probe-error-1", () => handleError(new TypeError("listing row is not what the page expects"), args(new Request("http://localhost/listings/abc"))));
    handleError(new Response("Not found", { status: 404 }), args(new Request("http://localhost/listings/abc")));
    const aborted = new AbortController();
    aborted.abort();
    handleError(new Error("client went away"), args(new Request("http://localhost/search", { signal: aborted.signal })));
    const lines = consoleErrorsSeen().map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", message: "request failed", requestId: "probe-error-1", method: "GET", path: "/listings/abc" });
    expect((lines[0]!.err as { stack: string }).stack).toMatch(/^TypeError: listing row is not what the page expects\n\s+at /);
  });
});

describe("GET /metrics", () => {
  it("does not exist without METRICS_TOKEN", async () => {
    expect(unconfigured).toBeUndefined();
    const answer = await metricsLoader({ request: new Request("http://localhost/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } }), params: {}, context: { clientIp: "203.0.113.9" } }).catch((thrown: unknown) => thrown);
    expect((answer as Response).status).toBe(404);
  });

  it("answers 401 without the Bearer token or with another", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
      expect(await response.text()).not.toContain("techex_");
    }
  });

  it("counts requests by route, jobs by task, search fallbacks and e-mails, beside the process's own metrics", { timeout: 60_000 }, async () => {
    // Requests: a page, a listing that does not exist (its route, not its URL), health.
    await (await fetch(`${app.baseUrl}/listings/no-such-listing`)).text();
    await (await fetch(`${app.baseUrl}/healthz`)).text();

    // A search answered by PostgreSQL while Meilisearch is unreachable.
    const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const { Meilisearch } = await import("meilisearch");
    const real = store.get("meilisearch");
    const fallbacks = async () => (await metrics().searchFallbacks.get()).values.find((v) => v.labels.feature === "search")?.value ?? 0;
    const fallbacksBefore = await fallbacks();
    store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await closedPort()}`, timeout: 500 }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect((await searchListings(searchParamsSchema.parse({ q: "bơm" }))).degraded).toBe(true);
    } finally {
      store.set("meilisearch", real);
      warn.mockRestore();
    }

    // One e-mail written to the outbox, one the SMTP server refused.
    await sendMail({ to: "an@example.test", subject: "Metrics", text: "sent" });
    overrideMailTransport(nodemailer.createTransport({ host: "127.0.0.1", port: await closedPort(), secure: false, ignoreTLS: true, connectionTimeout: 2_000 }));
    try {
      await expect(sendMail({ to: "binh@example.test", subject: "Metrics", text: "refused" })).rejects.toThrow();
    } finally {
      overrideMailTransport(null);
    }

    // A job that fails in the worker (and will be retried), one waiting for later, and one that used its last attempt.
    await prisma.$executeRaw`SELECT graphile_worker.add_job(${INDEX_LISTING_TASK}, '{}'::json, job_key => 'metrics-test-failing')`;
    await prisma.$executeRaw`SELECT graphile_worker.add_job(${INDEX_LISTING_TASK}, '{"listingId":"later"}'::json, run_at => now() + interval '1 hour', job_key => 'metrics-test-later')`;
    await prisma.$executeRaw`SELECT graphile_worker.add_job(${INDEX_LISTING_TASK}, '{}'::json, run_at => now() + interval '1 hour', max_attempts => 1, job_key => 'metrics-test-dead')`;
    await prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 1 WHERE key = 'metrics-test-dead'`;
    const workerWarnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    const runner = await startWorker(process.env.DATABASE_URL!, { concurrency: 1 });
    try {
      // The worker's heartbeat makes /healthz say it runs.
      expect(await (await fetch(`${app.baseUrl}/healthz`)).json()).toMatchObject({ database: "ok", worker: "ok" });
      await vi.waitFor(async () => expect((await metrics().jobFailures.get()).values.find((v) => v.labels.task === INDEX_LISTING_TASK)?.value).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 100 });
    } finally {
      await runner.stop();
      workerWarnings.mockRestore();
    }

    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/plain");
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('techex_http_request_duration_seconds_count{route="routes/listings.$id",method="GET",status="4xx"}')).toBe(1);
    expect(value('techex_http_request_duration_seconds_count{route="routes/healthz",method="GET",status="2xx"}')).toBeGreaterThanOrEqual(2);
    expect(text.split("\n").some((l) => l.startsWith("techex_http_request_duration_seconds_bucket{") && l.includes('le="+Inf"') && l.includes('route="routes/healthz"'))).toBe(true);
    expect(text).not.toContain("no-such-listing");
    expect(value(`techex_jobs_waiting{task="${INDEX_LISTING_TASK}"}`)).toBe(2);
    expect(value(`techex_jobs_dead{task="${INDEX_LISTING_TASK}"}`)).toBe(1);
    expect(value(`techex_job_failures_total{task="${INDEX_LISTING_TASK}"}`)).toBeGreaterThanOrEqual(1);
    expect(value('techex_search_fallbacks_total{feature="search"}')).toBe(fallbacksBefore + 1);
    expect(value('techex_emails_sent_total{transport="outbox"}')).toBe(1);
    expect(value('techex_emails_failed_total{transport="smtp"}')).toBe(1);
    expect(value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });
});
