import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { MAX_AMOUNT, MIN_AMOUNT } from "./money.ts";

/** The payment forms, one schema each for the browser (conform) and the server. Messages are i18n keys. */

export const PAYMENT_CURRENCIES = ["VND", "USD"] as const;
export const PAYMENT_STATUSES = ["PENDING", "PAID", "FAILED", "EXPIRED", "REFUNDED"] as const;
export const PAYMENT_PURPOSES = ["FEATURED_PLACEMENT", "BROKERAGE_FEE"] as const;
export const FEE_PAYERS = ["PROVIDER", "SEEKER"] as const;
export const FEE_DESCRIPTION_MAX = 300;

const currency = z.enum(PAYMENT_CURRENCIES, { errorMap: () => ({ message: "payments.errors.currency" }) });

/** "Feature this listing": which currency to pay in (the price is configured, never posted). */
export const featureCheckoutSchema = z.object({ currency });

/** Whole units as people type them: "20000000", "20.000.000", "20,000,000" or "20 000 000". */
const wholeAmount = z
  .string({ required_error: "payments.errors.amount" })
  .trim()
  .refine((s) => /^\d{1,12}$/.test(s) || /^\d{1,3}([.,\s]\d{3}){1,3}$/.test(s), "payments.errors.amount")
  .transform((s) => Number(s.replace(/[.,\s]/g, "")));

/** A percentage with at most two decimals ("2.5" or "2,5"), stored as basis points. */
const percent = z
  .string({ required_error: "payments.errors.percent" })
  .trim()
  .refine((s) => /^\d{1,3}([.,]\d{1,2})?$/.test(s), "payments.errors.percent")
  .transform((s) => Math.round(Number(s.replace(",", ".")) * 100))
  .refine((bps) => bps >= 1 && bps <= 10_000, "payments.errors.percent");

const common = {
  intent: z.literal("issue"),
  payer: z.enum(FEE_PAYERS, { errorMap: () => ({ message: "payments.errors.payer" }) }),
  // One line: it names the fee in lists and on Stripe's payment page.
  description: singleLine(z.string({ required_error: "payments.errors.description" }).min(3, "payments.errors.description").max(FEE_DESCRIPTION_MAX, "errors.tooLong")),
};

/** A broker's fee on a deal: a fixed amount in a currency, or a percentage of the agreed value. */
export const issueFeeSchema = z
  .discriminatedUnion("basis", [
    z.object({ ...common, basis: z.literal("FIXED"), amount: wholeAmount, currency }),
    z.object({ ...common, basis: z.literal("PERCENT"), percent }),
  ])
  .superRefine((input, ctx) => {
    if (input.basis !== "FIXED") return;
    if (input.amount < MIN_AMOUNT[input.currency]) ctx.addIssue({ code: "custom", path: ["amount"], message: "payments.errors.amountTooSmall" });
    if (input.amount > MAX_AMOUNT[input.currency]) ctx.addIssue({ code: "custom", path: ["amount"], message: "payments.errors.amountTooLarge" });
  });
export type IssueFeeInput = z.infer<typeof issueFeeSchema>;

/** Filters of the admin payments page (bad values fall back to "all"). */
export const adminPaymentsQuery = z.object({
  status: z.enum(PAYMENT_STATUSES).optional().catch(undefined),
  purpose: z.enum(PAYMENT_PURPOSES).optional().catch(undefined),
  events: z.enum(["all", "errors"]).optional().catch(undefined),
  type: z
    .string()
    .regex(/^[a-z_.]{3,80}$/)
    .optional()
    .catch(undefined),
});
