import en from "./locales/en.json";
import vi from "./locales/vi.json";

/** Vietnamese is the default; English the alternative (DESIGN.md §7). */
export const SUPPORTED_LOCALES = ["vi", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "vi";

export const resources = { vi: { translation: vi }, en: { translation: en } } as const;

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
