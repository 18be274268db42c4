import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { prisma } from "~/lib/db.server.ts";
import { singleton } from "~/lib/singleton.server.ts";

/**
 * Limits (per IP address, user or organisation) kept in PostgreSQL, so every app instance shares them
 * (rate-limiter-flexible's Prisma store; expired rows are pruned by a nightly job).
 */
export const LIMITS = {
  /**
   * Accounts made (or addresses found taken) from one IP address: a training room of 30 people
   * behind one office address signs up together; forms sent back with mistakes are not counted.
   */
  signup: { points: 50, duration: 60 * 60 },
  /** Failed logins from one IP address (a whole office mistyping); successful ones are not counted. */
  loginFailedIp: { points: 50, duration: 15 * 60 },
  /** Failed logins for one address, from anywhere (password guessing); a successful login clears it. */
  loginFailedAccount: { points: 10, duration: 15 * 60 },
  /** "Forgot password" forms from one IP address. */
  passwordResetIp: { points: 20, duration: 60 * 60 },
  /** Reset e-mails to one address: more requests are answered the same way but send nothing. */
  passwordResetAccount: { points: 3, duration: 60 * 60 },
  /** Verification e-mails one signed-in person asks for again. */
  verificationResend: { points: 5, duration: 60 * 60 },
  inquiry: { points: 20, duration: 60 * 60 },
  /** Inquiries sent by one user, whatever network they use. */
  inquiryUser: { points: 10, duration: 60 * 60 },
  listingView: { points: 1, duration: 60 * 60 },
  /** Membership invitations sent for one organisation, and by one person, whoever they invite. */
  invitationOrganisation: { points: 20, duration: 60 * 60 },
  invitationInviter: { points: 20, duration: 60 * 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

function limiter(name: LimitName) {
  return singleton(`rate-limit:${name}`, () => {
    return new RateLimiterPrisma({
      storeClient: prisma,
      tableName: "rateLimiterFlexible",
      keyPrefix: name,
      clearExpiredByTimeout: false,
      ...LIMITS[name],
    });
  });
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one attempt for `key` (an IP address, a user or organisation id) and says whether it is within the limit. */
export async function consumeRateLimit(name: LimitName, key: string): Promise<RateLimitResult> {
  try {
    await limiter(name).consume(key);
    return { allowed: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw rejection;
  }
}

/** Whether `key` has used up its points, without counting an attempt (limits that count only failures). */
export async function checkRateLimit(name: LimitName, key: string): Promise<RateLimitResult> {
  const res = await limiter(name).get(key);
  if (res && res.consumedPoints >= LIMITS[name].points) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  }
  return { allowed: true };
}

/** Forgets what `key` has used (a successful login clears its account's failures). */
export async function clearRateLimit(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(key);
}

export async function pruneRateLimits(now = new Date()): Promise<number> {
  const { count } = await prisma.rateLimiterFlexible.deleteMany({ where: { expire: { lte: now } } });
  return count;
}
