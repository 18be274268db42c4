import { stringify } from "csv-stringify/sync";
import type { ReportTable } from "./tables.ts";

/** Excel only reads a CSV as UTF-8 (and so shows Vietnamese correctly) when it starts with a byte-order mark. */
export const UTF8_BOM = "\uFEFF";

/** One table as CSV: a heading row, then raw values (BigInt money as exact decimal strings, percents as fractions). */
export function tableToCsv(table: ReportTable): string {
  const extra = table.currencyColumn;
  const header = [...table.columns.map((c) => c.label), ...(extra ? [extra] : [])];
  const rows = table.rows.map((r) => [...r.cells.map((c) => (c == null ? "" : c)), ...(extra ? [r.currency ?? ""] : [])]);
  return UTF8_BOM + stringify([header, ...rows], { record_delimiter: "\r\n" });
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
