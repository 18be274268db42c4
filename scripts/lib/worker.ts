import { Logger, run, type Runner } from "graphile-worker";
import { logger } from "../../app/lib/logger.server.ts";
import { crontab, taskList } from "../../app/modules/jobs/tasks.server.ts";

/**
 * graphile-worker's log through ours. A failed attempt that will be retried is a
 * warning; only a job that used its last attempt (now dead, waiting for an
 * admin) is an error.
 */
const workerLogger = new Logger((scope) => (level, message, meta) => {
  const data = { scope: scope.label, task: scope.taskIdentifier, job: scope.jobId };
  const attempt = /attempt (\d+) of (\d+)/.exec(message);
  if (level === "error" && attempt && attempt[1] !== attempt[2]) return logger.warn(message.split("\n")[0]!, data);
  if (level === "error") return logger.error(message, { ...data, meta: meta ? Object.keys(meta) : undefined });
  if (level === "warning") return logger.warn(message, data);
  if (level === "info") return logger.info(message, data);
  return logger.debug(message, data);
});

/**
 * The graphile-worker runner: jobs added with graphile_worker.add_job are picked up
 * by LISTEN/NOTIFY, retried with exponential backoff, and cron runs the nightly passes.
 * Several processes may run it at once; the queue hands each job to one of them.
 */
export function startWorker(databaseUrl: string, options: { concurrency?: number } = {}): Promise<Runner> {
  return run({
    connectionString: databaseUrl,
    concurrency: options.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList,
    crontab,
    logger: workerLogger,
    // PGlite's socket cannot share named prepared statements between connections.
    preset: { worker: { preparedStatements: false } },
  } as Parameters<typeof run>[0]);
}
