/**
 * Server-rendered SVG charts: no script, readable in print (dark strokes,
 * patterns rather than colour alone tell series apart), and accessible — each
 * is role="img" with a <title> and <desc>, and carries its numbers as a table.
 */
import type { ReactNode } from "react";

export interface ChartDatum {
  label: string;
  value: number;
  href?: string;
}

export interface Series {
  name: string;
  values: number[];
}

const INK = "#1f2933";
const FILLS = ["url(#pattern-solid)", "url(#pattern-hatch)", "url(#pattern-dots)"];

/** Patterns shared by every chart on the page (an SVG's defs are visible document-wide). */
function Patterns({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={`${id}-solid`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#2b6c8f" />
      </pattern>
      <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#f3c969" />
        <line x1="0" y1="0" x2="0" y2="6" stroke={INK} strokeWidth="2" />
      </pattern>
      <pattern id={`${id}-dots`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#b9dfc4" />
        <circle cx="3" cy="3" r="1.3" fill={INK} />
      </pattern>
    </defs>
  );
}

const fillFor = (id: string, i: number) => FILLS[i % FILLS.length]!.replace("#pattern", `#${id}`);

function niceMax(value: number) {
  if (value <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function Frame({ id, title, description, width, height, children, table, tableLabel }: { id: string; title: string; description: string; width: number; height: number; children: ReactNode; table: ReactNode; tableLabel: string }) {
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart__caption">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart__svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <Patterns id={id} />
        {children}
      </svg>
      <details className="chart__data">
        <summary>{tableLabel}</summary>
        {table}
      </details>
    </figure>
  );
}

function DataTable({ headers, rows }: { headers: string[]; rows: (string | number)[][] }) {
  return (
    <table className="table table--compact">
      <thead>
        <tr>
          {headers.map((h, i) => (
            <th key={i} scope="col" className={i ? "num" : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) =>
              j === 0 ? (
                <th key={j} scope="row">
                  {c}
                </th>
              ) : (
                <td key={j} className="num">
                  {c}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Horizontal bars, one per category, largest first as given. */
export function BarChart(props: { id: string; title: string; description: string; data: ChartDatum[]; valueHeader: string; categoryHeader: string; tableLabel: string; format: (n: number) => string; emptyText: string }) {
  const { id, data, format } = props;
  const labelWidth = 210;
  const barArea = 340;
  const rowHeight = 24;
  const width = labelWidth + barArea + 70;
  const height = Math.max(1, data.length) * rowHeight + 10;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  return (
    <Frame
      {...props}
      width={width}
      height={height}
      table={<DataTable headers={[props.categoryHeader, props.valueHeader]} rows={data.map((d) => [d.label, format(d.value)])} />}
    >
      {data.length === 0 ? (
        <text x={10} y={20} fill={INK} fontSize="13">
          {props.emptyText}
        </text>
      ) : null}
      {data.map((d, i) => {
        const y = 5 + i * rowHeight;
        const w = max ? (d.value / max) * barArea : 0;
        const bar = (
          <g key={d.label + i}>
            <text x={labelWidth - 8} y={y + 16} textAnchor="end" fontSize="12" fill={INK}>
              <title>{d.label}</title>
              {truncate(d.label, 30)}
            </text>
            <rect x={labelWidth} y={y + 3} width={Math.max(w, d.value > 0 ? 1 : 0)} height={rowHeight - 8} fill={fillFor(id, 0)} stroke={INK} strokeWidth="0.75" />
            <text x={labelWidth + w + 6} y={y + 16} fontSize="12" fill={INK}>
              {format(d.value)}
            </text>
          </g>
        );
        return d.href ? (
          <a key={d.label + i} href={d.href}>
            {bar}
          </a>
        ) : (
          bar
        );
      })}
    </Frame>
  );
}

/** Columns per month, one column per series side by side, with a legend. */
export function MonthlyColumns(props: { id: string; title: string; description: string; months: string[]; monthLabels: string[]; series: Series[]; monthHeader: string; tableLabel: string; format: (n: number) => string }) {
  const { id, months, monthLabels, series, format } = props;
  const left = 44;
  const top = 28;
  const plotHeight = 200;
  const groupWidth = Math.max(28, Math.min(60, Math.floor(640 / Math.max(1, months.length))));
  const width = left + months.length * groupWidth + 16;
  const height = top + plotHeight + 40;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const columnWidth = (groupWidth - 8) / Math.max(1, series.length);
  const showEvery = months.length > 24 ? Math.ceil(months.length / 12) : 1;
  return (
    <Frame
      {...props}
      width={Math.max(width, 320)}
      height={height}
      table={<DataTable headers={[props.monthHeader, ...series.map((s) => s.name)]} rows={months.map((_, i) => [monthLabels[i]!, ...series.map((s) => format(s.values[i] ?? 0))])} />}
    >
      {series.map((s, k) => (
        <g key={s.name} transform={`translate(${left + k * 150}, 4)`}>
          <rect width="14" height="14" fill={fillFor(id, k)} stroke={INK} strokeWidth="0.75" />
          <text x="20" y="12" fontSize="12" fill={INK}>
            {s.name}
          </text>
        </g>
      ))}
      {ticks.map((tick) => {
        const y = top + plotHeight - (tick / max) * plotHeight;
        return (
          <g key={tick}>
            <line x1={left} x2={width - 8} y1={y} y2={y} stroke="#9aa5b1" strokeWidth="0.5" strokeDasharray={tick ? "3 3" : undefined} />
            <text x={left - 6} y={y + 4} textAnchor="end" fontSize="10" fill={INK}>
              {format(tick)}
            </text>
          </g>
        );
      })}
      {months.map((month, i) => {
        const x = left + i * groupWidth + 4;
        return (
          <g key={month}>
            {series.map((s, k) => {
              const v = s.values[i] ?? 0;
              const h = (v / max) * plotHeight;
              return (
                <rect key={s.name} x={x + k * columnWidth} y={top + plotHeight - h} width={columnWidth - 1} height={h} fill={fillFor(id, k)} stroke={INK} strokeWidth="0.75">
                  <title>{`${monthLabels[i]}: ${s.name} ${format(v)}`}</title>
                </rect>
              );
            })}
            {i % showEvery === 0 ? (
              <text x={x + (groupWidth - 8) / 2} y={top + plotHeight + 16} textAnchor="middle" fontSize="10" fill={INK}>
                {monthLabels[i]}
              </text>
            ) : null}
          </g>
        );
      })}
    </Frame>
  );
}

/** The deal funnel: one centred bar per stage, widths proportional to the count. */
export function Funnel(props: { id: string; title: string; description: string; data: ChartDatum[]; stageHeader: string; valueHeader: string; tableLabel: string; format: (n: number) => string }) {
  const { id, data, format } = props;
  const width = 620;
  const labelWidth = 170;
  const area = width - labelWidth - 60;
  const rowHeight = 30;
  const height = data.length * rowHeight + 10;
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <Frame {...props} width={width} height={height} table={<DataTable headers={[props.stageHeader, props.valueHeader]} rows={data.map((d) => [d.label, format(d.value)])} />}>
      {data.map((d, i) => {
        const w = (d.value / max) * area;
        const y = 5 + i * rowHeight;
        const x = labelWidth + (area - w) / 2;
        const bar = (
          <g key={d.label}>
            <text x={labelWidth - 8} y={y + 18} textAnchor="end" fontSize="12" fill={INK}>
              {d.label}
            </text>
            <rect x={x} y={y + 2} width={Math.max(w, d.value ? 1 : 0)} height={rowHeight - 6} fill={fillFor(id, i % 2)} stroke={INK} strokeWidth="0.75" />
            <text x={labelWidth + area + 8} y={y + 18} fontSize="12" fill={INK}>
              {format(d.value)}
            </text>
          </g>
        );
        return d.href ? (
          <a key={d.label} href={d.href}>
            {bar}
          </a>
        ) : (
          bar
        );
      })}
    </Frame>
  );
}
