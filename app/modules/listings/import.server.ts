import { parse as parseCsv } from "csv-parse/sync";
import { Prisma, type Listing } from "~/generated/prisma/client.ts";
import type { z } from "zod";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden } from "~/lib/http.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { readSpreadsheetCell, toCsv, type SpreadsheetValue } from "~/lib/spreadsheet.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { findOrCreateOrganisation } from "~/modules/orgs/organisations.server.ts";
import { enqueueListingSync } from "~/modules/search/outbox.server.ts";
import { holds, scopeOf, type Actor } from "~/modules/auth/permissions.ts";
import { organisationSchema } from "~/modules/orgs/schema.ts";
import { expiryFrom, type ListingStatus } from "./lifecycle.ts";
import { listingData, listingScopeWhere, validateReferences, writeListingChildren } from "./listings.server.ts";
import { analyzeCatalogueTables } from "./catalogue-counts.server.ts";
import { listingSchema, type ListingInput, type ListingTypeName } from "./schema.ts";

/**
 * Bulk import and export of listings (DESIGN.md §2 "Bulk import", §8b "Import file";
 * documented for centres in docs/import-format.md). A file is read whole, every row
 * is validated on its own and written in its own transaction, so a bad row is
 * reported by line and never stops, or half-writes, a good one. `externalRef` is
 * unique per organisation: importing the same file again changes nothing.
 */

export const IMPORT_LIMITS = { bytes: 5_000_000, rows: 5_000, externalRef: 100 } as const;

export type ImportFormat = "json" | "csv";
export type MessageValues = Record<string, string | number>;
/** An i18n key with its interpolation values. */
export interface ImportMessage {
  message: string;
  values?: MessageValues;
}
export interface ImportRowError extends ImportMessage {
  /** The field as the file names it ("price.min", "sectors", "organisation.name"). */
  field: string;
}
export type ImportRowStatus = "created" | "updated" | "unchanged" | "failed";
export interface ImportRowReport {
  /** CSV: the physical line where the row starts (the header is line 1). JSON: the array index + 1. */
  line: number;
  externalRef: string | null;
  status: ImportRowStatus;
  errors: ImportRowError[];
}
export interface ImportReport {
  /** Null when the file was refused whole (nothing was written). */
  importRunId: string | null;
  fileName: string;
  format: ImportFormat | null;
  /** Why the whole file was refused, or null. */
  refused: ImportMessage | null;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  rows: ImportRowReport[];
}

// ───────────────────────────── the file format ─────────────────────────────

const NESTED = {
  price: ["type", "min", "max", "currency"],
  budget: ["min", "max", "currency"],
  equipment: ["condition", "manufacturer", "model", "year", "quantity", "specifications", "leaseAvailable"],
  organisation: ["id", "name", "kind"],
} as const satisfies Record<string, readonly string[]>;
type NestedField = keyof typeof NESTED;

const TOP_FIELDS = [
  "externalRef", "type", "language", "title", "summary", "description", "advantages", "applications", "keywords", "sectors",
  "province", "country", "trl", "ipStatus", "ipNumbers", "transferObjects", "partnerSought", "transferModes", "price",
  "equipment", "problemStatement", "minTrl", "budget", "deadline", "preferredProvinces", "confidentialDetails", "organisation",
  // Accepted as another name for a request's transferModes (the demo catalogue uses it); never exported.
  "wantedTransferModes",
] as const;

/** CSV columns in export order: nested fields flattened with ".". */
export const CSV_COLUMNS: readonly string[] = TOP_FIELDS.filter((f) => f !== "wantedTransferModes").flatMap((f) =>
  f in NESTED ? NESTED[f as NestedField].map((n) => `${f}.${n}`) : [f],
);
const CSV_ACCEPTED = new Set([...CSV_COLUMNS, "wantedTransferModes"]);
/** A CSV without these columns is refused whole. */
export const REQUIRED_CSV_COLUMNS = ["externalRef", "type", "language", "title", "summary", "sectors"] as const;

const LIST_FIELDS = new Set(["keywords", "sectors", "ipNumbers", "transferObjects", "transferModes", "wantedTransferModes", "preferredProvinces"]);

