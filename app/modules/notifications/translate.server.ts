import type { TFunction } from "i18next";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/modules/i18n/config.ts";
import { i18nextFor } from "~/modules/i18n/i18n.server.ts";

/** A user's stored language ("vi" or "en"), with Vietnamese for anything else. */
export function recipientLocale(value: string | null | undefined): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** A t function fixed to one language, for text written outside a request (e-mails, jobs). */
export function fixedT(locale: Locale): TFunction {
  return i18nextFor(locale).getFixedT(locale);
}
