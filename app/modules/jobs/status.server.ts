import { prisma } from "~/lib/db.server.ts";
import { STALE_AFTER_SECONDS } from "./liveness.server.ts";

export type WorkerState = "ok" | "down";

/**
 * "ok" while some worker, in this process or another, has a fresh heartbeat (the liveness
 * watch writes one every few seconds); "down" when none has: jobs queue up and nothing runs them.
 */
export async function workerState(): Promise<WorkerState> {
  const [row] = await prisma.$queryRaw<{ live: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM "WorkerHeartbeat" WHERE "seenAt" > now() - make_interval(secs => ${STALE_AFTER_SECONDS})) AS live`;
  return row?.live ? "ok" : "down";
}

export interface TaskJobCounts {
  task: string;
  /** Queued, not running: due now or scheduled later, with attempts left. */
  waiting: number;
  /** Used their last attempt: wait for an admin (a retry) or for removal. */
  dead: number;
}

/** The job queue by task, over every worker's jobs. */
export async function jobCountsByTask(): Promise<TaskJobCounts[]> {
  const rows = await prisma.$queryRaw<{ task: string; waiting: bigint; dead: bigint }[]>`
    SELECT task_identifier AS task,
           count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts) AS waiting,
           count(*) FILTER (WHERE attempts >= max_attempts) AS dead
    FROM graphile_worker.jobs GROUP BY task_identifier ORDER BY task_identifier`;
  return rows.map((r) => ({ task: r.task, waiting: Number(r.waiting), dead: Number(r.dead) }));
}
