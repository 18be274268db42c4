import type { Prisma } from "~/generated/prisma/client.ts";
import type { Tx } from "~/lib/db.server.ts";
import { channelsFor } from "./preferences.server.ts";
import type { NotificationInput } from "./types.ts";

export const EMAIL_NOTIFICATION_TASK = "notifications:email";
const EMAIL_MAX_ATTEMPTS = 10;

/**
 * Records notifications for users inside the caller's transaction and queues one
 * e-mail job per notification in the same transaction, so an event and its
 * notifications commit together or not at all. Duplicate user ids are sent once.
 * Each recipient's preference for the event type decides (account page): no
 * notification when OFF, no e-mail job when IN_APP_ONLY. Returns how many were notified.
 */
export async function notifyUsers(tx: Tx, userIds: readonly (string | null | undefined)[], input: NotificationInput) {
  const recipients = [...new Set(userIds.filter((id): id is string => Boolean(id)))];
  const channels = await channelsFor(tx, recipients, input.type);
  let notified = 0;
  for (const userId of recipients) {
    const channel = channels.get(userId);
    if (channel === "OFF") continue;
    const row = await tx.notification.create({
      data: { userId, type: input.type, data: input.data as Prisma.InputJsonValue, url: input.url },
      select: { id: true },
    });
    notified++;
    if (channel === "IN_APP_ONLY") continue;
    await tx.$executeRaw`SELECT graphile_worker.add_job(
      ${EMAIL_NOTIFICATION_TASK},
      json_build_object('notificationId', ${row.id}::text),
      job_key := ${`notification:${row.id}`},
      max_attempts := ${EMAIL_MAX_ATTEMPTS}
    )`;
  }
  return notified;
}

/** Notifies every member of the organisations (each person once), except `exceptUserId` (the actor). */
export async function notifyOrganisations(
  tx: Tx,
  organisationIds: readonly (string | null | undefined)[],
  input: NotificationInput,
  options: { exceptUserId?: string | null; alsoUserIds?: readonly (string | null | undefined)[] } = {},
) {
  const ids = organisationIds.filter((id): id is string => Boolean(id));
  const members = ids.length
    ? await tx.membership.findMany({ where: { organisationId: { in: ids }, user: { disabledAt: null } }, select: { userId: true } })
    : [];
  const userIds = [...members.map((m) => m.userId), ...(options.alsoUserIds ?? [])].filter((id) => id !== options.exceptUserId);
  return notifyUsers(tx, userIds, input);
}