/** Fields that belong to some listing types only; a value given for another type is an error, not silently dropped. */
const FIELD_TYPES: Record<string, readonly ListingTypeName[]> = {
  trl: ["TECHNOLOGY_OFFER"],
  ipStatus: ["TECHNOLOGY_OFFER"],
  ipNumbers: ["TECHNOLOGY_OFFER"],
  transferObjects: ["TECHNOLOGY_OFFER"],
  partnerSought: ["TECHNOLOGY_OFFER"],
  price: ["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER"],
  equipment: ["EQUIPMENT_OFFER"],
  problemStatement: ["TECHNOLOGY_REQUEST"],
  minTrl: ["TECHNOLOGY_REQUEST"],
  budget: ["TECHNOLOGY_REQUEST"],
  deadline: ["TECHNOLOGY_REQUEST"],
  preferredProvinces: ["TECHNOLOGY_REQUEST"],
  wantedTransferModes: ["TECHNOLOGY_REQUEST"],
};

/** listingSchema's flat names → the file's names, so a reason points at the column a person edits. */
const FILE_FIELD: Record<string, string> = {
  sectorCodes: "sectors",
  provinceCode: "province",
  countryCode: "country",
  priceType: "price.type",
  priceMin: "price.min",
  priceMax: "price.max",
  currency: "price.currency",
  budgetMin: "budget.min",
  budgetMax: "budget.max",
  budgetCurrency: "budget.currency",
  condition: "equipment.condition",
  manufacturer: "equipment.manufacturer",
  model: "equipment.model",
  manufactureYear: "equipment.year",
  quantity: "equipment.quantity",
  specifications: "equipment.specifications",
  leaseAvailable: "equipment.leaseAvailable",
  preferredProvinceCodes: "preferredProvinces",
};

// ───────────────────────────── parsing a file ─────────────────────────────

export interface CatalogueRow {
  line: number;
  /** A JSON object in the import format (CSV rows are unflattened into the same shape). */
  data: unknown;
  /** Problems found while reading the row itself (CSV column count). */
  errors: ImportRowError[];
}
export type ParsedCatalogue = { ok: true; format: ImportFormat; rows: CatalogueRow[] } | { ok: false; format: ImportFormat | null; refused: ImportMessage };

const refuse = (format: ImportFormat | null, message: string, values?: MessageValues): ParsedCatalogue => ({ ok: false, format, refused: { message, values } });

export function formatOf(fileName: string): ImportFormat | null {
  const ext = /\.([a-z]+)$/i.exec(fileName.trim())?.[1]?.toLowerCase();
  return ext === "json" || ext === "csv" ? ext : null;
}

/** UTF-8 text of an uploaded file, or null when the bytes are not UTF-8. */
export function decodeCatalogue(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** Reads a JSON or CSV catalogue into rows, or refuses the file whole. */
export function parseCatalogue(fileName: string, content: string): ParsedCatalogue {
  const format = formatOf(fileName);
  if (!format) return refuse(null, "import.refused.unknownFormat");
  if (Buffer.byteLength(content, "utf8") > IMPORT_LIMITS.bytes) return refuse(format, "import.refused.tooLarge", { max: IMPORT_LIMITS.bytes / 1_000_000 });
  const text = content.replace(/^\uFEFF/, "");
  const parsed = format === "json" ? parseJson(text) : parseCsvText(text);
  if (!parsed.ok) return parsed;
  if (parsed.rows.length === 0) return refuse(format, "import.refused.empty");
  if (parsed.rows.length > IMPORT_LIMITS.rows) return refuse(format, "import.refused.tooManyRows", { max: IMPORT_LIMITS.rows, count: parsed.rows.length });
  return parsed;
}

function parseJson(text: string): ParsedCatalogue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse("json", "import.refused.invalidJson", { detail: (error as Error).message });
  }
  if (!Array.isArray(value)) return refuse("json", "import.refused.notArray");
  return { ok: true, format: "json", rows: value.map((data, index) => ({ line: index + 1, data, errors: [] })) };
}

function parseCsvText(text: string): ParsedCatalogue {
  // One line ending, so csv-parse's line count is the physical line number.
  const normalised = text.replace(/\r\n?/g, "\n");
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parseCsv(normalised, {
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    return refuse("csv", "import.refused.invalidCsv", { line: e.lines ?? 0, detail: e.message });
  }
  const [head, ...body] = records;
  if (!head) return refuse("csv", "import.refused.empty");
  const header = head.record.map((c) => c.trim());
  const seen = new Set<string>();
  const duplicates = header.filter((c) => (seen.has(c) ? true : (seen.add(c), false)));
  if (duplicates.length) return refuse("csv", "import.refused.duplicateColumns", { columns: [...new Set(duplicates)].join(", ") });
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length) return refuse("csv", "import.refused.missingColumns", { columns: missing.join(", ") });
  const unknown = header.filter((c) => c && !CSV_ACCEPTED.has(c));
  if (unknown.length) return refuse("csv", "import.refused.unknownColumns", { columns: unknown.join(", ") });

  const rows = body.map(({ record, raw, info }): CatalogueRow => {
    // info.lines is where the record ends; a quoted field may span lines.
    const line = info.lines - (raw.replace(/^\n+/, "").replace(/\n$/, "").match(/\n/g)?.length ?? 0);
    const errors: ImportRowError[] =
      record.length === header.length ? [] : [{ field: "", message: "import.errors.columnCount", values: { expected: header.length, got: record.length } }];
    return { line, data: unflatten(header, record), errors };
  });
  return { ok: true, format: "csv", rows };
}

