import { z } from "zod";
import { multiLine } from "~/lib/text.ts";
import { AGREEMENT_TYPES, COMMENT_MAX, DEAL_CURRENCIES, DEAL_STAGES, LOST_REASON_LENGTH, MAX_AGREED_VALUE } from "./state-machine.ts";

/**
 * The deal forms and the pipeline filters, one schema each for the browser and
 * the server. Messages are i18n keys.
 */

/**
 * The version the form saw, required: a move is checked against it. z.coerce read an empty
 * or blank field as 0, so a form that lost its version moved any deal still at version 0.
 * At most nine digits: Deal.version is a 32-bit integer.
 */
const version = z
  .string({ required_error: "deals.errors.stale", invalid_type_error: "deals.errors.stale" })
  .trim()
  .regex(/^\d{1,9}$/, "deals.errors.stale")
  .transform(Number);
const comment = multiLine(z.string().trim().max(COMMENT_MAX, "errors.tooLong").optional().default(""));

/**
 * Whole currency units as people type them: "1250000000", "1.250.000.000",
 * "1,250,000,000" or "1 250 000 000". A decimal part is refused (no minor units).
 */
export const agreedValueField = z
  .string({ required_error: "deals.errors.agreedValue" })
  .trim()
  .refine((s) => /^\d+$/.test(s) || /^\d{1,3}([.,\s]\d{3})+$/.test(s), "deals.errors.agreedValue")
  .transform((s) => BigInt(s.replace(/[.,\s]/g, "")))
  .refine((v) => v > 0n, "deals.errors.agreedValue")
  .refine((v) => v <= MAX_AGREED_VALUE, "deals.errors.agreedValueTooLarge");

const simpleActions = ["qualify", "introduce", "sign_nda", "negotiate", "complete", "hold", "resume"] as const;

/** One transition: the action, the version the form saw, a comment and what the action needs. */
export const transitionSchema = z.discriminatedUnion("action", [
  z.object({ intent: z.literal("transition"), action: z.enum(simpleActions), version, comment }),
  z.object({
    intent: z.literal("transition"),
    action: z.literal("reach_agreement"),
    version,
    comment,
    agreementType: z.enum(AGREEMENT_TYPES, { errorMap: () => ({ message: "deals.errors.agreementType" }) }),
    agreedValue: agreedValueField,
    agreedCurrency: z.enum(DEAL_CURRENCIES, { errorMap: () => ({ message: "deals.errors.agreedCurrency" }) }),
  }),
  z.object({
    intent: z.literal("transition"),
    action: z.literal("lose"),
    version,
    comment,
    reason: multiLine(
      z
        .string({ required_error: "deals.errors.lostReason" })
        .trim()
        .min(LOST_REASON_LENGTH.min, "deals.errors.lostReason")
        .max(LOST_REASON_LENGTH.max, "errors.tooLong"),
    ),
  }),
]);
export type TransitionInput = z.infer<typeof transitionSchema>;

/** A broker takes an unassigned deal; an admin (re)assigns one. */
export const takeSchema = z.object({ intent: z.literal("take"), version });
export const assignSchema = z.object({
  intent: z.literal("assign"),
  version,
  brokerId: z.string({ required_error: "errors.chooseOne" }).trim().min(1, "errors.chooseOne").max(64),
});

export const openFromInquirySchema = z.object({ inquiryId: z.string({ required_error: "errors.chooseOne" }).trim().min(1, "errors.chooseOne").max(64) });

export const CLOSED_STAGES = ["COMPLETED", "LOST"] as const;
export const BOARD_COLUMN_CAP = 30;
export const CLOSED_PAGE_SIZE = 30;

/**
 * The pipeline board's query string. A bad value is ignored rather than refused:
 * a bookmarked board with a stale filter should still open.
 */
export const boardFilterSchema = z.object({
  broker: z
    .union([z.literal("mine"), z.literal("unassigned"), z.string().regex(/^[a-z0-9]{20,40}$/)])
    .optional()
    .catch(undefined),
  sector: z.string().regex(/^\d(\.\d{1,2})?$/).optional().catch(undefined),
  province: z.string().regex(/^\d{2}$/).optional().catch(undefined),
  /** Lists one closed stage instead of the board. */
  stage: z.enum(CLOSED_STAGES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});
export type BoardFilter = z.infer<typeof boardFilterSchema>;

export { AGREEMENT_TYPES, DEAL_CURRENCIES, DEAL_STAGES };
