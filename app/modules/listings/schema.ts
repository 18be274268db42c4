import { z } from "zod";
import { multiLine, singleLine, toSingleLine } from "~/lib/text.ts";

/**
 * The listing form (DESIGN.md §2), one schema for the browser (conform), the
 * server and the bulk import. Field names are flat so an HTML form can carry
 * them; lists arrive as repeated fields or as separated text. Messages are i18n keys.
 */

export const LISTING_TYPES = ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER", "TECHNOLOGY_REQUEST"] as const;
export const PRICE_TYPES = ["FIXED", "NEGOTIABLE", "ON_REQUEST"] as const;
export const CURRENCIES = ["VND", "USD"] as const;
export const TRANSFER_MODES = [
  "LICENSE_EXCLUSIVE",
  "LICENSE_NON_EXCLUSIVE",
  "ASSIGNMENT",
  "JOINT_VENTURE",
  "CAPITAL_CONTRIBUTION",
  "TECHNICAL_ASSISTANCE",
  "TURNKEY",
  "EQUIPMENT_SALE",
  "EQUIPMENT_LEASE",
] as const;
export const IP_STATUSES = [
  "PATENT_GRANTED",
  "PATENT_PENDING",
  "UTILITY_SOLUTION_GRANTED",
  "UTILITY_SOLUTION_PENDING",
  "INDUSTRIAL_DESIGN",
  "SOFTWARE_COPYRIGHT",
  "KNOW_HOW",
  "NONE",
] as const;
export const TRANSFER_OBJECTS = ["KNOW_HOW", "DOCUMENTS", "SOFTWARE", "DATA", "BUNDLED_EQUIPMENT", "TRAINING", "EXPERT_ADVICE"] as const;
export const CONDITIONS = ["NEW", "USED", "REFURBISHED"] as const;

export const LIMITS = {
  title: { min: 5, max: 160 },
  summary: { min: 20, max: 600 },
  description: 20_000,
  longText: 3_000,
  keywords: 15,
  keyword: 40,
  sectors: 5,
  specifications: 30,
  /** 10^15 of a currency: far above any real deal, well inside JavaScript's safe integers. */
  amount: 1_000_000_000_000_000,
} as const;

type ListingType = (typeof LISTING_TYPES)[number];

/** Accepts one value, repeated values, or nothing, and always gives a list. */
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A list of choices, with one message on the list (a form shows errors per field, not per item). */
const choiceList = <const T extends readonly [string, ...string[]]>(choices: T, message = "errors.chooseOne") =>
  list(z.string()).pipe(
    z
      .array(z.string())
      .refine((items) => items.every((item) => (choices as readonly string[]).includes(item)), message)
      .transform((items) => [...new Set(items)] as T[number][]),
  );

const codeList = (pattern: RegExp, message: string, min: number, max: number, minMessage = "errors.required") =>
  list(z.string()).pipe(
    z
      .array(z.string())
      .min(min, minMessage)
      .max(max, "errors.tooMany")
      .refine((items) => items.every((item) => pattern.test(item)), message)
      .transform((items) => [...new Set(items)]),
  );

/** Accepts a list or text separated by commas, semicolons or new lines; each item one line of text. */
const textList = (max: number, itemMax: number, tooLong: string) =>
  z.preprocess(
    (v) => {
      const items = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[,;\n]/) : [];
      return [...new Set(items.map((s) => toSingleLine(String(s))).filter(Boolean))];
    },
    z.array(z.string().max(itemMax, tooLong)).max(max, "errors.tooMany"),
  );

/** Optional running text (a description, advantages): line breaks kept. */
const optionalText = (max: number) =>
  multiLine(z.string().trim().max(max, "errors.tooLong").optional()).transform((v) => v || undefined);

/** Optional text on one line (a manufacturer, a model). */
const optionalLine = (max: number) => singleLine(z.string().max(max, "errors.tooLong").optional()).transform((v) => v || undefined);

const amount = z.coerce
  .number({ invalid_type_error: "errors.number" })
  .int("errors.wholeNumber")
  .min(0, "errors.notNegative")
  .max(LIMITS.amount, "errors.tooLarge")
  .optional();

const trl = z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(1, "errors.trlRange").max(9, "errors.trlRange");

/** Keys and values of a specification record, each as one line of text. */
const specificationLines = (record: object) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [toSingleLine(key), typeof value === "string" ? toSingleLine(value) : value]));

/** "Công suất: 15 kW" lines, or an object, into a key–value record. */
const specifications = z.preprocess(
  (v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) return specificationLines(v);
    if (typeof v !== "string" || !v.trim()) return undefined;
    const out: Record<string, string> = {};
    for (const line of v.split("\n")) {
      const at = line.indexOf(":");
      if (!line.trim()) continue;
      if (at <= 0) return specificationLines({ [line.trim()]: "" });
      out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return specificationLines(out);
  },
  z
    .record(z.string().min(1).max(80, "errors.tooLong"), z.string().min(1, "errors.specificationLine").max(300, "errors.tooLong"))
    .refine((r) => Object.keys(r).length <= LIMITS.specifications, "errors.tooMany")
    .optional(),
);

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