/**
 * A CSV record as the JSON shape: "price.min" → { price: { min } }, lists split on ";", empty cells left out.
 * A cell our export guarded against formulas ('=…) reads back as the text it was.
 */
function unflatten(header: string[], record: string[]) {
  const out: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const trimmed = record[i]?.trim();
    const cell = trimmed && readSpreadsheetCell(trimmed);
    if (!column || !cell) return;
    const value = LIST_FIELDS.has(column) ? splitList(cell) : cell;
    const [top, sub] = column.split(".") as [string, string | undefined];
    if (sub === undefined) out[top] = value;
    else out[top] = { ...(out[top] as Record<string, unknown> | undefined), [sub]: value };
  });
  return out;
}

const splitList = (text: string) =>
  text
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);

// ───────────────────────────── provinces ─────────────────────────────

/** Lower case, no diacritics (NFD, đ → d), punctuation as spaces: "TP. Hồ Chí Minh" → "tp ho chi minh". */
export function foldName(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export type ProvinceIndex = (name: string) => string | null;

/** Resolves a province written as a code, a name with or without diacritics, an alias or a pre-2025 province. */
export async function loadProvinceIndex(db: Tx | typeof prisma = prisma): Promise<ProvinceIndex> {
  const provinces = await db.province.findMany({ select: { code: true, nameVi: true, shortNameVi: true, nameEn: true, aliases: true, formerProvinces: true } });
  const byName = new Map<string, string>();
  // Earlier spellings win: a current name is never shadowed by another unit's former name.
  const spellings = [
    (p: (typeof provinces)[number]) => [p.shortNameVi, p.nameVi, p.nameEn],
    (p: (typeof provinces)[number]) => p.aliases,
    (p: (typeof provinces)[number]) => p.formerProvinces,
  ];
  for (const spelling of spellings) {
    for (const p of provinces) for (const name of spelling(p)) if (!byName.has(foldName(name))) byName.set(foldName(name), p.code);
  }
  const codes = new Set(provinces.map((p) => p.code));
  return (name) => {
    const text = name.trim();
    if (/^\d{1,2}$/.test(text)) return codes.has(text.padStart(2, "0")) ? text.padStart(2, "0") : null;
    const folded = foldName(text);
    return byName.get(folded) ?? byName.get(folded.replace(/^(tinh|thanh pho|tp)\s+/, "")) ?? null;
  };
}

// ───────────────────────────── reading one row ─────────────────────────────

interface OrganisationRef {
  id?: string;
  name?: string;
  kind?: z.infer<typeof organisationSchema.shape.kind>;
}

export interface ReadRow {
  externalRef: string | null;
  organisation: OrganisationRef | null;
  input: ListingInput | null;
  errors: ImportRowError[];
}

const isBlank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === "string" && v.trim() === "") ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.values(v).every((x) => x === undefined || x === null || x === ""));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Turns one row of the import format into listingSchema's flat input and validates it. */
export function readRow(data: unknown, provinceOf: ProvinceIndex): ReadRow {
  const errors: ImportRowError[] = [];
  const fail = (field: string, message: string, values?: MessageValues) => {
    errors.push({ field, message, ...(values ? { values } : {}) });
    return undefined;
  };
  if (!isPlainObject(data)) return { externalRef: null, organisation: null, input: null, errors: [{ field: "", message: "import.errors.notObject" }] };

  const text = (field: string, v: unknown): string | undefined => {
    if (isBlank(v)) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "bigint") return String(v);
    return fail(field, "import.errors.notText");
  };
  const code = (field: string, v: unknown) => text(field, v)?.trim().toUpperCase().replace(/[\s-]+/g, "_");
  const list = (field: string, v: unknown, item = text): string[] | undefined => {
    if (isBlank(v)) return undefined;
    if (typeof v === "string") return splitList(v).map((s) => item(field, s) ?? "");
    if (!Array.isArray(v)) return fail(field, "import.errors.notList");
    return v.map((x) => item(field, x)).filter((x): x is string => x !== undefined);
  };
  const bool = (field: string, v: unknown): boolean | undefined => {
    if (isBlank(v)) return undefined;
    if (typeof v === "boolean") return v;
    const folded = foldName(String(v));
    if (["true", "1", "yes", "y", "co", "x"].includes(folded)) return true;
    if (["false", "0", "no", "n", "khong"].includes(folded)) return false;
    return fail(field, "import.errors.boolean");
  };
  const nested = (field: NestedField): Record<string, unknown> => {
    const v = data[field];
    if (isBlank(v)) return {};
    if (!isPlainObject(v)) return fail(field, "import.errors.notObject") ?? {};
    for (const key of Object.keys(v)) if (!(NESTED[field] as readonly string[]).includes(key)) fail(`${field}.${key}`, "import.errors.unknownField");
    return v;
  };
  const province = (field: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    return provinceOf(v) ?? fail(field, "import.errors.unknownProvince", { value: v });
  };

  for (const key of Object.keys(data)) if (!(TOP_FIELDS as readonly string[]).includes(key)) fail(key, "import.errors.unknownField");

  const externalRef = text("externalRef", data.externalRef)?.trim() ?? null;
  if (!externalRef) fail("externalRef", "import.errors.externalRefRequired");
  else if (externalRef.length > IMPORT_LIMITS.externalRef) fail("externalRef", "errors.tooLong");

  const type = code("type", data.type);
  if (type && (["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER", "TECHNOLOGY_REQUEST"] as string[]).includes(type)) {
    for (const [field, types] of Object.entries(FIELD_TYPES)) {
      if (!isBlank(data[field]) && !types.includes(type as ListingTypeName)) fail(field, "import.errors.fieldNotForType", { type });
    }
  }

  const price = nested("price");
  const budget = nested("budget");
  const equipment = nested("equipment");
  const organisation = readOrganisation(typeof data.organisation === "string" ? {} : nested("organisation"), data.organisation, fail);

  const candidate = {
    type,
    language: text("language", data.language),
    title: text("title", data.title),
    summary: text("summary", data.summary),
    description: text("description", data.description),
    advantages: text("advantages", data.advantages),
    applications: text("applications", data.applications),
    keywords: list("keywords", data.keywords),
    sectorCodes: list("sectors", data.sectors)?.map((s) => s.trim()),
    provinceCode: province("province", text("province", data.province)),
    countryCode: text("country", data.country),
    transferModes: list("transferModes", data.transferModes ?? data.wantedTransferModes, code),
    confidentialDetails: text("confidentialDetails", data.confidentialDetails),
    trl: text("trl", data.trl),
    ipStatus: code("ipStatus", data.ipStatus),
    ipNumbers: list("ipNumbers", data.ipNumbers),
    transferObjects: list("transferObjects", data.transferObjects, code),
    partnerSought: text("partnerSought", data.partnerSought),
    priceType: code("price.type", price.type),
    priceMin: text("price.min", price.min),
    priceMax: text("price.max", price.max),
    currency: code("price.currency", price.currency),
    condition: code("equipment.condition", equipment.condition),
    manufacturer: text("equipment.manufacturer", equipment.manufacturer),
    model: text("equipment.model", equipment.model),
    manufactureYear: text("equipment.year", equipment.year),
    quantity: text("equipment.quantity", equipment.quantity),
    specifications: readSpecifications(equipment.specifications, fail),
    leaseAvailable: bool("equipment.leaseAvailable", equipment.leaseAvailable),
    problemStatement: text("problemStatement", data.problemStatement),
    minTrl: text("minTrl", data.minTrl),
    budgetMin: text("budget.min", budget.min),
    budgetMax: text("budget.max", budget.max),
    budgetCurrency: code("budget.currency", budget.currency),
    deadline: readDeadline(text("deadline", data.deadline)),
    // Former provinces merged into one unit map to the same code; keep it once.
    preferredProvinceCodes: unique(list("preferredProvinces", data.preferredProvinces)?.map((p) => province("preferredProvinces", p) ?? "")),
  };

  const result = listingSchema.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "");
      const field = FILE_FIELD[key] ?? key;
      // An unknown province was reported once already, by name.
      if (errors.some((e) => e.field === field)) continue;
      fail(field, issue.message);
    }
  }
  return { externalRef, organisation, input: result.success && errors.length === 0 ? result.data : null, errors: dedupe(errors) };
}

