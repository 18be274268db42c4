import type { Locale } from "~/modules/i18n/config.ts";
import { dateTimeFormat } from "~/modules/i18n/format.ts";

/** Date and time of a message, in Vietnam's time zone like every date on the site. */
export function formatDateTime(value: Date | string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}
