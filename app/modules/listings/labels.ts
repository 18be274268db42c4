import type { Locale } from "~/modules/i18n/config.ts";

/** Picks the label of a bilingual reference row for the reader's language. */
export function sectorLabel(s: { labelVi: string; labelEn: string }, locale: Locale) {
  return locale === "en" ? s.labelEn : s.labelVi;
}

export function provinceLabel(p: { shortNameVi: string; nameEn: string } | null | undefined, locale: Locale) {
  if (!p) return null;
  return locale === "en" ? p.nameEn : p.shortNameVi;
}
