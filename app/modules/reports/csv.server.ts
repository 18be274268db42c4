import { toCsv, type SpreadsheetValue } from "~/lib/spreadsheet.ts";
import type { Cell, ColumnKind, ReportTable } from "./tables.ts";

const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(["count", "money", "percent", "hours"]);

/**
 * A figure is written as a number; everything else as text, which toCsv neutralises. Money
 * arrives as an exact decimal string (BigInt), and a net revenue can be negative: as text
 * it would get the formula guard's quote and stop being a number the sheet adds.
 */
function csvValue(cell: Cell, kind: ColumnKind | undefined): SpreadsheetValue {
  if (typeof cell === "string" && kind && NUMERIC_KINDS.has(kind) && /^-?\d+$/.test(cell)) return BigInt(cell);
  return cell;
}

/** One table as CSV (UTF-8 with a byte-order mark): a heading row, then raw values (money exact, percents as fractions). */
export function tableToCsv(table: ReportTable): string {
  const extra = table.currencyColumn;
  const header = [...table.columns.map((c) => c.label), ...(extra ? [extra] : [])];
  const rows = table.rows.map((r) => [...r.cells.map((c, i) => csvValue(c, r.kinds?.[i] ?? table.columns[i]?.kind)), ...(extra ? [r.currency ?? ""] : [])]);
  return toCsv([header, ...rows]);
}

export function csvResponse(fileName: string, body: string) {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
