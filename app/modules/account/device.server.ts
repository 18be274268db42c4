import Bowser from "bowser";

/**
 * What a person recognises a session by: "Firefox 133 · Windows", "Safari · iOS". Only the
 * browser's major version; null when the browser sent no User-Agent.
 */
export function describeDevice(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split(".")[0];
  const browser = parsed.browser.name ? [parsed.browser.name, major].filter(Boolean).join(" ") : null;
  const os = parsed.os.name ?? null;
  const parts = [browser, os].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(" · ") : userAgent.slice(0, 60);
}
