import { randomBytes } from "node:crypto";

/**
 * The request guard every request passes before Remix sees it (scripts/lib/app-server.ts):
 * cross-site writes refused, URLs the database cannot store refused, and the security
 * headers of every answer. Decision 011 says why it sits in front of Remix rather than in
 * each action: a rule that every action must remember is one that a new action forgets.
 */

/** Methods that change nothing (RFC 9110 §9.2.1); everything else must come from our own pages. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Paths that authenticate their sender by a signature, not by a browser's cookie, and so take
 * posts from anywhere: Stripe's webhook (signed body) and one-click unsubscribe (RFC 8058: the
 * mail provider posts to the signed link from its own servers); and the CSP report endpoint,
 * which only logs. Nothing else.
 */
export const SIGNED_OR_INERT_PATHS: readonly string[] = ["/webhooks/stripe", "/alerts/unsubscribe", "/csp-report"];

export interface GuardedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  header(name: string): string | undefined;
  /** host[:port] the request was sent to (behind a trusted proxy: the forwarded host). */
  host: string | undefined;
}

function originOf(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/**
 * Why a state-changing request must be refused as cross-site, or null when it may go on.
 *
 * The request's Origin (or, when a browser sent none, its Referer) must be this app: the
 * configured APP_URL or the host the request was addressed to. `Sec-Fetch-Site` other than
 * same-origin (a sibling subdomain is "same-site" and still not us) and `Origin: null`
 * (sandboxed frames, privacy redirects) are refused too. A request with neither header is
 * not a browser's cross-site request (browsers send Origin on every cross-origin POST), so
 * scripts and curl still work. SameSite=Lax cookies stopped only full-page posts; fetches
 * with `?_data=` carried the cookie and were obeyed.
 */
export function crossSiteRefusal(request: GuardedRequest, appUrl?: string): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (SIGNED_OR_INERT_PATHS.includes(request.path)) return null;
  const fetchSite = request.header("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return `Sec-Fetch-Site is ${fetchSite}`;
  const origin = request.header("origin");
  const claimed = origin ?? request.header("referer");
  if (claimed === undefined || claimed === "") return null;
  if (claimed === "null") return "Origin is null";
  const url = originOf(claimed);
  if (!url) return `${origin ? "Origin" : "Referer"} is not a URL`;
  const app = appUrl ? originOf(appUrl) : null;
  if (app && url.origin === app.origin) return null;
  if (request.host && url.host === request.host.toLowerCase()) return null;
  return `${origin ? "Origin" : "Referer"} ${url.origin} is not this site`;
}

/** C0 controls and DEL: PostgreSQL refuses NUL in text (error 22021), and none belongs in a path. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why a URL must be refused with 400 before any loader reads it: a path that does not decode
 * (a broken percent-escape) or holds a control character, or a query holding NUL or another
 * control character than tab and line breaks. Ids and search words come from these; a
 * database error should never be the answer.
 */
export function malformedUrlReason(rawPath: string, rawQuery: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return "the path is not valid percent-encoded UTF-8";
  }
  if (CONTROL.test(path)) return "the path holds a control character";
  if (!rawQuery) return null;
  // As the loaders will read it: URLSearchParams keeps a stray "%" and turns broken UTF-8 into U+FFFD.
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(name + value)) return `the query parameter ${JSON.stringify(name.slice(0, 40))} holds a control character`;
  }
  return null;
}

/** A fresh nonce for one response's inline scripts. */
export const cspNonce = () => randomBytes(16).toString("base64");

/**
 * The security headers of every answer (HTML, JSON, files). The policy allows only this
 * app's own scripts (Remix's inline scripts carry the nonce) and styles, images from here
 * and data: URLs (SVG icons), forms that post here or go on to Stripe's checkout, and no
 * framing. Development adds the live-reload socket.
 */
export function securityHeaders(options: { nonce: string; production: boolean; dev?: boolean; formTargets?: readonly string[] }): Record<string, string> {
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(" ");
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}'`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${options.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "report-uri /csp-report",
  ].join("; ");
  const headers: Record<string, string> = {
    "Content-Security-Policy": policy,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (options.production) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}
