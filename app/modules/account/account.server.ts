import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { hashPassword, newPasswordProblem, verifyPassword } from "~/modules/auth/password.server.ts";
import { isLastAdmin, revokeAllRoles } from "~/modules/auth/roles.server.ts";
import { endOtherSessions, endUserSession } from "~/modules/auth/session.server.ts";
import { deleteSavedSearchesOf } from "~/modules/alerts/saved-searches.server.ts";
import { forgetNotificationsOf } from "~/modules/notifications/preferences.server.ts";
import { endMembershipsOf, organisationsOnlyOwnedBy } from "~/modules/orgs/organisations.server.ts";
import type { PasswordChangeInput, ProfileInput } from "./schema.ts";

type Meta = { ipAddress?: string };

/** The name a deleted account shows wherever its author is named (listings, messages, deals). */
export const DELETED_USER_NAME = "Deleted user";

/** What the profile form shows. */
export function getProfile(userId: string) {
  return prisma.user.findFirst({
    where: { id: userId, disabledAt: null },
    select: { name: true, email: true, phone: true, locale: true, emailVerifiedAt: true, createdAt: true },
  });
}

export async function updateProfile(userId: string, input: ProfileInput, meta: Meta = {}): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { name: true, phone: true, locale: true } });
    await tx.user.update({ where: { id: userId }, data: { name: input.name, phone: input.phone ?? null, locale: input.locale } });
    const changed = (["name", "phone", "locale"] as const).filter((field) => (before[field] ?? undefined) !== (input[field] ?? undefined));
    if (changed.length > 0) {
      // Which fields changed, not their values: the audit log is not a second copy of personal data.
      await recordAudit({ actorId: userId, action: "account.profile.update", entityType: "User", entityId: userId, data: { changed }, ipAddress: meta.ipAddress }, tx);
    }
  });
}

export type PasswordChangeResult = { ok: true; endedSessions: number } | { ok: false; field: "currentPassword" | "newPassword"; error: string };

/** Changes the password when the current one is right, and ends every other session (a thief's included). */
export async function changePassword(userId: string, currentSessionId: string | null, input: PasswordChangeInput, meta: Meta = {}): Promise<PasswordChangeResult> {
  const user = await prisma.user.findFirst({ where: { id: userId, disabledAt: null }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) return { ok: false, field: "currentPassword", error: "account.errors.wrongPassword" };
  const problem = newPasswordProblem(input.newPassword);
  if (problem) return { ok: false, field: "newPassword", error: problem };
  const passwordHash = await hashPassword(input.newPassword);
  const endedSessions = await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    const ended = await endOtherSessions(userId, currentSessionId, tx);
    await recordAudit({ actorId: userId, action: "account.password.change", entityType: "User", entityId: userId, data: { endedSessions: ended }, ipAddress: meta.ipAddress }, tx);
    return ended;
  });
  return { ok: true, endedSessions };
}

/** "Sign out everywhere else": every session but this device's; returns how many ended. */
export async function signOutOtherSessions(userId: string, currentSessionId: string | null, meta: Meta = {}): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const ended = await endOtherSessions(userId, currentSessionId, tx);
    await recordAudit({ actorId: userId, action: "account.sessions.end-others", entityType: "User", entityId: userId, data: { ended }, ipAddress: meta.ipAddress }, tx);
    return ended;
  });
}

/** Ends one of the user's other sessions (this device's is ended by logging out); false when there was none such. */
export async function signOutSession(userId: string, sessionId: string, currentSessionId: string | null, meta: Meta = {}): Promise<boolean> {
  if (sessionId === currentSessionId || !(await endUserSession(userId, sessionId))) return false;
  await recordAudit({ actorId: userId, action: "account.sessions.end-one", entityType: "User", entityId: userId, ipAddress: meta.ipAddress });
  return true;
}

export type DeleteAccountResult =
  | { ok: true }
  | { ok: false; error: "wrong-password" }
  | { ok: false; error: "last-admin" }
  | { ok: false; error: "last-owner"; organisations: { id: string; name: string }[] };

/**
 * Deletes a person's account: their personal data is removed or overwritten (name, e-mail,
 * phone, password, sessions, notifications, preferences, saved searches, roles, memberships),
 * while what organisations own (listings, inquiries and their messages, deals, payments, audit
 * entries) stays, its author shown as a deleted user. The row itself stays so those references
 * hold. Refused for the site's last administrator and for an organisation's last owner while
 * it has other members.
 */
export async function deleteAccount(userId: string, password: string, meta: Meta = {}): Promise<DeleteAccountResult> {
  const user = await prisma.user.findFirst({ where: { id: userId, disabledAt: null }, select: { passwordHash: true } });
  if (!user || !(await verifyPassword(user.passwordHash, password))) return { ok: false, error: "wrong-password" };
  return prisma.$transaction(async (tx) => {
    // Serialises with a concurrent deletion or role change that could leave no admin or owner.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('techex:account-deletion'))`;
    if (await isLastAdmin(tx, userId)) return { ok: false as const, error: "last-admin" as const };
    const ownerless = await organisationsOnlyOwnedBy(tx, userId);
    if (ownerless.length > 0) return { ok: false as const, error: "last-owner" as const, organisations: ownerless };
    const now = new Date();
    await endOtherSessions(userId, null, tx);
    await forgetNotificationsOf(tx, userId);
    await deleteSavedSearchesOf(tx, userId);
    await revokeAllRoles(tx, userId);
    const organisationIds = await endMembershipsOf(tx, userId);
    await tx.user.update({
      where: { id: userId },
      data: {
        name: DELETED_USER_NAME,
        // Unique, and .invalid never receives mail (RFC 2606); the address is free for a new account.
        email: `deleted-${userId}@deleted.invalid`,
        phone: null,
        // Not an argon2 hash: no password verifies against it.
        passwordHash: "!deleted",
        emailVerifiedAt: null,
        lastLoginAt: null,
        disabledAt: now,
        deletedAt: now,
      },
    });
    await recordAudit({ actorId: userId, action: "account.delete", entityType: "User", entityId: userId, data: { organisationIds }, ipAddress: meta.ipAddress }, tx);
    return { ok: true as const };
  });
}
