import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { sweepOrphanedAttachmentFiles } from "./attachments.server.ts";
import { catalogueCountsCron, refreshCatalogueCounts, REFRESH_CATALOGUE_COUNTS_TASK } from "./catalogue-counts.server.ts";

export const SWEEP_ATTACHMENT_FILES_TASK = "listings:sweep-attachment-files";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const listingTasks: TaskList = {
  /** The home page's counts, recounted (queued after listing changes, and by cron). */
  [REFRESH_CATALOGUE_COUNTS_TASK]: async () => {
    const counts = await refreshCatalogueCounts();
    logger.debug("catalogue counts refreshed", { ...counts.byType, organisations: counts.organisations, countedAt: counts.countedAt.toISOString() });
  },
  /** Stored files that no attachment names any more (a crash, a failed removal, a deleted listing), removed. */
  [SWEEP_ATTACHMENT_FILES_TASK]: async () => {
    const swept = await sweepOrphanedAttachmentFiles();
    logger.info("swept attachment files", swept);
  },
};

/** This feature's crontab lines (UTC). */
export const listingCron: string[] = [...catalogueCountsCron, `40 3 * * * ${SWEEP_ATTACHMENT_FILES_TASK} ?max=3`];
