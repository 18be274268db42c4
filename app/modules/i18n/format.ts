import { INTL_LOCALE, type Locale } from "./config.ts";

/**
 * Building an Intl formatter costs far more than using one (a fifth of the search page's CPU
 * went to it), and pages format hundreds of values in a handful of styles. So one formatter per
 * locale and options, kept for the life of the process. The options are literals in our code,
 * so the keys are few; the bound only guards against a caller building options from input.
 */
const MAX_FORMATTERS = 200;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function cached<F>(cache: Map<string, F>, locale: Locale, options: object | undefined, create: () => F): F {
  const key = `${locale}|${JSON.stringify(options ?? {})}`;
  let formatter = cache.get(key);
  if (!formatter) {
    if (cache.size >= MAX_FORMATTERS) cache.clear();
    formatter = create();
    cache.set(key, formatter);
  }
  return formatter;
}

/** The shared Intl.NumberFormat for this locale and these options. */
export function numberFormat(locale: Locale, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(numberFormats, locale, options, () => new Intl.NumberFormat(INTL_LOCALE[locale], options));
}

/** The shared Intl.DateTimeFormat for this locale and these options. */
export function dateTimeFormat(locale: Locale, options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dateTimeFormats, locale, options, () => new Intl.DateTimeFormat(INTL_LOCALE[locale], options));
}

/** Money in whole units (VND has no minor unit): vi → "1.250.000.000 ₫". */
export function formatMoney(amount: number, currency: "VND" | "USD", locale: Locale) {
  return numberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export function formatNumber(value: number, locale: Locale) {
  return numberFormat(locale).format(value);
}

/** Dates shown in Vietnam's time zone, where the exchange operates. */
export function formatDate(value: Date | string, locale: Locale, style: "medium" | "long" = "medium") {
  return dateTimeFormat(locale, { dateStyle: style, timeZone: "Asia/Ho_Chi_Minh" }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}