const unique = <T>(items: T[] | undefined) => (items ? [...new Set(items)] : undefined);

function dedupe(errors: ImportRowError[]) {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

type Fail = (field: string, message: string, values?: MessageValues) => undefined;

function readOrganisation(fields: Record<string, unknown>, raw: unknown, fail: Fail): OrganisationRef | null {
  // "organisation": "Name" is accepted as the name alone.
  const source = typeof raw === "string" ? { name: raw } : fields;
  const ref: OrganisationRef = {};
  if (!isBlank(source.id)) ref.id = String(source.id).trim();
  if (!isBlank(source.name)) {
    const name = organisationSchema.shape.name.safeParse(source.name);
    if (name.success) ref.name = name.data;
    else fail("organisation.name", name.error.issues[0]?.message ?? "errors.required");
  }
  if (!isBlank(source.kind)) {
    const kind = organisationSchema.shape.kind.safeParse(String(source.kind).trim().toUpperCase().replace(/[\s-]+/g, "_"));
    if (kind.success) ref.kind = kind.data;
    else fail("organisation.kind", "errors.chooseOne");
  }
  return ref.id || ref.name ? ref : null;
}

/** An object, JSON object text, or "Key: value" pairs separated by ";" or new lines. */
function readSpecifications(v: unknown, fail: Fail): Record<string, unknown> | undefined {
  if (isBlank(v)) return undefined;
  if (isPlainObject(v)) return v;
  if (typeof v !== "string") return fail("equipment.specifications", "import.errors.specifications");
  const text = v.trim();
  if (text.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // reported below
    }
    return fail("equipment.specifications", "import.errors.specifications");
  }
  const out: Record<string, string> = {};
  for (const pair of text.split(/[;\n]/)) {
    if (!pair.trim()) continue;
    const at = pair.indexOf(":");
    if (at <= 0) return fail("equipment.specifications", "import.errors.specifications");
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

/** A date alone is that day in Vietnam (00:00 +07:00), as the demo catalogue is loaded. */
function readDeadline(v: string | undefined): Date | string | undefined {
  if (v === undefined) return undefined;
  const text = v.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00+07:00`) : text;
}

// ───────────────────────────── importing ─────────────────────────────

/** Raised inside a row's transaction to roll it back with the row's reasons. */
class RowFailure extends Error {
  constructor(readonly errors: ImportRowError[]) {
    super("import row failed");
  }
}

const rowFailure = (field: string, message: string, values?: MessageValues) => new RowFailure([{ field, message, ...(values ? { values } : {}) }]);

export interface ImportOptions {
  fileName: string;
  content: string;
  /** The organisation of rows that name none. */
  defaultOrganisationId?: string;
}

/**
 * Imports a catalogue for a broker or admin: each good row becomes a PUBLISHED
 * listing (the broker's import is its moderation), each bad row is reported by line.
 */
export async function importCatalogue(actor: Actor, options: ImportOptions): Promise<ImportReport> {
  requireImporter(actor);
  const { fileName } = options;
  const parsed = parseCatalogue(fileName, options.content);
  const empty = { fileName, total: 0, created: 0, updated: 0, unchanged: 0, failed: 0, rows: [], importRunId: null };
  if (!parsed.ok) return { ...empty, format: parsed.format, refused: parsed.refused };
  const defaultOrganisationId = options.defaultOrganisationId?.trim() || undefined;
  if (defaultOrganisationId && !(await prisma.organisation.count({ where: { id: defaultOrganisationId } }))) {
    return { ...empty, format: parsed.format, refused: { message: "import.refused.unknownOrganisation" } };
  }

  const provinceOf = await loadProvinceIndex();
  const firstLine = new Map<string, number>();
  const rows: ImportRowReport[] = [];
  for (const row of parsed.rows) {
    const read = readRow(row.data, provinceOf);
    const report = (status: ImportRowStatus, errors: ImportRowError[] = []): ImportRowReport => ({ line: row.line, externalRef: read.externalRef, status, errors });
    const errors = [...row.errors, ...read.errors];
    if (errors.length || !read.input || !read.externalRef) {
      rows.push(report("failed", errors));
      continue;
    }
    // The same reference twice in one file would make the second row silently overwrite the first.
    const owner = read.organisation ? `id:${read.organisation.id ?? ""}|name:${read.organisation.name ?? ""}` : `default:${defaultOrganisationId ?? ""}`;
    const key = `${owner}\u0000${read.externalRef}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      rows.push(report("failed", [{ field: "externalRef", message: "import.errors.duplicateRef", values: { line: earlier } }]));
      continue;
    }
    firstLine.set(key, row.line);
    try {
      const status = await importRow(actor, { fileName, externalRef: read.externalRef, input: read.input, organisation: read.organisation, defaultOrganisationId });
      rows.push(report(status));
    } catch (error) {
      if (error instanceof RowFailure) rows.push(report("failed", error.errors));
      else if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        // Another import created the same reference between our read and our write.
        rows.push(report("failed", [{ field: "externalRef", message: "import.errors.concurrentImport" }]));
      } else {
        logger.error("import row failed unexpectedly", { fileName, line: row.line, err: error });
        rows.push(report("failed", [{ field: "", message: "import.errors.unexpected" }]));
      }
    }
  }
  const report = await recordRun(actor, { fileName, format: parsed.format, defaultOrganisationId, rows });
  if (report.created + report.updated >= ANALYZE_AFTER_ROWS) await analyzeAfterImport(fileName);
  return report;
}

