import type { NotificationType } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { DEFAULT_CHANNEL, PREFERENCE_EVENTS, type NotificationChannelChoice, type NotificationPreferencesInput } from "./schema.ts";

/** A person's choice for every event on the account page; events they never chose for get the default. */
export async function getNotificationPreferences(userId: string): Promise<NotificationPreferencesInput> {
  const rows = await prisma.notificationPreference.findMany({ where: { userId }, select: { type: true, channel: true } });
  const chosen = new Map(rows.map((r) => [r.type, r.channel]));
  return Object.fromEntries(PREFERENCE_EVENTS.map((event) => [event, chosen.get(event) ?? DEFAULT_CHANNEL])) as NotificationPreferencesInput;
}

/** Stores the choices; a choice equal to the default removes its row, so only departures from it are kept. */
export async function setNotificationPreferences(userId: string, choices: NotificationPreferencesInput): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const defaults = PREFERENCE_EVENTS.filter((event) => choices[event] === DEFAULT_CHANNEL);
    await tx.notificationPreference.deleteMany({ where: { userId, type: { in: [...defaults] } } });
    for (const event of PREFERENCE_EVENTS) {
      const channel = choices[event];
      if (channel === DEFAULT_CHANNEL) continue;
      await tx.notificationPreference.upsert({
        where: { userId_type: { userId, type: event } },
        create: { userId, type: event, channel },
        update: { channel },
      });
    }
  });
}

/** Where each of these users wants notifications of `type` (one query; absent users get the default). */
export async function channelsFor(tx: Tx, userIds: readonly string[], type: NotificationType): Promise<Map<string, NotificationChannelChoice>> {
  const rows = userIds.length
    ? await tx.notificationPreference.findMany({ where: { userId: { in: [...userIds] }, type }, select: { userId: true, channel: true } })
    : [];
  const chosen = new Map(rows.map((r) => [r.userId, r.channel]));
  return new Map(userIds.map((id) => [id, chosen.get(id) ?? DEFAULT_CHANNEL]));
}

/** Where one user wants notifications of `type` now. */
export async function channelFor(userId: string, type: NotificationType): Promise<NotificationChannelChoice> {
  const row = await prisma.notificationPreference.findUnique({ where: { userId_type: { userId, type } }, select: { channel: true } });
  return row?.channel ?? DEFAULT_CHANNEL;
}

/** For account deletion: the person's notifications and preferences, inside the deletion's transaction. */
export async function forgetNotificationsOf(tx: Tx, userId: string): Promise<void> {
  await tx.notification.deleteMany({ where: { userId } });
  await tx.notificationPreference.deleteMany({ where: { userId } });
}
