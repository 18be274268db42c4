import type { Prisma } from "~/generated/prisma/client.ts";
import type { Tx } from "~/lib/db.server.ts";
import type { NotificationInput } from "./types.ts";

export const EMAIL_NOTIFICATION_TASK = "notifications:email";
const EMAIL_MAX_ATTEMPTS = 10;

/**
 * Records notifications for users inside the caller's transaction and queues one
 * e-mail job per notification in the same transaction, so an event and its
 * notifications commit together or not at all. Duplicate user ids are sent once.
 */
export async function notifyUsers(tx: Tx, userIds: readonly (string | null | undefined)[], input: NotificationInput) {
  const recipients = [...new Set(userIds.filter((id): id is string => Boolean(id)))];
  for (const userId of recipients) {
    const row = await tx.notification.create({
      data: { userId, type: input.type, data: input.data as Prisma.InputJsonValue, url: input.url },
      select: { id: true },
    });
    await tx.$executeRaw`SELECT graphile_worker.add_job(
      ${EMAIL_NOTIFICATION_TASK},
      json_build_object('notificationId', ${row.id}::text),
      job_key := ${`notification:${row.id}`},
      max_attempts := ${EMAIL_MAX_ATTEMPTS}
    )`;
  }
  return recipients.length;
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
