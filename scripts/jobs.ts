/** `npm run jobs -- NAME`: runs one background job now, through graphile-worker, and waits for it. */
import { quickAddJob, runOnce } from "graphile-worker";
import { taskList } from "../app/modules/jobs/tasks.server.ts";

const name = process.argv[2];
const connectionString = process.env.DATABASE_URL;
if (!name || !(name in taskList) || !connectionString) {
  console.error(`usage: DATABASE_URL=… npm run jobs -- NAME\njobs: ${Object.keys(taskList).join(", ")}`);
  process.exit(1);
}
const preset = { worker: { preparedStatements: false } };
await quickAddJob({ connectionString, preset } as never, name, {}, { jobKey: `manual:${name}`, maxAttempts: 1 });
// Only this task's jobs are picked up: other queued work is left for the worker.
await runOnce({ connectionString, taskList: { [name]: taskList[name]! }, preset } as never);
const { disconnectDb } = await import("../app/lib/db.server.ts");
await disconnectDb();
console.log(`ran ${name}`);
