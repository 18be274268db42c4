import type { Locale } from "~/modules/i18n/config.ts";
import { dateTimeFormat, numberFormat } from "~/modules/i18n/format.ts";
import type { Cell, ColumnKind } from "./tables.ts";

const VN = "Asia/Ho_Chi_Minh";

/** Whole units of money; BigInt keeps sums above 2^53 exact. */
export function formatMoneyExact(value: string | number | bigint, currency: string | null | undefined, locale: Locale) {
  const amount = typeof value === "bigint" ? value : BigInt(value);
  if (!currency) return numberFormat(locale).format(amount);
  return numberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export function formatCount(value: number, locale: Locale) {
  return numberFormat(locale).format(value);
}

export function formatHours(hours: number, locale: Locale) {
  return numberFormat(locale, { style: "unit", unit: "hour", unitDisplay: "short", maximumFractionDigits: 1 }).format(hours);
}

export function formatFraction(value: number, locale: Locale) {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

export function formatDay(value: string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "medium", timeZone: VN }).format(new Date(value));
}

export function formatDateTime(value: string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium", timeZone: VN }).format(new Date(value));
}

/** "2026-03" → "Mar 2026" / "thg 3, 2026". */
export function formatMonth(month: string, locale: Locale, style: "short" | "long" = "short") {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return dateTimeFormat(locale, { month: style, year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** A YYYY-MM-DD calendar date, as written in the viewer's language. */
export function formatCalendarDate(date: string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

export function formatCell(value: Cell, kind: ColumnKind, locale: Locale, currency?: string) {
  if (value == null || value === "") return "—";
  switch (kind) {
    case "count":
      return typeof value === "number" ? formatCount(value, locale) : String(value);
    case "money":
      return formatMoneyExact(value, currency, locale);
    case "percent":
      return formatFraction(Number(value), locale);
    case "hours":
      return formatHours(Number(value), locale);
    case "date":
      return formatDay(String(value), locale);
    default:
      return String(value);
  }
}
