/**
 * `npm run jobs -- NAME [JSON-PAYLOAD]`: runs one background job now, through graphile-worker, and waits for it.
 * A job that fails stays queued with its error and is retried with backoff by the worker
 * (the server process or `npm run search:worker`); this command then exits with status 1.
 */
import { quickAddJob, runOnce } from "graphile-worker";
import { taskList } from "../app/modules/jobs/tasks.server.ts";

const [name, rawPayload] = process.argv.slice(2);
const connectionString = process.env.DATABASE_URL;
if (!name || !(name in taskList) || !connectionString) {
  console.error(`usage: DATABASE_URL=… npm run jobs -- NAME [JSON-PAYLOAD]\njobs: ${Object.keys(taskList).sort().join(", ")}`);
  process.exit(1);
}
let payload: unknown = {};
if (rawPayload) {
  try {
    payload = JSON.parse(rawPayload);
  } catch {
    console.error(`the payload must be JSON, e.g. '{"notificationId":"…"}'`);
    process.exit(1);
  }
}
const preset = { worker: { preparedStatements: false } };
const jobKey = `manual:${name}`;
const job = await quickAddJob({ connectionString, preset } as never, name, payload as never, { jobKey, maxAttempts: 5 });
// Only this task's jobs are picked up: other queued work is left for the worker.
await runOnce({ connectionString, taskList: { [name]: taskList[name]! }, preset } as never);
const { prisma, disconnectDb } = await import("../app/lib/db.server.ts");
const [left] = await prisma.$queryRaw<{ attempts: number; last_error: string | null }[]>`
  SELECT attempts, last_error FROM graphile_worker.jobs WHERE id = ${job.id}::bigint`;
await disconnectDb();
if (left) {
  console.error(`${name} failed (attempt ${left.attempts} of 5); it stays queued and the worker retries it: ${left.last_error ?? ""}`);
  process.exit(1);
}
console.log(`ran ${name}`);
