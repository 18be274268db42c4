import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { env } from "~/lib/env.server.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { singleton } from "~/lib/singleton.server.ts";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * SESSION_SECRET when set (required in production); otherwise a secret made once
 * and kept under DATA_DIR, so `npm start` works with no configuration.
 */
export function sessionSecret(): string {
  const { SESSION_SECRET, DATA_DIR } = env();
  return SESSION_SECRET ?? localSessionSecret(DATA_DIR);
}

/** A random secret kept in DATA_DIR/session-secret, made on first use. */
export function localSessionSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The cookie carries only the id of a Session row; the row is the truth. */
export function sessionStorage() {
  return singleton("session-storage", () =>
    createCookieSessionStorage<{ sessionId: string }>({
      cookie: {
        name: "__techex_session",
        httpOnly: true,
        sameSite: "lax",
        secure: env().COOKIE_SECURE ? env().COOKIE_SECURE === "on" : env().NODE_ENV === "production",
        path: "/",
        secrets: [sessionSecret()],
      },
    }),
  );
}

async function cookieSession(request: Request) {
  return sessionStorage().getSession(request.headers.get("Cookie"));
}

/** How stale `lastSeenAt` may get: recording every request would be a write per page. */
export const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

/** The signed-in user's id, or null (expired, deleted or disabled sessions count as signed out). */
export async function getUserId(request: Request): Promise<string | null> {
  const sessionId = await currentSessionId(request);
  if (!sessionId) return null;
  const now = new Date();
  const session = await prisma.session.findFirst({
    where: { id: sessionId, expiresAt: { gt: now }, user: { disabledAt: null } },
    select: { userId: true, lastSeenAt: true },
  });
  if (!session) return null;
  if (!session.lastSeenAt || now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await prisma.session.updateMany({ where: { id: sessionId }, data: { lastSeenAt: now } });
  }
  return session.userId;
}

/** The id of the Session row the request's cookie names (valid or not), to tell "this device" apart. */
export async function currentSessionId(request: Request): Promise<string | null> {
  return (await cookieSession(request)).get("sessionId") ?? null;
}

export async function requireUserId(request: Request): Promise<string> {
  const userId = await getUserId(request);
  if (!userId) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return userId;
}

/** Starts a session row and returns the Set-Cookie header for it. */
export async function startSession(
  userId: string,
  request: Request,
  context: { clientIp?: string },
): Promise<string> {
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const row = await prisma.session.create({
    data: {
      userId,
      expiresAt,
      ipAddress: context.clientIp ?? null,
      userAgent: request.headers.get("User-Agent")?.slice(0, 500) ?? null,
    },
    select: { id: true },
  });
  const cookie = await cookieSession(request);
  cookie.set("sessionId", row.id);
  return sessionStorage().commitSession(cookie, { expires: expiresAt });
}

/** Deletes the session row and returns the Set-Cookie header that clears the cookie. */
export async function endSession(request: Request): Promise<string> {
  const cookie = await cookieSession(request);
  const sessionId = cookie.get("sessionId");
  if (sessionId) await prisma.session.deleteMany({ where: { id: sessionId } });
  return sessionStorage().destroySession(cookie);
}

/** A user's sessions that still work, the most recently used first. */
export function listActiveSessions(userId: string, now = new Date()) {
  return prisma.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    orderBy: [{ lastSeenAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    select: { id: true, createdAt: true, lastSeenAt: true, ipAddress: true, userAgent: true },
  });
}

/** Signs the user out everywhere but `keepSessionId` (this device); returns how many sessions ended. */
export async function endOtherSessions(userId: string, keepSessionId: string | null, tx: Tx = prisma as unknown as Tx): Promise<number> {
  const { count } = await tx.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
  return count;
}

/** Ends one of the user's own sessions; another user's session id ends nothing. */
export async function endUserSession(userId: string, sessionId: string): Promise<boolean> {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId, userId } });
  return count > 0;
}

/** Nightly: drop expired session rows. */
export async function pruneExpiredSessions(now = new Date()): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
