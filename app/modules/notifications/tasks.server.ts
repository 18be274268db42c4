import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { sendNotificationEmail } from "./email.server.ts";
import { EMAIL_NOTIFICATION_TASK } from "./notify.server.ts";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const notificationTasks: TaskList = {
  /**
   * One notification's e-mail (queued by notifyUsers in the event's transaction).
   * A transport failure throws: graphile-worker retries with exponential backoff
   * and, out of attempts, keeps the job with its last error.
   */
  [EMAIL_NOTIFICATION_TASK]: async (payload) => {
    const { notificationId } = (payload ?? {}) as { notificationId?: unknown };
    if (typeof notificationId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const outcome = await sendNotificationEmail(notificationId);
    logger.debug("notification e-mail", { notificationId, outcome });
  },
};

/** This feature's crontab lines (UTC), merged into the worker's schedule. */
export const notificationCron: string[] = [];
