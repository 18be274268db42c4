import { stringify } from "csv-stringify/sync";

/**
 * Every CSV we write goes through here, so that no cell a person typed is run as a
 * formula when the file is opened in Excel, LibreOffice or Google Sheets (OWASP "CSV
 * Injection"): `=HYPERLINK(…)` or `@SUM(…)` in a listing title must reach the sheet as
 * text. The importer reads such files back with `readSpreadsheetCell`, the exact inverse.
 */

/**
 * What a writer may put in a cell. Numbers and BigInts are figures we computed and are
 * written as numbers; every string is treated as text a person may have typed.
 */
export type SpreadsheetValue = string | number | bigint | boolean | null | undefined;

/**
 * Text a spreadsheet would take for a formula: one that starts with = + - @, tab or
 * carriage return (OWASP's list), or with a line feed (our importer reads a carriage
 * return as one), or with = + - @ after spaces or line breaks (LibreOffice trims them on
 * import when asked to); full-width ＝ ＋ － ＠ count too (Apple Numbers folds them). Leading quotes are part of the match so that a text that
 * already starts with quotes before such a character gets one more, and reads back
 * with exactly the quotes it had.
 */
const FORMULA_START = /^'*(?:[ \t\r\n]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r\n])/;
/** A cell we neutralised: one quote more than the text had, then what made it look like a formula. */
const NEUTRALISED = /^''*(?:[ \t\r\n]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r\n])/;

/**
 * A value as a cell that no spreadsheet evaluates: text that could start a formula gets
 * a leading `'` (what OWASP recommends; the importer drops it again). All text, even
 * "-5" or "+84 28 3822": a person typed it, and OWASP's rule has no exceptions to get
 * wrong. Numbers and BigInts are written as they are, so a negative amount or a falling
 * growth rate stays a number that SUM adds: a writer with a numeric column passes
 * numbers, not their text (see reports/csv.server.ts).
 */
export function spreadsheetCell(value: SpreadsheetValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A cell as written by `spreadsheetCell`, back to the text it came from. */
export function readSpreadsheetCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** Excel only reads a CSV as UTF-8 (and so shows Vietnamese correctly) when it starts with a byte-order mark. */
export const UTF8_BOM = "\uFEFF";

/**
 * Rows as CSV (RFC 4180: CRLF between records), after a byte-order mark. Every cell is
 * neutralised; a cell that starts with a quote (every neutralised one) is also put in
 * double quotes, as OWASP advises, and one holding a comma, a double quote or a line
 * break is quoted with its double quotes doubled.
 */
export function toCsv(rows: readonly (readonly SpreadsheetValue[])[]): string {
  const cells = rows.map((row) => row.map(spreadsheetCell));
  // quote_record_delimiter: with record_delimiter set, csv-stringify would quote a lone \n or \r no more, and a description's line break would end the record.
  return UTF8_BOM + stringify(cells, { record_delimiter: "\r\n", quote_record_delimiter: true, quoted_match: /^'/ });
}
