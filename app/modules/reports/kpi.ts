import { z } from "zod";
import type { Locale } from "~/modules/i18n/config.ts";
import { numberFormat } from "~/modules/i18n/format.ts";

/** KpiMetric, in the order the KPI table shows them. */
export const KPI_METRICS = [
  "LISTINGS_PUBLISHED",
  "TECHNOLOGY_OFFERS_PUBLISHED",
  "EQUIPMENT_OFFERS_PUBLISHED",
  "REQUESTS_PUBLISHED",
  "ORGANISATIONS_JOINED",
  "INQUIRIES_RECEIVED",
  "INQUIRIES_ANSWERED_48H",
  "MATCHES_INTRODUCED",
  "DEALS_OPENED",
  "DEALS_AGREED",
  "DEALS_COMPLETED",
  "AGREED_VALUE",
  "FEATURED_REVENUE",
  "FEE_REVENUE",
] as const;
export type KpiMetricName = (typeof KPI_METRICS)[number];

/** Money metrics carry a currency; their target is in whole units of it. */
export const MONEY_METRICS: ReadonlySet<KpiMetricName> = new Set(["AGREED_VALUE", "FEATURED_REVENUE", "FEE_REVENUE"]);
export const KPI_CURRENCIES = ["VND", "USD"] as const;

const blankAsUnset = (v: unknown) => (v === "" || v === null ? undefined : v);

/** One target as the admin form sends it. */
export const kpiTargetSchema = z
  .object({
    intent: z.literal("set"),
    year: z.coerce.number({ invalid_type_error: "reports.errors.year" }).int("reports.errors.year").min(2000, "reports.errors.year").max(2100, "reports.errors.year"),
    metric: z.enum(KPI_METRICS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
    currency: z.preprocess(blankAsUnset, z.enum(KPI_CURRENCIES, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional()),
    target: z
      .string({ required_error: "errors.required" })
      .trim()
      .transform((v) => v.replace(/[\s.,_]/g, ""))
      .pipe(z.string().regex(/^\d{1,18}$/, "reports.errors.targetNumber"))
      .transform((v) => BigInt(v))
      .refine((v) => v > 0n, "reports.errors.targetPositive"),
  })
  .superRefine((v, ctx) => {
    if (MONEY_METRICS.has(v.metric) && !v.currency) ctx.addIssue({ code: "custom", path: ["currency"], message: "reports.errors.currencyRequired" });
    if (!MONEY_METRICS.has(v.metric) && v.currency) ctx.addIssue({ code: "custom", path: ["currency"], message: "reports.errors.currencyNotAllowed" });
  });

export const deleteKpiTargetSchema = z.object({ intent: z.literal("delete"), id: z.string().trim().min(1).max(64) });

/** actual ÷ target as a fraction (1 = 100 %), exact enough for BigInt money. */
export function kpiFraction(actual: bigint, target: bigint) {
  if (target <= 0n) return 0;
  // Four decimal places of a percent survive; a JS number would lose precision above 2^53.
  return Number((actual * 1_000_000n) / target) / 1_000_000;
}

export function formatPercent(fraction: number, locale: Locale) {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(fraction);
}

/** The numbers in "17/43 targets reached (39.5%)", formatted for the viewer. */
export function targetsReachedParts(reached: number, total: number, locale: Locale) {
  const nf = numberFormat(locale);
  return { reached: nf.format(reached), total: nf.format(total), percent: formatPercent(total ? reached / total : 0, locale) };
}