const base = {
  language: z
    .string({ required_error: "errors.required" })
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "errors.language"),
  title: singleLine(z.string({ required_error: "errors.required" }).min(LIMITS.title.min, "errors.titleLength").max(LIMITS.title.max, "errors.titleLength")),
  summary: multiLine(z.string({ required_error: "errors.required" }).trim().min(LIMITS.summary.min, "errors.summaryLength").max(LIMITS.summary.max, "errors.summaryLength")),
  description: optionalText(LIMITS.description),
  advantages: optionalText(LIMITS.longText),
  applications: optionalText(LIMITS.longText),
  keywords: textList(LIMITS.keywords, LIMITS.keyword, "errors.keywordTooLong"),
  sectorCodes: codeList(/^\d(\.\d{1,2})?$/, "errors.sector", 1, LIMITS.sectors, "errors.sectorRequired"),
  provinceCode: optionalText(2).refine((v) => !v || /^\d{2}$/.test(v), "errors.chooseOne"),
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "errors.country")
    .default("VN"),
  transferModes: choiceList(TRANSFER_MODES),
  confidentialDetails: optionalText(LIMITS.description),
};

const price = {
  priceType: z.enum(PRICE_TYPES, { errorMap: () => ({ message: "errors.chooseOne" }) }).default("NEGOTIABLE"),
  priceMin: amount,
  priceMax: amount,
  currency: z.enum(CURRENCIES, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional(),
};

export const technologyOfferSchema = z.object({
  type: z.literal("TECHNOLOGY_OFFER"),
  ...base,
  ...price,
  trl: trl.optional().refine((v) => v !== undefined, "errors.required"),
  ipStatus: z.enum(IP_STATUSES, { errorMap: () => ({ message: "errors.chooseOne" }) }),
  ipNumbers: textList(10, 60, "errors.tooLong"),
  transferObjects: choiceList(TRANSFER_OBJECTS),
  partnerSought: optionalText(600),
});

export const equipmentOfferSchema = z.object({
  type: z.literal("EQUIPMENT_OFFER"),
  ...base,
  ...price,
  condition: z.enum(CONDITIONS, { errorMap: () => ({ message: "errors.chooseOne" }) }),
  manufacturer: optionalLine(120),
  model: optionalLine(120),
  manufactureYear: z.coerce
    .number({ invalid_type_error: "errors.number" })
    .int("errors.wholeNumber")
    .min(1950, "errors.year")
    .max(new Date().getFullYear() + 1, "errors.year")
    .optional(),
  quantity: z.coerce.number({ invalid_type_error: "errors.number" }).int("errors.wholeNumber").min(1, "errors.quantity").max(100_000, "errors.quantity").default(1),
  specifications,
  leaseAvailable: checkbox.default(false),
});

export const technologyRequestSchema = z.object({
  type: z.literal("TECHNOLOGY_REQUEST"),
  ...base,
  problemStatement: multiLine(z.string({ required_error: "errors.required" }).trim().min(20, "errors.problemLength").max(LIMITS.longText, "errors.problemLength")),
  minTrl: trl.optional(),
  budgetMin: amount,
  budgetMax: amount,
  budgetCurrency: z.enum(CURRENCIES, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional(),
  deadline: z.coerce
    .date({ errorMap: () => ({ message: "errors.date" }) })
    .optional(),
  preferredProvinceCodes: codeList(/^\d{2}$/, "errors.chooseOne", 0, 10),
});

type Issue = { path: string; message: string };

/** Range rules shared by price and budget: max ≥ min, a currency with any amount. */
function rangeIssues(min: number | undefined, max: number | undefined, currency: string | undefined, names: [string, string, string]): Issue[] {
  const issues: Issue[] = [];
  if (min !== undefined && max !== undefined && max < min) issues.push({ path: names[1], message: "errors.maxBelowMin" });
  if ((min !== undefined || max !== undefined) && !currency) issues.push({ path: names[2], message: "errors.currencyRequired" });
  return issues;
}

export const listingSchema = z
  .discriminatedUnion("type", [technologyOfferSchema, equipmentOfferSchema, technologyRequestSchema], {
    errorMap: () => ({ message: "errors.listingType" }),
  })
  .superRefine((value, ctx) => {
    const issues: Issue[] = [];
    if (value.type === "TECHNOLOGY_REQUEST") {
      issues.push(...rangeIssues(value.budgetMin, value.budgetMax, value.budgetCurrency, ["budgetMin", "budgetMax", "budgetCurrency"]));
    } else {
      issues.push(...rangeIssues(value.priceMin, value.priceMax, value.currency, ["priceMin", "priceMax", "currency"]));
      if (value.priceType === "FIXED" && value.priceMin === undefined) issues.push({ path: "priceMin", message: "errors.fixedNeedsPrice" });
      if (value.transferModes.length === 0) issues.push({ path: "transferModes", message: "errors.transferModeRequired" });
    }
    for (const issue of issues) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [issue.path], message: issue.message });
  });

export type ListingInput = z.infer<typeof listingSchema>;
export type ListingTypeName = ListingType;
