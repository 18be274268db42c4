import { INTL_LOCALE, type Locale } from "./config.ts";

/** Money in whole units (VND has no minor unit): vi → "1.250.000.000 ₫". */
export function formatMoney(amount: number, currency: "VND" | "USD", locale: Locale) {
  return new Intl.NumberFormat(INTL_LOCALE[locale], {
    style: "currency",
    currency,
    maximumFractionDigits: 0,
  }).format(amount);
}

export function formatNumber(value: number, locale: Locale) {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** Dates shown in Vietnam's time zone, where the exchange operates. */
export function formatDate(value: Date | string, locale: Locale, style: "medium" | "long" = "medium") {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: style, timeZone: "Asia/Ho_Chi_Minh" }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}
