import { env } from "~/lib/env.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { metrics, metricsTokenMatches } from "~/lib/metrics.server.ts";
import { jobCountsByTask } from "~/modules/jobs/status.server.ts";

export type MetricsAnswer =
  | { kind: "not-configured" }
  | { kind: "unauthorized" }
  | { kind: "metrics"; body: string; contentType: string };

/** The job gauges as the job table says now; when the database does not answer they are left out, the rest still served. */
async function refreshJobGauges() {
  const { jobsWaiting, jobsDead } = metrics();
  jobsWaiting.reset();
  jobsDead.reset();
  try {
    for (const { task, waiting, dead } of await jobCountsByTask()) {
      jobsWaiting.set({ task }, waiting);
      jobsDead.set({ task }, dead);
    }
  } catch (error) {
    logger.warn("metrics: job counts unavailable", { error });
  }
}

/**
 * The Prometheus exposition for a scrape carrying `Authorization: Bearer METRICS_TOKEN`.
 * Without METRICS_TOKEN the endpoint does not exist (404), so nothing is exposed by default.
 */
export async function readMetrics(authorization: string | null): Promise<MetricsAnswer> {
  const token = env().METRICS_TOKEN;
  if (!token) return { kind: "not-configured" };
  if (!metricsTokenMatches(authorization, token)) return { kind: "unauthorized" };
  await refreshJobGauges();
  const { registry } = metrics();
  return { kind: "metrics", body: await registry.metrics(), contentType: registry.contentType };
}
