import { timingSafeEqual, createHash } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { singleton } from "./singleton.server.ts";

/**
 * The process's Prometheus metrics (prom-client), served by GET /metrics. A singleton on
 * globalThis: the Express server (scripts/lib/app-server.ts), the worker and the Remix
 * build's bundled modules all count into one registry. Labels are closed sets (route ids,
 * task identifiers, a few outcomes), never raw URLs or ids, so the series stay few.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: "techex_http_request_duration_seconds",
      help: "Time to answer a request, by Remix route id (static files: static; no route: unmatched), method and status class",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    jobsWaiting: new Gauge({ name: "techex_jobs_waiting", help: "Jobs queued and not running, by task (all workers, read from the job table when scraped)", labelNames: ["task"] as const, registers }),
    jobsDead: new Gauge({ name: "techex_jobs_dead", help: "Jobs that used their last attempt and wait for an admin, by task (read from the job table when scraped)", labelNames: ["task"] as const, registers }),
    jobFailures: new Counter({ name: "techex_job_failures_total", help: "Failed job attempts in this process's worker, by task", labelNames: ["task"] as const, registers }),
    searchFallbacks: new Counter({ name: "techex_search_fallbacks_total", help: "Answers PostgreSQL gave because Meilisearch failed or was too slow, by feature", labelNames: ["feature"] as const, registers }),
    emailsSent: new Counter({ name: "techex_emails_sent_total", help: "E-mails handed to SMTP or written to the outbox folder, by transport", labelNames: ["transport"] as const, registers }),
    emailsFailed: new Counter({ name: "techex_emails_failed_total", help: "E-mails the transport refused (the job is retried), by transport", labelNames: ["transport"] as const, registers }),
  };
}

export function metrics() {
  return singleton("metrics", createMetrics);
}

/** The Prometheus label of an HTTP status: 2xx, 3xx, 4xx, 5xx. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * Whether an Authorization header carries the metrics token (Bearer). Compared as hashes in
 * constant time, so neither the token's bytes nor its length leak through the answer's timing.
 */
export function metricsTokenMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? "");
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && match !== null;
}