/**
 * An import at least this large ends with ANALYZE: the listings it wrote are planned for at once
 * (search fallback, related listings, the next import's lookups) rather than after autovacuum's
 * next pass. Smaller imports leave it to autovacuum.
 */
const ANALYZE_AFTER_ROWS = 500;

async function analyzeAfterImport(fileName: string) {
  try {
    await analyzeCatalogueTables();
  } catch (error) {
    // The import is committed; stale statistics only slow queries until autovacuum analyses.
    logger.warn("could not analyse the catalogue after an import", { fileName, error: error instanceof Error ? error.message : String(error) });
  }
}

async function recordRun(actor: Actor, run: { fileName: string; format: ImportFormat; defaultOrganisationId?: string; rows: ImportRowReport[] }): Promise<ImportReport> {
  const count = (status: ImportRowStatus) => run.rows.filter((r) => r.status === status).length;
  const summary = { total: run.rows.length, created: count("created"), updated: count("updated"), unchanged: count("unchanged"), failed: count("failed") };
  const importRunId = await prisma.$transaction(async (tx) => {
    const created = await tx.importRun.create({
      data: {
        userId: actor.id,
        organisationId: run.defaultOrganisationId ?? null,
        format: run.format,
        fileName: run.fileName.slice(0, 255),
        totalRows: summary.total,
        createdCount: summary.created,
        updatedCount: summary.updated,
        failedCount: summary.failed,
        report: JSON.parse(JSON.stringify(run.rows)),
      },
      select: { id: true },
    });
    await recordAudit({ actorId: actor.id, action: "listing.import", entityType: "ImportRun", entityId: created.id, data: { fileName: run.fileName, ...summary } }, tx);
    return created.id;
  });
  return { importRunId, fileName: run.fileName, format: run.format, refused: null, ...summary, rows: run.rows };
}

