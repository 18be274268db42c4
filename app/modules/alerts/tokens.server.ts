import { createHmac, timingSafeEqual } from "node:crypto";
import { sessionSecret } from "~/modules/auth/session.server.ts";
import { absoluteUrl } from "~/modules/notifications/render.server.ts";

/**
 * One-click unsubscribe tokens: `<savedSearchId>.<HMAC-SHA256(id)>`, keyed with
 * SESSION_SECRET (or the local secret `npm start` keeps in DATA_DIR). The link
 * never expires and only ever unsubscribes that one saved search.
 */
const PURPOSE = "saved-search-unsubscribe:";

function signature(savedSearchId: string) {
  return createHmac("sha256", sessionSecret()).update(PURPOSE + savedSearchId).digest("base64url");
}

export function unsubscribeToken(savedSearchId: string): string {
  return `${savedSearchId}.${signature(savedSearchId)}`;
}

/** The saved search id a token was made for, or null when it was not made here. */
export function verifyUnsubscribeToken(token: string): string | null {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/** The absolute link put in alert e-mails (and their List-Unsubscribe header). */
export function unsubscribeUrl(savedSearchId: string): string {
  return absoluteUrl(`/alerts/unsubscribe?token=${encodeURIComponent(unsubscribeToken(savedSearchId))}`);
}
