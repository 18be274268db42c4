import type { Tx } from "~/lib/db.server.ts";

/**
 * One keyed job per listing, added in one statement (graphile_worker.add_jobs; with job keys it
 * behaves as add_job's "replace" mode, or "preserve_run_at" when asked). Each listing's job goes
 * to `${queuePrefix}${hash & (queues - 1)}` when queues are given, so one listing's jobs run one
 * at a time; its key is `${keyPrefix}${id}`. Ids are de-duplicated (add_jobs cannot touch one key twice).
 */
export async function addListingJobs(
  db: Pick<Tx, "$executeRaw">,
  task: string,
  listingIds: readonly string[],
  options: { keyPrefix: string; maxAttempts: number; queuePrefix?: string; queues?: number; priority?: number; runAt?: readonly Date[]; preserveRunAt?: boolean },
) {
  const ids = [...new Set(listingIds)];
  if (ids.length === 0) return;
  const runAts = ids.map((id) => options.runAt?.[listingIds.indexOf(id)] ?? null);
  await db.$executeRaw`SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
    SELECT ROW(
      ${task}::text,
      json_build_object('listingId', id),
      CASE WHEN ${options.queuePrefix ?? null}::text IS NULL THEN NULL ELSE ${options.queuePrefix ?? null}::text || (hashtext(id) & ${(options.queues ?? 1) - 1}) END,
      run_at,
      ${options.maxAttempts}::int,
      ${options.keyPrefix}::text || id,
      ${options.priority ?? null}::int,
      NULL::text[]
    )::graphile_worker.job_spec
    FROM unnest(${ids}::text[], ${runAts}::timestamptz[]) AS t(id, run_at)
  ), ${options.preserveRunAt ?? false})`;
}