interface RowToImport {
  fileName: string;
  externalRef: string;
  input: ListingInput;
  organisation: OrganisationRef | null;
  defaultOrganisationId?: string;
}

/** Writes one row in its own transaction: all of it, or (by throwing) nothing. */
async function importRow(actor: Actor, row: RowToImport): Promise<Exclude<ImportRowStatus, "failed">> {
  return prisma.$transaction(async (tx) => {
    const organisationId = await resolveOrganisation(tx, actor, row);
    const referenceErrors = await validateReferences(row.input, tx);
    if (Object.keys(referenceErrors).length) {
      throw new RowFailure(Object.entries(referenceErrors).flatMap(([key, messages]) => messages.map((message) => ({ field: FILE_FIELD[key] ?? key, message }))));
    }
    const existing = await tx.listing.findFirst({
      // A listing made in the app has no externalRef; its export uses the id, so that re-imports onto it.
      where: { organisationId, OR: [{ externalRef: row.externalRef }, { externalRef: null, id: row.externalRef }] },
      orderBy: { externalRef: { sort: "asc", nulls: "last" } },
      include: { sectors: { select: { sectorCode: true } }, confidential: { select: { details: true } } },
    });
    const data = listingData(row.input);
    const now = new Date();
    // Every imported or updated row is published: its event and its search-outbox job commit with it.
    const event = async (listingId: string, fromStatus: ListingStatus | null) => {
      await tx.listingEvent.create({ data: { listingId, kind: "IMPORTED", fromStatus, toStatus: "PUBLISHED", actorId: actor.id, reason: `import ${row.fileName}`.slice(0, 500) } });
      await enqueueListingSync(tx, listingId);
    };

    if (!existing) {
      const created = await tx.listing.create({
        data: { ...data, status: "PUBLISHED", organisationId, createdById: actor.id, externalRef: row.externalRef, submittedAt: now, publishedAt: now, expiresAt: expiryFrom(now) },
        select: { id: true },
      });
      await writeListingChildren(tx, created.id, row.input);
      await event(created.id, null);
      return "created";
    }
    if (existing.type !== row.input.type) throw rowFailure("type", "errors.typeFixed");
    if (sameContent(existing, data, row.input)) return "unchanged";
    if (existing.status === "ARCHIVED") throw rowFailure("externalRef", "import.errors.archived");
    const republish = existing.status !== "PUBLISHED";
    const { count } = await tx.listing.updateMany({
      where: { id: existing.id, version: existing.version },
      data: {
        ...data,
        // listingData leaves specifications undefined when there are none, which Prisma reads as "keep".
        specifications: data.specifications,
        externalRef: row.externalRef,
        status: "PUBLISHED",
        version: { increment: 1 },
        ...(republish ? { submittedAt: existing.submittedAt ?? now, publishedAt: existing.publishedAt ?? now, expiresAt: expiryFrom(now) } : {}),
      },
    });
    if (count === 0) throw rowFailure("externalRef", "errors.staleListing");
    await writeListingChildren(tx, existing.id, row.input);
    // The import replaced the text an owner's pending edit was based on.
    await tx.listingRevision.updateMany({ where: { listingId: existing.id, status: "PENDING" }, data: { status: "WITHDRAWN", decidedAt: now } });
    await event(existing.id, existing.status);
    return "updated";
  });
}

