import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import { env } from "../../app/lib/env.server.ts";
import { logger } from "../../app/lib/logger.server.ts";
import { metrics } from "../../app/lib/metrics.server.ts";
import { watchWorkerLiveness } from "../../app/modules/jobs/liveness.server.ts";
import { crontab, taskList } from "../../app/modules/jobs/tasks.server.ts";
import { scheduleStartupReconcile } from "../../app/modules/search/reconcile.server.ts";

/**
 * graphile-worker's log through ours. A failed attempt that will be retried is a
 * warning; only a job that used its last attempt (now dead, waiting for an
 * admin) is an error.
 */
const workerLogger = new Logger((scope) => (level, message, meta) => {
  const data = { scope: scope.label, task: scope.taskIdentifier, job: scope.jobId };
  const attempt = /attempt (\d+) of (\d+)/.exec(message);
  // The first lines that say something: a Prisma error's message starts with a blank line.
  if (level === "error" && attempt && attempt[1] !== attempt[2]) return logger.warn(firstLines(message), data);
  if (level === "error") return logger.error(message, { ...data, meta: meta ? Object.keys(meta) : undefined, err: meta?.error instanceof Error ? meta.error : undefined });
  if (level === "warning") return logger.warn(message, data);
  if (level === "info") return logger.info(message, data);
  return logger.debug(message, data);
});

function firstLines(message: string, count = 3): string {
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, count)
    .join(" ");
}

/**
 * The graphile-worker runner: jobs added with graphile_worker.add_job are picked up
 * by LISTEN/NOTIFY, retried with exponential backoff, and cron runs the recurring passes.
 * Several processes may run it at once; the queue hands each job to one of them.
 *
 * Crash recovery comes with it: the process's workers keep a heartbeat and every
 * process releases the locks of workers whose heartbeat stopped (a worker killed
 * with -9 would otherwise hold its named queue for graphile-worker's 4 hours), and a
 * search reconcile runs shortly after start to repair whatever drifted meanwhile.
 */
export async function startWorker(databaseUrl: string, options: { concurrency?: number } = {}): Promise<Runner> {
  const concurrency = options.concurrency ?? env().WORKER_CONCURRENCY;
  const events: WorkerEvents = new EventEmitter();
  // Every failed attempt, retried or not, counts in /metrics under its task.
  events.on("job:error", ({ job }) => metrics().jobFailures.inc({ task: job.task_identifier }));
  const liveness = watchWorkerLiveness({ connectionString: databaseUrl, events });
  let runner: Runner;
  try {
    runner = await run({
      connectionString: databaseUrl,
      concurrency,
      // One connection for each job that may be completing at once, and a few for fetching.
      maxPoolSize: Math.min(concurrency, 16) + 2,
      noHandleSignals: true,
      pollInterval: 2_000,
      taskList,
      crontab,
      events,
      logger: workerLogger,
      // PGlite's socket cannot share named prepared statements between connections.
      preset: { worker: { preparedStatements: false } },
    } as Parameters<typeof run>[0]);
  } catch (error) {
    await liveness.stop();
    throw error;
  }
  const stopLiveness = () => liveness.stop();
  runner.promise.then(stopLiveness, stopLiveness);
  await liveness.ready;
  await scheduleStartupReconcile(runner.addJob).catch((error: Error) => logger.warn("could not schedule the start-up search reconcile", { error: error.message }));
  return runner;
}
