import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { PRIVACY_VERSION, TERMS_VERSION } from "~/modules/legal/versions.ts";
import { queueAccountEmail } from "./account-email.server.ts";
import { hashPassword, verifyPassword } from "./password.server.ts";
import { checkRateLimit, clearRateLimit, consumeRateLimit } from "./rate-limit.server.ts";
import type { LoginInput, SignupInput } from "./schema.ts";

export type SignUpResult = { ok: true; userId: string } | { ok: false; reason: "email-taken" };

/**
 * Creates a user with the "member" role and an unverified address, records their consent to
 * the current terms and privacy notice, and queues the e-mail that verifies the address.
 */
export async function signUp(
  input: Pick<SignupInput, "name" | "email" | "password">,
  meta: { ipAddress?: string; locale?: string } = {},
): Promise<SignUpResult> {
  const existing = await prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) return { ok: false, reason: "email-taken" };
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: {
          email: input.email,
          name: input.name,
          passwordHash,
          locale: meta.locale === "en" ? "en" : "vi",
          roles: { create: { role: { connect: { name: "member" } } } },
        },
        select: { id: true },
      });
      await tx.consent.createMany({
        data: [
          { userId: created.id, document: "TERMS", version: TERMS_VERSION, ipAddress: meta.ipAddress ?? null },
          { userId: created.id, document: "PRIVACY", version: PRIVACY_VERSION, ipAddress: meta.ipAddress ?? null },
        ],
      });
      await queueAccountEmail(tx, created.id, "VERIFY_EMAIL");
      await recordAudit(
        {
          actorId: created.id,
          action: "auth.signup",
          entityType: "User",
          entityId: created.id,
          data: { termsVersion: TERMS_VERSION, privacyVersion: PRIVACY_VERSION },
          ipAddress: meta.ipAddress,
        },
        tx,
      );
      return created;
    });
    return { ok: true, userId: user.id };
  } catch (error) {
    // Two sign-ups racing for one address: the unique index decides.
    if ((error as { code?: string }).code === "P2002") return { ok: false, reason: "email-taken" };
    throw error;
  }
}

export type LogInResult = { ok: true; userId: string } | { ok: false; reason: "bad-credentials" } | { ok: false; reason: "rate-limited"; retryAfterSeconds: number };

/**
 * Signs in when the e-mail and password match an enabled account (an unknown e-mail takes the
 * same time and gets the same answer). Only failures count against the limits: 50 per IP
 * address (an office behind one address) and 10 per account address (guessing one password
 * from many addresses), each per 15 minutes; a successful login clears its account's count.
 */
export async function logIn(input: Pick<LoginInput, "email" | "password">, meta: { ipAddress?: string } = {}): Promise<LogInResult> {
  const ip = meta.ipAddress ?? "unknown";
  for (const [name, key] of [["loginFailedIp", ip], ["loginFailedAccount", input.email]] as const) {
    const limit = await checkRateLimit(name, key);
    if (!limit.allowed) return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const user = await prisma.user.findUnique({
    where: { email: input.email },
    select: { id: true, passwordHash: true, disabledAt: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok || user.disabledAt) {
    await consumeRateLimit("loginFailedIp", ip);
    await consumeRateLimit("loginFailedAccount", input.email);
    return { ok: false, reason: "bad-credentials" };
  }
  await clearRateLimit("loginFailedAccount", input.email);
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ actorId: user.id, action: "auth.login", entityType: "User", entityId: user.id, ipAddress: meta.ipAddress });
  return { ok: true, userId: user.id };
}

/**
 * The address an enabled account signs in with, and whether it has been verified (the person
 * showed they receive mail there). Until then the address is only what they typed at sign-up.
 */
export async function getAccountEmail(userId: string): Promise<{ email: string; verified: boolean } | null> {
  const user = await prisma.user.findFirst({ where: { id: userId, disabledAt: null }, select: { email: true, emailVerifiedAt: true } });
  return user ? { email: user.email, verified: user.emailVerifiedAt !== null } : null;
}

/** The language of the account using an address, to write to that address in it; null when no account uses it. */
export async function accountLocaleByEmail(email: string): Promise<string | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { locale: true } });
  return user?.locale ?? null;
}

export async function getUserSummary(userId: string) {
  return prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      name: true,
      email: true,
      emailVerifiedAt: true,
      locale: true,
      roles: { select: { role: { select: { name: true } } } },
      memberships: {
        select: { role: true, organisation: { select: { id: true, name: true, kind: true } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}