/** The row's organisation: by id, else by exact name (created when missing), else the default. */
async function resolveOrganisation(tx: Tx, actor: Actor, row: RowToImport): Promise<string> {
  const ref = row.organisation;
  if (!ref) {
    if (row.defaultOrganisationId) return row.defaultOrganisationId;
    throw rowFailure("organisation.name", "import.errors.organisationRequired");
  }
  const found = await findOrCreateOrganisation(tx, actor, ref);
  if (found.ok) return found.id;
  if (found.reason === "unknown-id") throw rowFailure("organisation.id", "import.errors.unknownOrganisation");
  throw rowFailure("organisation.kind", "import.errors.organisationKindRequired", { name: ref.name ?? "" });
}

type StoredListing = Listing & { sectors: { sectorCode: string }[]; confidential: { details: string } | null };

/** Whether writing the row would change nothing that is stored. */
function sameContent(existing: StoredListing, data: ReturnType<typeof listingData>, input: ListingInput): boolean {
  const stored = existing as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (canonical(stored[key]) !== canonical(value)) return false;
  }
  const sectors = (codes: string[]) => canonical([...new Set(codes)].sort());
  if (sectors(existing.sectors.map((s) => s.sectorCode)) !== sectors(input.sectorCodes)) return false;
  return (existing.confidential?.details ?? null) === (input.confidentialDetails ?? null);
}

/** A comparable text for stored and incoming values: bigint, dates, JSON with keys in any order. */
function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === null || v === Prisma.DbNull || v === Prisma.JsonNull) return null;
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(norm);
    if (typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(norm(value));
}

/** Throws 403 unless the actor may import (brokers and admins). */
export function requireImporter(actor: Actor | null): asserts actor is Actor {
  if (!holds(actor, "listing:import:any")) throw forbidden();
}

/** Organisations a broker can pick as the default for rows that name none. */
export async function listImportOrganisations(actor: Actor) {
  requireImporter(actor);
  return prisma.organisation.findMany({ orderBy: { name: "asc" }, take: 2_000, select: { id: true, name: true, kind: true } });
}

// ───────────────────────────── exporting ─────────────────────────────

export interface ExportOptions {
  format: ImportFormat;
  organisationId?: string;
  status?: ListingStatus;
}

/**
 * The listings an actor may read, in the import format, so that an export
 * imports again cleanly (every row "unchanged"). CSV is written by toCsv: a UTF-8
 * BOM so that spreadsheet programs read the Vietnamese text correctly, and text that
 * a spreadsheet would run as a formula guarded with a leading quote.
 */
export async function exportListings(actor: Actor, options: ExportOptions): Promise<string> {
  const scope = scopeOf(actor, "listing:read");
  const listings = await prisma.listing.findMany({
    where: {
      AND: [scope ? listingScopeWhere(scope) : { id: { in: [] } }, options.organisationId ? { organisationId: options.organisationId } : {}, options.status ? { status: options.status } : {}],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      organisation: { select: { id: true, name: true, kind: true } },
      sectors: { select: { sectorCode: true }, orderBy: { sectorCode: "asc" } },
      confidential: { select: { details: true } },
    },
  });
  await recordAudit({ actorId: actor.id, action: "listing.export", entityType: "Listing", data: { format: options.format, count: listings.length, organisationId: options.organisationId ?? null, status: options.status ?? null } });
  const rows = listings.map(exportRow);
  if (options.format === "json") return `${JSON.stringify(rows, null, 2)}\n`;
  const records = rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row, column)));
  return toCsv([[...CSV_COLUMNS], ...records]);
}

