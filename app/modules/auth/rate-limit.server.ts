import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { prisma } from "~/lib/db.server.ts";
import { singleton } from "~/lib/singleton.server.ts";

/**
 * Limits (per IP address, user or organisation) kept in PostgreSQL, so every app instance shares them
 * (rate-limiter-flexible's Prisma store; expired rows are pruned by a nightly job).
 */
export const LIMITS = {
  signup: { points: 5, duration: 60 * 60 },
  login: { points: 10, duration: 15 * 60 },
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

export async function pruneRateLimits(now = new Date()): Promise<number> {
  const { count } = await prisma.rateLimiterFlexible.deleteMany({ where: { expire: { lte: now } } });
  return count;
}
