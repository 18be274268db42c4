import { z } from "zod";
import { vnDateField } from "./period.ts";
import { DEAL_STAGES, LISTING_TYPE_KEYS, ORGANISATION_KINDS, TABLE_IDS } from "./tables.ts";

export const LIST_METRICS = [
  "listings",
  "organisations-joined",
  "organisations-active",
  "inquiries",
  "matches-suggested",
  "matches-introduced",
  "deals-opened",
  "deals-reached",
  "deals-agreed",
  "deals-completed",
  "payments",
] as const;
export type ListMetric = (typeof LIST_METRICS)[number];

const blankAsUnset = (v: unknown) => (v === "" || v === null ? undefined : v);
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(blankAsUnset, z.enum(values, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional());

/** The rows behind one dashboard figure (plus the period parameters, parsed apart). */
export const listQuerySchema = z.object({
  metric: z.enum(LIST_METRICS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
  type: choice(LISTING_TYPE_KEYS),
  sector: z.preprocess(blankAsUnset, z.string().regex(/^\d(\.\d{1,2})?$/, "errors.chooseOne").optional()),
  /** A two-digit province code, or "none" for listings without one. */
  province: z.preprocess(blankAsUnset, z.string().regex(/^(\d{2}|none)$/, "errors.chooseOne").optional()),
  kind: choice(ORGANISATION_KINDS),
  stage: choice(DEAL_STAGES),
  currency: choice(["VND", "USD"] as const),
  purpose: choice(["FEATURED_PLACEMENT", "BROKERAGE_FEE"] as const),
  filter: choice(["answered", "within48h", "converted"] as const),
  page: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(100_000).default(1)),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const exportTableSchema = z.enum(TABLE_IDS);

const dateField = z.preprocess(blankAsUnset, vnDateField.optional());

/** Filters of the audit log page. */
export const auditQuerySchema = z
  .object({
    actor: z.preprocess(blankAsUnset, z.string().trim().max(200, "errors.tooLong").optional()),
    entityType: z.preprocess(blankAsUnset, z.string().trim().max(60, "errors.tooLong").regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "reports.errors.entityType").optional()),
    entityId: z.preprocess(blankAsUnset, z.string().trim().max(100, "errors.tooLong").optional()),
    action: z.preprocess(blankAsUnset, z.string().trim().max(100, "errors.tooLong").regex(/^[a-z0-9._-]+$/i, "reports.errors.action").optional()),
    from: dateField,
    to: dateField,
    page: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(100_000).default(1)),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "reports.errors.toBeforeFrom" });
  });
export type AuditQuery = z.output<typeof auditQuerySchema>;
