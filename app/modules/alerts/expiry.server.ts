import { prisma } from "~/lib/db.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";

/** Owners are reminded this long before a published listing expires. */
export const EXPIRY_REMINDER_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Daily: every published listing that expires within EXPIRY_REMINDER_DAYS and
 * whose owners were not yet reminded of this expiry date gets one
 * LISTING_EXPIRING notification for its organisation's members. The expiry date
 * reminded of is stored on the listing in the same transaction, so a second run
 * sends nothing, and a renewal (a new expiry date) makes the next reminder due.
 */
export async function sendExpiryReminders(now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + EXPIRY_REMINDER_DAYS * DAY_MS);
  const due = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Listing"
    WHERE status = 'PUBLISHED' AND "expiresAt" > ${now} AND "expiresAt" <= ${horizon}
      AND "expiryReminderFor" IS DISTINCT FROM "expiresAt"
    ORDER BY "expiresAt", id`;
  let reminded = 0;
  for (const { id } of due) {
    const sent = await prisma.$transaction(async (tx) => {
      const listing = await tx.listing.findFirst({
        where: { id, status: "PUBLISHED", expiresAt: { gt: now, lte: horizon } },
        select: { id: true, title: true, organisationId: true, expiresAt: true, expiryReminderFor: true },
      });
      if (!listing?.expiresAt || listing.expiryReminderFor?.getTime() === listing.expiresAt.getTime()) return false;
      // Only the run that records this expiry date sends; a concurrent run finds nothing to change.
      const { count } = await tx.listing.updateMany({
        where: { id, expiresAt: listing.expiresAt, OR: [{ expiryReminderFor: null }, { expiryReminderFor: { not: listing.expiresAt } }] },
        data: { expiryReminderFor: listing.expiresAt },
      });
      if (count === 0) return false;
      await notifyOrganisations(tx, [listing.organisationId], {
        type: "LISTING_EXPIRING",
        data: { listingId: listing.id, listingTitle: listing.title, expiresAt: listing.expiresAt.toISOString() },
        url: `/listings/${listing.id}/edit`,
      });
      return true;
    });
    if (sent) reminded++;
  }
  return reminded;
}
