import { INTL_LOCALE, type Locale } from "~/modules/i18n/config.ts";

/** Date and time of a message, in Vietnam's time zone like every date on the site. */
export function formatDateTime(value: Date | string, locale: Locale) {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}
