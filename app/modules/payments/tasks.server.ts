import type { TaskList } from "graphile-worker";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const paymentTasks: TaskList = {};

/** This feature's crontab lines (UTC), merged into the worker's schedule. */
export const paymentCron: string[] = [];
