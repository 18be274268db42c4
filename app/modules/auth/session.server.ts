import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { env } from "~/lib/env.server.ts";
import { prisma } from "~/lib/db.server.ts";
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

/** The signed-in user's id, or null (expired, deleted or disabled sessions count as signed out). */
export async function getUserId(request: Request): Promise<string | null> {
  const sessionId = (await cookieSession(request)).get("sessionId");
  if (!sessionId) return null;
  const session = await prisma.session.findFirst({
    where: { id: sessionId, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    select: { userId: true },
  });
  return session?.userId ?? null;
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

/** Nightly: drop expired session rows. */
export async function pruneExpiredSessions(now = new Date()): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
