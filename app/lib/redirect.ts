/** Controls and backslashes: browsers read "\" as "/", so "/\evil.example" is another host. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_IN_REDIRECT = /[\u0000-\u001f\u007f\\]/;
const PLACEHOLDER_ORIGIN = "http://techex.invalid";

/**
 * `value` when it is a path on this site, else undefined: the only redirect targets taken
 * from a request (after login, sign-up, a language switch). Refused: anything not starting
 * with one "/", protocol-relative "//host", backslashes and controls (raw or percent-encoded,
 * as some browsers and proxies decode before resolving), absolute URLs and schemes
 * (`javascript:`). What is left is resolved against a placeholder origin and must stay on it.
 */
export function safeRedirectPath(value: string | null | undefined): string | undefined {
  if (!value || value.length > 2048 || !value.startsWith("/") || value.startsWith("//")) return undefined;
  let decoded = value;
  for (let i = 0; i < 3 && decoded.includes("%"); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
  }
  if (UNSAFE_IN_REDIRECT.test(value) || UNSAFE_IN_REDIRECT.test(decoded) || decoded.startsWith("//")) return undefined;
  const url = new URL(value, PLACEHOLDER_ORIGIN);
  if (url.origin !== PLACEHOLDER_ORIGIN) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
