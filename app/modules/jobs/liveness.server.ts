import { hostname } from "node:os";
import type { WorkerEvents } from "graphile-worker";
import pg from "pg";
import { logger } from "~/lib/logger.server.ts";

/**
 * Locks left by dead job workers.
 *
 * graphile-worker locks a job, and the job's named queue, with the id of the
 * worker that took it (`locked_by`), and only its own 4-hour sweep releases a
 * lock whose holder died without a word (kill -9, OOM, power cut). Until then
 * every later job of that queue waits: for the search outbox, every change to
 * a listing hashed to that queue goes unindexed for hours.
 *
 * graphile-worker 0.16 records no sign of life, but gives the means: each worker's
 * id (the `worker:create` event) and `force_unlock_workers(ids)`, which releases
 * exactly the locks of the workers named. So each process writes a heartbeat row
 * per worker id every HEARTBEAT_INTERVAL_MS, and every process sweeps every
 * SWEEP_INTERVAL_MS: a lock older than STALE_AFTER_SECONDS whose holder has no
 * heartbeat that recent belongs to a dead process, and its holder's locks are
 * released. A live worker's locks are never touched, however long its job runs,
 * because its heartbeat is fresh. A worker with no heartbeat at all (an older
 * release, the graphile-worker CLI) is judged by the age of its lock alone.
 *
 * Every time is the database's clock, so hosts with skewed clocks agree.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const SWEEP_INTERVAL_MS = 5_000;
export const STALE_AFTER_SECONDS = 25;

interface Queryable {
  query: pg.Pool["query"];
}

/** Records that these workers (of this process) are alive now. */
export async function recordHeartbeat(db: Queryable, workerIds: string[], processName = `${hostname()}:${process.pid}`) {
  if (workerIds.length === 0) return;
  await db.query(
    `INSERT INTO "WorkerHeartbeat" ("workerId", "process", "seenAt", "createdAt", "updatedAt")
     SELECT id, $2, now(), now(), now() FROM unnest($1::text[]) AS id
     ON CONFLICT ("workerId") DO UPDATE SET "seenAt" = now(), "updatedAt" = now()`,
    [workerIds, processName],
  );
}

/** Removes the heartbeats of workers that stopped cleanly. */
export async function forgetWorkers(db: Queryable, workerIds: string[]) {
  if (workerIds.length === 0) return;
  await db.query(`DELETE FROM "WorkerHeartbeat" WHERE "workerId" = ANY($1::text[])`, [workerIds]);
}

/**
 * Releases the job and queue locks of workers that are dead: a lock older than
 * `staleAfterSeconds` whose holder has no heartbeat newer than that. One
 * statement, so the set judged dead is the set unlocked. Returns the worker ids released.
 */
export async function releaseDeadWorkerLocks(db: Queryable, staleAfterSeconds = STALE_AFTER_SECONDS): Promise<string[]> {
  const { rows } = await db.query<{ ids: string[] }>(
    `WITH locks AS (
       SELECT locked_by, locked_at FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL
       UNION ALL
       SELECT locked_by, locked_at FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL
     ), dead AS (
       SELECT array_agg(DISTINCT l.locked_by) AS ids FROM locks l
       WHERE l.locked_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (
           SELECT 1 FROM "WorkerHeartbeat" h
           WHERE h."workerId" = l.locked_by AND h."seenAt" > now() - make_interval(secs => $1))
     )
     SELECT ids, graphile_worker.force_unlock_workers(ids) FROM dead WHERE ids IS NOT NULL`,
    [staleAfterSeconds],
  );
  // Heartbeats of processes gone for a day are only noise.
  await db.query(`DELETE FROM "WorkerHeartbeat" WHERE "seenAt" < now() - interval '1 day'`);
  return rows[0]?.ids ?? [];
}

export interface LivenessWatch {
  /** The first heartbeat and sweep have run. */
  ready: Promise<void>;
  /** Stops the timers and removes this process's heartbeats. */
  stop(): Promise<void>;
}

/**
 * Keeps the heartbeats of this process's workers (learnt from graphile-worker's
 * events) and sweeps dead workers' locks, on a small pool of its own so a busy
 * application pool cannot starve it.
 */
export function watchWorkerLiveness(options: {
  connectionString: string;
  events: WorkerEvents;
  heartbeatIntervalMs?: number;
  sweepIntervalMs?: number;
  staleAfterSeconds?: number;
}): LivenessWatch {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  pool.on("error", (error) => logger.warn("worker liveness connection lost", { error: error.message }));
  const workerIds = new Set<string>();
  let stopped = false;

  options.events.on("worker:create", ({ worker }) => {
    workerIds.add(worker.workerId);
    // Written now, not at the next tick: a worker may take a lock at once.
    void beat();
  });
  options.events.on("worker:stop", ({ worker }) => {
    workerIds.delete(worker.workerId);
    void forgetWorkers(pool, [worker.workerId]).catch(() => {});
  });

  async function beat() {
    if (stopped) return;
    try {
      await recordHeartbeat(pool, [...workerIds]);
    } catch (error) {
      logger.warn("worker heartbeat failed", { error: (error as Error).message });
    }
  }
  async function sweep() {
    if (stopped) return;
    try {
      const released = await releaseDeadWorkerLocks(pool, options.staleAfterSeconds ?? STALE_AFTER_SECONDS);
      if (released.length > 0) logger.warn("released the job locks of dead workers", { workers: released });
    } catch (error) {
      logger.warn("sweeping dead workers' locks failed", { error: (error as Error).message });
    }
  }

  const heartbeatTimer = setInterval(() => void beat(), options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  const sweepTimer = setInterval(() => void sweep(), options.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
  heartbeatTimer.unref();
  sweepTimer.unref();
  const ready = beat().then(sweep);

  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await ready;
      await forgetWorkers(pool, [...workerIds]).catch(() => {});
      await pool.end();
    },
  };
}
