import { prisma } from "~/lib/db.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { renderNotification, safeAppPath } from "./render.server.ts";

export const NOTIFICATIONS_PER_PAGE = 20;

/** Unread notifications of a user: one COUNT on the (userId, readAt) index. */
export function countUnread(userId: string): Promise<number> {
  return prisma.notification.count({ where: { userId, readAt: null } });
}

/** A page of the user's notifications, newest first, written in the viewer's language. */
export async function listNotifications(userId: string, page: number, locale: Locale) {
  const [total, unread, rows] = await Promise.all([
    prisma.notification.count({ where: { userId } }),
    countUnread(userId),
    prisma.notification.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * NOTIFICATIONS_PER_PAGE,
      take: NOTIFICATIONS_PER_PAGE,
      select: { id: true, type: true, data: true, url: true, readAt: true, emailedAt: true, createdAt: true },
    }),
  ]);
  return {
    total,
    unread,
    page,
    pages: Math.max(1, Math.ceil(total / NOTIFICATIONS_PER_PAGE)),
    notifications: rows.map((row) => {
      const text = renderNotification(row, locale);
      return {
        id: row.id,
        type: row.type,
        title: text.title,
        body: text.body,
        items: text.items,
        path: text.path,
        read: row.readAt !== null,
        emailed: row.emailedAt !== null,
        createdAt: row.createdAt.toISOString(),
      };
    }),
  };
}

/**
 * Marks one of the user's notifications read and returns where it leads.
 * Another user's notification does not exist for this user (null).
 */
export async function markNotificationRead(userId: string, id: string): Promise<{ path: string | null } | null> {
  const row = await prisma.notification.findFirst({ where: { id, userId }, select: { id: true, url: true } });
  if (!row) return null;
  await prisma.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
  return { path: safeAppPath(row.url) };
}

/** Marks every unread notification of the user read; returns how many changed. */
export async function markAllNotificationsRead(userId: string): Promise<number> {
  const { count } = await prisma.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
  return count;
}
