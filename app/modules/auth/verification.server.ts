import { json } from "@remix-run/node";
import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { queueAccountEmail } from "./account-email.server.ts";
import { consumeRateLimit, type RateLimitResult } from "./rate-limit.server.ts";
import { consumeAccountToken } from "./tokens.server.ts";

/**
 * E-mail verification: a self sign-up starts unverified and gets a link by e-mail; until the
 * person opens it they may look around but not post, inquire or pay (DESIGN.md §12). Accounts
 * made by an operator (users:create), the demo data and the test factories start verified.
 */
export const EMAIL_UNVERIFIED = "email-unverified";

/** The body of the 403 an unverified account gets; the error boundary shows it with the resend button. */
export type EmailUnverifiedBody = { message: string; reason: typeof EMAIL_UNVERIFIED };

export async function isEmailVerified(userId: string): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  return user?.emailVerifiedAt != null;
}

/** Throws a 403 unless the account's address is verified: for loaders and actions that post, inquire or pay. */
export async function requireVerifiedEmail(userId: string): Promise<void> {
  if (await isEmailVerified(userId)) return;
  throw json<EmailUnverifiedBody>(
    { message: "Confirm your e-mail address first: open the link we sent you, or ask for a new one at /verify-email.", reason: EMAIL_UNVERIFIED },
    { status: 403 },
  );
}

export type ResendResult = { ok: true; alreadyVerified: boolean } | { ok: false; retryAfterSeconds: number };

/** Queues a new verification e-mail for a signed-in, unverified account (5 an hour). */
export async function resendVerificationEmail(userId: string): Promise<ResendResult> {
  if (await isEmailVerified(userId)) return { ok: true, alreadyVerified: true };
  const limit: RateLimitResult = await consumeRateLimit("verificationResend", userId);
  if (!limit.allowed) return { ok: false, retryAfterSeconds: limit.retryAfterSeconds };
  await prisma.$transaction((tx) => queueAccountEmail(tx, userId, "VERIFY_EMAIL"));
  return { ok: true, alreadyVerified: false };
}

/** Uses a verification link: the account's address is verified. The user's id, or null for a link that cannot be used. */
export async function verifyEmail(token: string, meta: { ipAddress?: string } = {}): Promise<string | null> {
  return prisma.$transaction(async (tx) => {
    const used = await consumeAccountToken(tx, token, ["VERIFY_EMAIL"]);
    if (!used) return null;
    await tx.user.updateMany({ where: { id: used.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
    await recordAudit({ actorId: used.userId, action: "auth.email.verify", entityType: "User", entityId: used.userId, ipAddress: meta.ipAddress }, tx);
    return used.userId;
  });
}
