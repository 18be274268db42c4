import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { catalogueCountsCron, refreshCatalogueCounts, REFRESH_CATALOGUE_COUNTS_TASK } from "./catalogue-counts.server.ts";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const listingTasks: TaskList = {
  /** The home page's counts, recounted (queued after listing changes, and by cron). */
  [REFRESH_CATALOGUE_COUNTS_TASK]: async () => {
    const counts = await refreshCatalogueCounts();
    logger.debug("catalogue counts refreshed", { ...counts.byType, organisations: counts.organisations, countedAt: counts.countedAt.toISOString() });
  },
};

/** This feature's crontab lines (UTC). */
export const listingCron: string[] = [...catalogueCountsCron];
