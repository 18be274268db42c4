import type { TaskList } from "graphile-worker";
import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { stripeClient } from "~/lib/stripe.server.ts";
import { resyncEndedFeaturedListings } from "~/modules/listings/featured.server.ts";
import { applyRetrievedSession } from "./processing.server.ts";
import { nextPaymentStatus } from "./status.ts";

export const FEATURED_ENDED_TASK = "payments:featured-ended";
export const RECONCILE_TASK = "payments:reconcile";

const HOUR = 60 * 60 * 1000;

/**
 * Re-syncs listings whose featured placement ended in the last 26 hours so the
 * search boost goes. Each placement end also has its own scheduled outbox job
 * (featured.server.ts); this hourly pass catches a worker that was down then.
 */
export async function resyncEndedFeatured(now = new Date()) {
  return prisma.$transaction((tx) => resyncEndedFeaturedListings(tx, now, 26));
}

/**
 * PENDING payments older than a day: asks Stripe what became of their Checkout
 * Session (a webhook may have been lost or never configured) and applies it
 * through the webhook's own code. A payment whose session was never created is
 * expired.
 */
export async function reconcilePendingPayments(now = new Date(), limit = 200) {
  const stale = await prisma.payment.findMany({
    where: { status: "PENDING", createdAt: { lt: new Date(now.getTime() - 24 * HOUR) } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, stripeCheckoutSessionId: true },
  });
  const stripe = stripeClient();
  const summary = { checked: stale.length, updated: 0, open: 0, failed: 0 };
  for (const payment of stale) {
    try {
      if (!payment.stripeCheckoutSessionId) {
        await prisma.payment.update({ where: { id: payment.id }, data: { status: nextPaymentStatus("PENDING", "EXPIRED") } });
        summary.updated++;
        continue;
      }
      if (!stripe) continue;
      const session = await stripe.checkout.sessions.retrieve(payment.stripeCheckoutSessionId);
      const result = await applyRetrievedSession(session, now);
      if (result.applied) summary.updated++;
      else summary.open++;
    } catch (error) {
      summary.failed++;
      logger.warn("payment reconcile failed", { paymentId: payment.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return summary;
}

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const paymentTasks: TaskList = {
  [FEATURED_ENDED_TASK]: async () => {
    const count = await resyncEndedFeatured();
    logger.info("re-synced listings whose featured placement ended", { count });
  },
  [RECONCILE_TASK]: async () => {
    logger.info("reconciled pending payments", await reconcilePendingPayments());
  },
};

/** This feature's crontab lines (UTC), merged into the worker's schedule. */
export const paymentCron: string[] = [`7 * * * * ${FEATURED_ENDED_TASK} ?max=3`, `40 */6 * * * ${RECONCILE_TASK} ?max=3`];
