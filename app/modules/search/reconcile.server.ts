import type { AddJobFunction } from "graphile-worker";
import type { SearchReconcileTrigger } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { forbidden } from "~/lib/http.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { meiliErrorMessage } from "~/lib/meili.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { reconcileMatchTerms } from "~/modules/matching/terms.server.ts";
import { ensureListingsIndex } from "./index.server.ts";
import { reconcile } from "./sync.server.ts";

export const RECONCILE_TASK = "search:reconcile";
/** One key: the start-up run and the scheduled ones coalesce instead of piling up. */
const RECONCILE_JOB_KEY = "search:reconcile";
/** One at a time across every worker process. */
const RECONCILE_QUEUE = "search-reconcile";
/** How long after a worker starts its reconcile runs: after the dead workers' locks are released (liveness.server.ts) and their jobs had time to run. */
export const STARTUP_RECONCILE_DELAY_MS = 45_000;
/** Ids kept per kind in a report. */
const SAMPLE = 20;
const KEEP_REPORTS_DAYS = 30;

/** Every 10 minutes: the safety net for whatever the outbox could not deliver (a lost Meilisearch, a dead job). */
export const reconcileCron = [`*/10 * * * * ${RECONCILE_TASK} ?max=1&jobKey=${RECONCILE_JOB_KEY}&queue=${RECONCILE_QUEUE}`];

/** Queues one reconcile shortly after a worker starts (a crash may have left drift). */
export async function scheduleStartupReconcile(addJob: AddJobFunction, delayMs = STARTUP_RECONCILE_DELAY_MS) {
  await addJob(
    RECONCILE_TASK,
    { trigger: "START" },
    { jobKey: RECONCILE_JOB_KEY, queueName: RECONCILE_QUEUE, runAt: new Date(Date.now() + delayMs), maxAttempts: 1 },
  );
}

export type ReconcileReport = Awaited<ReturnType<typeof runReconcilePass>>;

/**
 * Compares database and index, queues an outbox job for every listing that
 * differs (changes already on their way are counted apart, not as drift), and
 * records what it found. A failure (Meilisearch down) is recorded too, not
 * thrown: the next scheduled pass tries again.
 */
export async function runReconcilePass(trigger: SearchReconcileTrigger) {
  const report = await prisma.searchReconcileReport.create({ data: { trigger, startedAt: new Date() } });
  // Matching's term index needs no Meilisearch: brought in line whatever search's state.
  try {
    const terms = await reconcileMatchTerms();
    if (terms.written + terms.removed > 0) logger.warn("matching terms were out of line and were repaired", { trigger, ...terms });
  } catch (error) {
    logger.warn("matching terms reconcile failed", { trigger, error: String(error) });
  }
  let data;
  try {
    await ensureListingsIndex();
    const drift = await reconcile({ repair: "outbox", skipPending: true });
    data = {
      published: drift.published,
      indexed: drift.indexed,
      missing: drift.missing.length,
      stale: drift.stale.length,
      extra: drift.extra.length,
      pending: drift.pending.length,
      repaired: drift.repaired,
      sampleIds: { missing: drift.missing.slice(0, SAMPLE), stale: drift.stale.slice(0, SAMPLE), extra: drift.extra.slice(0, SAMPLE) },
    };
    if (drift.repaired > 0) logger.warn("search reconcile found drift and queued repairs", { trigger, missing: data.missing, stale: data.stale, extra: data.extra });
  } catch (error) {
    // With its causes: "Request to … has failed" alone does not say why.
    data = { error: meiliErrorMessage(error) };
    logger.warn("search reconcile failed", { trigger, error: data.error });
  }
  await prisma.searchReconcileReport.deleteMany({ where: { startedAt: { lt: new Date(Date.now() - KEEP_REPORTS_DAYS * 24 * 60 * 60 * 1000) } } });
  return prisma.searchReconcileReport.update({ where: { id: report.id }, data: { ...data, finishedAt: new Date() } });
}

export interface ReconcileReportView {
  id: string;
  trigger: SearchReconcileTrigger;
  startedAt: Date;
  finishedAt: Date | null;
  published: number;
  indexed: number;
  missing: number;
  stale: number;
  extra: number;
  pending: number;
  repaired: number;
  sampleIds: { missing: string[]; stale: string[]; extra: string[] };
  error: string | null;
}

/** The latest reconcile passes, newest first, for /admin/search. */
export async function listReconcileReports(actor: Actor, take = 10): Promise<ReconcileReportView[]> {
  if (!holds(actor, "taxonomy:manage:any")) throw forbidden();
  const rows = await prisma.searchReconcileReport.findMany({
    orderBy: { startedAt: "desc" },
    take,
    select: {
      id: true,
      trigger: true,
      startedAt: true,
      finishedAt: true,
      published: true,
      indexed: true,
      missing: true,
      stale: true,
      extra: true,
      pending: true,
      repaired: true,
      sampleIds: true,
      error: true,
    },
  });
  return rows.map((r) => {
    const ids = (r.sampleIds ?? {}) as Partial<ReconcileReportView["sampleIds"]>;
    return { ...r, sampleIds: { missing: ids.missing ?? [], stale: ids.stale ?? [], extra: ids.extra ?? [] } };
  });
}

/** Queues a reconcile to run now (the admin's button); the worker runs it within seconds. */
export async function requestReconcile(actor: Actor) {
  if (!holds(actor, "taxonomy:manage:any")) throw forbidden();
  await prisma.$executeRaw`SELECT graphile_worker.add_job(
    ${RECONCILE_TASK}, json_build_object('trigger', 'MANUAL'),
    queue_name := ${RECONCILE_QUEUE}, job_key := ${RECONCILE_JOB_KEY}, max_attempts := 1)`;
}