type ExportedListing = Listing & { organisation: { id: string; name: string; kind: string }; sectors: { sectorCode: string }[]; confidential: { details: string } | null };

/** One listing as a row of the import format; empty fields are left out. */
function exportRow(l: ExportedListing): Record<string, unknown> {
  const num = (v: bigint | number | null) => (v === null ? undefined : typeof v === "bigint" ? Number(v) : v);
  const row: Record<string, unknown> = {
    externalRef: l.externalRef ?? l.id,
    type: l.type,
    language: l.language,
    title: l.title,
    summary: l.summary,
    description: l.description || undefined,
    advantages: l.advantages || undefined,
    applications: l.applications || undefined,
    keywords: l.keywords,
    sectors: l.sectors.map((s) => s.sectorCode),
    province: l.provinceCode ?? undefined,
    country: l.countryCode,
    transferModes: l.transferModes,
  };
  if (l.type === "TECHNOLOGY_OFFER") {
    Object.assign(row, { trl: l.trl ?? undefined, ipStatus: l.ipStatus ?? undefined, ipNumbers: l.ipNumbers, transferObjects: l.transferObjects, partnerSought: l.partnerSought ?? undefined });
  }
  if (l.type !== "TECHNOLOGY_REQUEST") {
    row.price = { type: l.priceType, min: num(l.priceMin), max: num(l.priceMax), currency: l.currency ?? undefined };
  }
  if (l.type === "EQUIPMENT_OFFER") {
    row.equipment = {
      condition: l.condition ?? undefined,
      manufacturer: l.manufacturer ?? undefined,
      model: l.model ?? undefined,
      year: l.manufactureYear ?? undefined,
      quantity: l.quantity ?? undefined,
      specifications: l.specifications ?? undefined,
      leaseAvailable: l.leaseAvailable ?? undefined,
    };
  }
  if (l.type === "TECHNOLOGY_REQUEST") {
    Object.assign(row, {
      problemStatement: l.problemStatement ?? undefined,
      minTrl: l.minTrl ?? undefined,
      budget: { min: num(l.budgetMin), max: num(l.budgetMax), currency: l.budgetCurrency ?? undefined },
      deadline: l.deadline ? exportDate(l.deadline) : undefined,
      preferredProvinces: l.preferredProvinceCodes,
    });
  }
  row.confidentialDetails = l.confidential?.details;
  row.organisation = { id: l.organisation.id, name: l.organisation.name, kind: l.organisation.kind };
  const leaveOutEmpty = (_key: string, value: unknown) =>
    (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.values(value).every((v) => v === undefined)) ? undefined : value;
  return JSON.parse(JSON.stringify(row, leaveOutEmpty));
}

/** The Vietnamese calendar day when the instant is midnight there (how a date alone is imported), else the full instant. */
function exportDate(date: Date): string {
  const local = new Date(date.getTime() + 7 * 60 * 60 * 1000);
  return local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0 && local.getUTCMilliseconds() === 0
    ? local.toISOString().slice(0, 10)
    : date.toISOString();
}

/** One cell of the CSV export: numbers (prices, TRL, year) as numbers, everything else as text for toCsv to guard. */
function csvCell(row: Record<string, unknown>, column: string): SpreadsheetValue {
  const [top, sub] = column.split(".") as [string, string | undefined];
  const value = sub === undefined ? row[top] : (row[top] as Record<string, unknown> | undefined)?.[sub];
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join("; ");
  if (column === "equipment.specifications") return specificationsText(value as Record<string, unknown>);
  return typeof value === "number" ? value : String(value);
}

/** "Key: value; Key: value" when that reads back the same, else JSON. */
function specificationsText(specs: Record<string, unknown>): string {
  const entries = Object.entries(specs).map(([k, v]) => [k, String(v)] as const);
  const plain = entries.every(([k, v]) => !/[:;\n]/.test(k) && !/[;\n]/.test(v) && k.trim() === k && v.trim() === v && v !== "");
  return plain ? entries.map(([k, v]) => `${k}: ${v}`).join("; ") : JSON.stringify(specs);
}
