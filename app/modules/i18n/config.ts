import inquiriesEn from "~/modules/inquiries/locales/inquiries.en.json";
import inquiriesVi from "~/modules/inquiries/locales/inquiries.vi.json";
import dealsEn from "~/modules/deals/locales/deals.en.json";
import dealsVi from "~/modules/deals/locales/deals.vi.json";
import matchingEn from "~/modules/matching/locales/matching.en.json";
import matchingVi from "~/modules/matching/locales/matching.vi.json";
import notificationsEn from "~/modules/notifications/locales/notifications.en.json";
import notificationsVi from "~/modules/notifications/locales/notifications.vi.json";
import alertsEn from "~/modules/alerts/locales/alerts.en.json";
import alertsVi from "~/modules/alerts/locales/alerts.vi.json";
import paymentsEn from "~/modules/payments/locales/payments.en.json";
import paymentsVi from "~/modules/payments/locales/payments.vi.json";
import reportsEn from "~/modules/reports/locales/reports.en.json";
import reportsVi from "~/modules/reports/locales/reports.vi.json";
import attachmentsEn from "~/modules/listings/locales/attachments.en.json";
import attachmentsVi from "~/modules/listings/locales/attachments.vi.json";
import importEn from "~/modules/listings/locales/import.en.json";
import importVi from "~/modules/listings/locales/import.vi.json";
import listingsEn from "~/modules/listings/locales/listings.en.json";
import listingsVi from "~/modules/listings/locales/listings.vi.json";
import orgsEn from "~/modules/orgs/locales/orgs.en.json";
import orgsVi from "~/modules/orgs/locales/orgs.vi.json";
import searchEn from "~/modules/search/locales/search.en.json";
import searchVi from "~/modules/search/locales/search.vi.json";
import en from "./locales/en.json";
import vi from "./locales/vi.json";

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

export const resources = {
  vi: { translation: mergeCatalogues(
      vi, listingsVi, attachmentsVi, importVi, searchVi,
      inquiriesVi, dealsVi, matchingVi, notificationsVi, alertsVi, paymentsVi, reportsVi, orgsVi,
    ) },
  en: { translation: mergeCatalogues(
      en, listingsEn, attachmentsEn, importEn, searchEn,
      inquiriesEn, dealsEn, matchingEn, notificationsEn, alertsEn, paymentsEn, reportsEn, orgsEn,
    ) },
} as const;

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
