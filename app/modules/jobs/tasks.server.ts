import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { pruneRateLimits } from "~/modules/auth/rate-limit.server.ts";
import { accountCron, accountTasks } from "~/modules/auth/tasks.server.ts";
import { pruneExpiredSessions } from "~/modules/auth/session.server.ts";
import { expireListings } from "~/modules/listings/listings.server.ts";
import { listingCron, listingTasks } from "~/modules/listings/tasks.server.ts";
import { alertCron, alertTasks } from "~/modules/alerts/tasks.server.ts";
import { matchingCron, matchingTasks } from "~/modules/matching/tasks.server.ts";
import { notificationCron, notificationTasks } from "~/modules/notifications/tasks.server.ts";
import { organisationTasks } from "~/modules/orgs/tasks.server.ts";
import { paymentCron, paymentTasks } from "~/modules/payments/tasks.server.ts";
import { INDEX_LISTING_TASK } from "~/modules/search/outbox.server.ts";
import { RECONCILE_TASK, reconcileCron, runReconcilePass } from "~/modules/search/reconcile.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";

/**
 * Every background job, by name (graphile-worker). Features keep theirs in their own
 * module's tasks.server.ts; they are merged here.
 */
export const taskList: TaskList = {
  ...listingTasks,
  ...notificationTasks,
  ...matchingTasks,
  ...alertTasks,
  ...paymentTasks,
  ...organisationTasks,
  ...accountTasks,
  /** The search outbox: one listing's document, re-read and upserted or deleted. */
  [INDEX_LISTING_TASK]: async (payload) => {
    const { listingId } = payload as { listingId?: unknown };
    if (typeof listingId !== "string") throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    await syncListing(listingId);
  },
  /** Database and index compared, drift queued for repair and reported on /admin/search. */
  [RECONCILE_TASK]: async (payload) => {
    const { trigger } = payload as { trigger?: unknown };
    await runReconcilePass(trigger === "START" || trigger === "MANUAL" ? trigger : "SCHEDULE");
  },
  "auth:prune-sessions": async () => {
    const removed = await pruneExpiredSessions();
    logger.info("pruned expired sessions", { removed });
  },
  "listings:expire": async () => {
    const expired = await expireListings();
    logger.info("expired listings", { expired });
  },
  "auth:prune-rate-limits": async () => {
    const removed = await pruneRateLimits();
    logger.info("pruned rate-limit windows", { removed });
  },
};

/** Cron schedule (crontab syntax, UTC) for the recurring passes. */
export const crontab = [
  "15 3 * * * auth:prune-sessions ?max=3",
  "*/30 * * * * auth:prune-rate-limits ?max=3",
  // 17:05 UTC is 00:05 in Vietnam: listings expire at the start of the local day.
  "5 17 * * * listings:expire ?max=5",
  ...notificationCron,
  ...matchingCron,
  ...alertCron,
  ...paymentCron,
  ...reconcileCron,
  ...listingCron,
  ...accountCron,
].join("\n");
