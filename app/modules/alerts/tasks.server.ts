import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { runSavedSearchAlerts } from "./alerts.server.ts";
import { sendExpiryReminders } from "./expiry.server.ts";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const alertTasks: TaskList = {
  "alerts:instant": async () => logger.info("instant saved-search alerts", { ...(await runSavedSearchAlerts("INSTANT")) }),
  "alerts:daily": async () => logger.info("daily saved-search alerts", { ...(await runSavedSearchAlerts("DAILY")) }),
  "alerts:weekly": async () => logger.info("weekly saved-search alerts", { ...(await runSavedSearchAlerts("WEEKLY")) }),
  "alerts:expiry-reminders": async () => logger.info("listing expiry reminders", { reminded: await sendExpiryReminders() }),
};

/**
 * This feature's crontab lines (UTC). Vietnam is UTC+7: daily digests and expiry
 * reminders arrive at 07:00 and 08:00 local time, weekly digests on Monday at 07:00.
 * `max` is the number of attempts; a failed run is retried with backoff.
 */
export const alertCron: string[] = [
  "*/5 * * * * alerts:instant ?max=3",
  "0 0 * * * alerts:daily ?max=5",
  "0 0 * * 1 alerts:weekly ?max=5",
  "0 1 * * * alerts:expiry-reminders ?max=5",
];
