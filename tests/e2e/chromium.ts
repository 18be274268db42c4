import { existsSync } from "node:fs";

/** Debian's chromium (or CHROMIUM_PATH); Playwright's own browser downloads are never used. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((c): c is string => !!c && existsSync(c));
}
