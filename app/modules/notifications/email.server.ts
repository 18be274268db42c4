import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { sendMail } from "~/lib/mailer.server.ts";
import { unsubscribeUrl } from "~/modules/alerts/tokens.server.ts";
import { channelFor } from "./preferences.server.ts";
import { renderEmail } from "./render.server.ts";
import { recipientLocale } from "./translate.server.ts";
import type { NotificationPayloads } from "./types.ts";

export type EmailOutcome = "sent" | "already-sent" | "missing" | "recipient-disabled" | "unsubscribed" | "email-not-chosen";

/**
 * Sends one notification's e-mail and records `emailedAt`. Idempotent: a
 * notification already e-mailed is skipped. A transport failure throws and leaves
 * `emailedAt` empty, so graphile-worker retries the job with backoff and nothing
 * is lost.
 */
export async function sendNotificationEmail(notificationId: string): Promise<EmailOutcome> {
  const notification = await prisma.notification.findUnique({
    where: { id: notificationId },
    select: { id: true, userId: true, type: true, data: true, url: true, emailedAt: true, user: { select: { email: true, name: true, locale: true, disabledAt: true } } },
  });
  if (!notification) return "missing";
  if (notification.emailedAt) return "already-sent";
  const { user } = notification;
  if (user.disabledAt) {
    logger.info("notification e-mail skipped: account disabled", { notificationId });
    return "recipient-disabled";
  }
  // The preference may have changed between the event and this job: the latest choice decides.
  if ((await channelFor(notification.userId, notification.type)) !== "IN_APP_AND_EMAIL") return "email-not-chosen";
  const alert = notification.type === "SAVED_SEARCH_ALERT" ? (notification.data as unknown as NotificationPayloads["SAVED_SEARCH_ALERT"]) : null;
  if (alert) {
    // Unsubscribed (or deleted) between the digest and its e-mail: the in-app notice stays, no e-mail.
    const search = await prisma.savedSearch.findUnique({ where: { id: alert.savedSearchId }, select: { unsubscribedAt: true, frequency: true } });
    if (!search || search.unsubscribedAt || search.frequency === "NEVER") return "unsubscribed";
  }
  const unsubscribe = alert ? unsubscribeUrl(alert.savedSearchId) : undefined;
  const email = renderEmail(notification, { name: user.name, locale: recipientLocale(user.locale) }, { unsubscribeUrl: unsubscribe });
  await sendMail({
    to: { name: user.name, address: user.email },
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: {
      "Content-Language": recipientLocale(user.locale),
      "X-Techex-Notification": notification.type,
      // RFC 8058: mail clients show an unsubscribe button that POSTs this body to the List-Unsubscribe URL.
      ...(unsubscribe ? { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {}),
    },
    ...(unsubscribe ? { list: { unsubscribe: unsubscribe } } : {}),
  });
  // Only the first sender records the time; a concurrent duplicate changes nothing.
  await prisma.notification.updateMany({ where: { id: notification.id, emailedAt: null }, data: { emailedAt: new Date() } });
  return "sent";
}
