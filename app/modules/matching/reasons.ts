import type { Locale } from "~/modules/i18n/config.ts";
import { NEGATIVE_REASONS, type Reason } from "./scoring.ts";

/** Sector and province labels in both languages, by code. */
export interface ReasonLabels {
  sectors: Record<string, { vi: string; en: string }>;
  provinces: Record<string, { vi: string; en: string }>;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

const label = (entry: { vi: string; en: string } | undefined, locale: Locale) => (entry ? entry[locale] : "");

/** One reason in words, in the reader's language ("cùng lĩnh vực 2.11 Công nghệ thực phẩm", "TRL 7 ≥ 6"). */
export function describeReason(reason: Reason, t: Translate, labels: ReasonLabels, locale: Locale): string {
  switch (reason.code) {
    case "TEXT":
      return t("matching.reason.text", { percent: Math.round(reason.score * 100) });
    case "SECTOR":
      return t("matching.reason.sector", { code: reason.sector, label: label(labels.sectors[reason.sector], locale) }).trim();
    case "SECTOR_FIELD":
      return t("matching.reason.sectorField", { code: reason.field, label: label(labels.sectors[reason.field], locale) }).trim();
    case "NO_SECTOR":
      return t("matching.reason.noSector");
    case "TRL_OK":
      return t("matching.reason.trlOk", { trl: reason.trl, min: reason.min });
    case "TRL_LOW":
      return t("matching.reason.trlLow", { trl: reason.trl, min: reason.min });
    case "TRL_UNKNOWN":
      return t("matching.reason.trlUnknown");
    case "WITHIN_BUDGET":
      return reason.partial ? t("matching.reason.partlyWithinBudget") : t("matching.reason.withinBudget");
    case "OVER_BUDGET":
      return t("matching.reason.overBudget");
    case "NEGOTIABLE_OVER_BUDGET":
      return t("matching.reason.negotiableOverBudget");
    case "PRICE_UNKNOWN":
      return t("matching.reason.priceUnknown");
    case "TRANSFER_MODE":
      return t("matching.reason.transferMode", { modes: reason.modes.map((m) => t(`transferMode.${m}`)).join(", ") });
    case "NO_TRANSFER_MODE":
      return t("matching.reason.noTransferMode");
    case "PROVINCE":
      return t("matching.reason.province", { province: label(labels.provinces[reason.province], locale) || reason.province });
    case "OTHER_PROVINCE":
      return t("matching.reason.otherProvince");
  }
}

export const isNegative = (reason: Reason) => NEGATIVE_REASONS.includes(reason.code);

/** All reasons in one line, the ones for the match first: "cùng lĩnh vực 2.11 …; TRL 7 ≥ 6; trong ngân sách". */
export function describeReasons(reasons: readonly Reason[], t: Translate, labels: ReasonLabels, locale: Locale): string {
  const ordered = [...reasons.filter((r) => !isNegative(r)), ...reasons.filter(isNegative)];
  return ordered.map((r) => describeReason(r, t, labels, locale)).join("; ");
}
