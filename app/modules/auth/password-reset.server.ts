import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { queueAccountEmail } from "./account-email.server.ts";
import { hashPassword } from "./password.server.ts";
import { consumeRateLimit, type RateLimitResult } from "./rate-limit.server.ts";
import { consumeAccountToken } from "./tokens.server.ts";

/**
 * "Forgot password": the form answers every address the same way; an enabled account with the
 * address gets a link that works once, for an hour. Setting the password through it (or through
 * the first-password link of `npm run users:create`) ends every session of the account.
 */

/**
 * Queues the reset e-mail when an enabled account uses the address. The caller answers the
 * same whatever happened: only the per-IP limit (checked first) is ever told.
 */
export async function requestPasswordReset(email: string, meta: { ipAddress: string }): Promise<RateLimitResult> {
  const byIp = await consumeRateLimit("passwordResetIp", meta.ipAddress);
  if (!byIp.allowed) return byIp;
  // Counted for unknown addresses too, so the work done says nothing about which ones have accounts.
  const byAccount = await consumeRateLimit("passwordResetAccount", email);
  const user = await prisma.user.findFirst({ where: { email, disabledAt: null }, select: { id: true } });
  if (!user || !byAccount.allowed) return { allowed: true };
  await prisma.$transaction(async (tx) => {
    await queueAccountEmail(tx, user.id, "RESET_PASSWORD");
    await recordAudit({ actorId: null, action: "auth.password.reset-request", entityType: "User", entityId: user.id, ipAddress: meta.ipAddress }, tx);
  });
  return { allowed: true };
}

/**
 * Sets a new password through a reset or first-password link, in one transaction: the link is
 * used, the hash replaced, every session of the account ended (whoever had the old password is
 * out), and the address counts as verified (the link reached its owner). Returns the user's id,
 * or null when the link cannot be used. The password must already meet newPasswordProblem.
 */
export async function setPasswordWithToken(token: string, password: string, meta: { ipAddress?: string } = {}): Promise<string | null> {
  const passwordHash = await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    const used = await consumeAccountToken(tx, token, ["RESET_PASSWORD", "SET_PASSWORD"]);
    if (!used) return null;
    const user = await tx.user.findUniqueOrThrow({ where: { id: used.userId }, select: { emailVerifiedAt: true } });
    await tx.user.update({ where: { id: used.userId }, data: { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? new Date() } });
    const { count } = await tx.session.deleteMany({ where: { userId: used.userId } });
    // Older links of any purpose that sets a password die with this one.
    await tx.accountToken.updateMany({ where: { userId: used.userId, purpose: { in: ["RESET_PASSWORD", "SET_PASSWORD"] }, usedAt: null }, data: { usedAt: new Date() } });
    await recordAudit(
      {
        actorId: used.userId,
        action: used.purpose === "SET_PASSWORD" ? "auth.password.set" : "auth.password.reset",
        entityType: "User",
        entityId: used.userId,
        data: { sessionsEnded: count },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
    return used.userId;
  });
}
