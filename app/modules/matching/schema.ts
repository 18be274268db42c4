import { z } from "zod";
import type { Reason } from "./scoring.ts";

export const MATCH_STATUSES = ["SUGGESTED", "INTRODUCED", "DISMISSED"] as const;
export type MatchStatusName = (typeof MATCH_STATUSES)[number];

/** The broker board's filters (GET, state in the URL); a bad value falls back to its default. */
export const boardFiltersSchema = z.object({
  /** Minimum score in percent (0–100). */
  min: z.coerce.number().int().min(0).max(100).optional().catch(undefined),
  sector: z
    .string()
    .regex(/^\d(\.\d{1,2})?$/)
    .optional()
    .catch(undefined),
  status: z.enum([...MATCH_STATUSES, "ALL"]).default("SUGGESTED").catch("SUGGESTED"),
  page: z.coerce.number().int().min(1).max(1_000).default(1).catch(1),
});
export type BoardFilters = z.infer<typeof boardFiltersSchema>;

/** A broker's decision on one match; `intent` tells the two apart. */
export const matchDecisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("introduce"), matchId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("dismiss"), matchId: z.string().min(1).max(64) }),
]);
export type MatchDecisionInput = z.infer<typeof matchDecisionSchema>;

const code = (c: string) => z.literal(c);
/** Stored reasons, read back defensively: an unknown code is dropped, not shown wrongly. */
export const reasonSchema: z.ZodType<Reason> = z.union([
  z.object({ code: code("TEXT"), score: z.number() }),
  z.object({ code: code("SECTOR"), sector: z.string() }),
  z.object({ code: code("SECTOR_FIELD"), field: z.string() }),
  z.object({ code: code("NO_SECTOR") }),
  z.object({ code: code("TRL_OK"), trl: z.number(), min: z.number() }),
  z.object({ code: code("TRL_LOW"), trl: z.number(), min: z.number() }),
  z.object({ code: code("TRL_UNKNOWN") }),
  z.object({ code: code("WITHIN_BUDGET"), partial: z.literal(true).optional() }),
  z.object({ code: code("OVER_BUDGET") }),
  z.object({ code: code("NEGOTIABLE_OVER_BUDGET") }),
  z.object({ code: code("PRICE_UNKNOWN") }),
  z.object({ code: code("TRANSFER_MODE"), modes: z.array(z.string()) }),
  z.object({ code: code("NO_TRANSFER_MODE") }),
  z.object({ code: code("PROVINCE"), province: z.string() }),
  z.object({ code: code("OTHER_PROVINCE") }),
]) as z.ZodType<Reason>;

export function parseReasons(value: unknown): Reason[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = reasonSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}
