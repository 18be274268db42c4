import { Link } from "@remix-run/react";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatCell } from "../format.ts";
import type { ReportTable } from "../tables.ts";

/** A dashboard table; the first cell of a row links to the rows behind it. */
export function ReportTableView({ table, locale, exportHref, exportLabel, caption = true }: { table: ReportTable; locale: Locale; exportHref?: string; exportLabel?: string; caption?: boolean }) {
  return (
    <div className="report-table" id={`table-${table.id}`}>
      <table className="table">
        {caption ? (
          <caption>
            {table.title}
            {exportHref ? (
              <>
                {" "}
                <a href={exportHref} className="report-table__export no-print" download>
                  {exportLabel}
                </a>
              </>
            ) : null}
          </caption>
        ) : null}
        <thead>
          <tr>
            {table.columns.map((c, i) => (
              <th key={i} scope="col" className={c.kind === "text" ? undefined : "num"}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              {row.cells.map((cell, i) => {
                const kind = row.kinds?.[i] ?? table.columns[i]!.kind;
                const text = formatCell(cell, kind, locale, row.currency);
                // The label links to the row's list; each figure to its own list (or the row's, in a two-column table).
                const link = row.cellHrefs?.[i] ?? (i === 0 || (row.cells.length === 2 && kind !== "text") ? row.href : undefined);
                const content = link ? <Link to={link}>{text}</Link> : text;
                return i === 0 ? (
                  <th key={i} scope="row">
                    {content}
                  </th>
                ) : (
                  // Text cells hold deal titles and organisation names.
                  <td key={i} className={kind === "text" ? undefined : "num"} dir={kind === "text" ? "auto" : undefined}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
