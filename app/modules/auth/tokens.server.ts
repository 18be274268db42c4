import { createHash, randomBytes } from "node:crypto";
import type { AccountTokenPurpose } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";

/**
 * One-time account links (set password, reset password, verify e-mail). The link carries 32
 * random bytes; the table keeps only their SHA-256, so a copy of the database opens no account.
 * Using a link is one conditional UPDATE (unused, unexpired → used): of two concurrent clicks,
 * exactly one wins.
 */
export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  /** Printed by `npm run users:create` for an operator to pass on: three days. */
  SET_PASSWORD: 72 * 60 * 60 * 1000,
  RESET_PASSWORD: 60 * 60 * 1000,
  VERIFY_EMAIL: 48 * 60 * 60 * 1000,
};

/** 32 bytes in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * A new link's token for `purpose`. Earlier unused links of the same purpose stop working,
 * so only the newest e-mail counts.
 */
export async function issueAccountToken(userId: string, purpose: AccountTokenPurpose, tx: Tx = prisma as unknown as Tx): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS[purpose]);
  await tx.accountToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
  await tx.accountToken.create({ data: { userId, purpose, tokenHash: hashToken(token), expiresAt }, select: { id: true } });
  return { token, expiresAt };
}

/** The account a usable link belongs to, without using it (to show its page); null for unknown, expired or used links alike. */
export async function peekAccountToken(token: string, purposes: readonly AccountTokenPurpose[]) {
  if (!TOKEN_PATTERN.test(token)) return null;
  return prisma.accountToken.findFirst({
    where: { tokenHash: hashToken(token), purpose: { in: [...purposes] }, usedAt: null, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    select: { purpose: true, expiresAt: true, user: { select: { id: true, email: true, name: true } } },
  });
}

/**
 * Uses a link inside the caller's transaction: the user id and purpose when this call is the
 * one that used it, null otherwise (unknown, expired, already used, or used by a concurrent request).
 */
export async function consumeAccountToken(tx: Tx, token: string, purposes: readonly AccountTokenPurpose[]): Promise<{ userId: string; purpose: AccountTokenPurpose } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  // One statement: PostgreSQL re-checks "usedAt" IS NULL on a row a concurrent request has just
  // updated, so the second click finds nothing. Columns hold UTC without a zone, as Prisma writes them.
  const rows = await tx.$queryRaw<{ userId: string; purpose: AccountTokenPurpose }[]>`
    UPDATE "AccountToken" t SET "usedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
    FROM "User" u
    WHERE t."tokenHash" = ${hashToken(token)} AND t."purpose"::text = ANY(${[...purposes]}::text[])
      AND t."usedAt" IS NULL AND t."expiresAt" > now() AT TIME ZONE 'UTC' AND u."id" = t."userId" AND u."disabledAt" IS NULL
    RETURNING t."userId", t."purpose"::text AS "purpose"`;
  return rows[0] ?? null;
}

/** Nightly: drop links that expired more than a day ago. */
export async function pruneAccountTokens(now = new Date()): Promise<number> {
  const { count } = await prisma.accountToken.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - 24 * 60 * 60 * 1000) } } });
  return count;
}
