/*
 * What the server and the browser both need to know about languages. The messages themselves
 * are in messages.<lang>.ts, one chunk per language for the browser (messages.ts), and all
 * together in resources.server.ts.
 */

/** Vietnamese is the default; English the alternative (DESIGN.md §7). */
export const SUPPORTED_LOCALES = ["vi", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "vi";

type Catalogue = { [key: string]: string | Catalogue };

/** Catalogues are kept per feature; a key defined twice is a mistake, so the first one wins loudly in tests. */
export function mergeCatalogues(...catalogues: Catalogue[]): Catalogue {
  const out: Catalogue = {};
  for (const catalogue of catalogues) {
    for (const [key, value] of Object.entries(catalogue)) {
      const existing = out[key];
      out[key] = typeof existing === "object" && typeof value === "object" ? mergeCatalogues(existing, value) : existing ?? value;
    }
  }
  return out;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Intl locale tags for numbers, money and dates. */
export const INTL_LOCALE: Record<Locale, string> = { vi: "vi-VN", en: "en-GB" };

export const i18nOptions = {
  supportedLngs: SUPPORTED_LOCALES as unknown as string[],
  fallbackLng: DEFAULT_LOCALE,
  defaultNS: "translation",
  interpolation: { escapeValue: false },
  returnNull: false,
} as const;
