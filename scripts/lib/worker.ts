import { run, type Runner } from "graphile-worker";
import { crontab, taskList } from "../../app/modules/jobs/tasks.server.ts";

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
    // PGlite's socket cannot share named prepared statements between connections.
    preset: { worker: { preparedStatements: false } },
  } as Parameters<typeof run>[0]);
}
