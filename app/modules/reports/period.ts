import { z } from "zod";

/**
 * A reporting period: whole days in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7 all
 * year, no daylight saving). `from` and `to` are both inclusive dates; the
 * instants are [start, end) with `end` the midnight after `to` in Hanoi.
 */
export interface Period {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

export const VN_TIME_ZONE = "Asia/Ho_Chi_Minh";
const VN_OFFSET = "+07:00";
const DAY_MS = 24 * 60 * 60 * 1000;
/** A period longer than this is almost certainly a typo (and would make monthly charts unreadable). */
export const MAX_PERIOD_DAYS = 366 * 10;

/** Today's date in Vietnam, "YYYY-MM-DD". */
export function vnToday(now = new Date()) {
  return new Date(now.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function vnYear(now = new Date()) {
  return Number(vnToday(now).slice(0, 4));
}

/** The instant a Vietnamese calendar day starts. */
export function vnDayStart(date: string) {
  return new Date(`${date}T00:00:00.000${VN_OFFSET}`);
}

function isRealDate(value: string) {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A calendar date, "YYYY-MM-DD", that exists. */
export const vnDateField = z.string().trim().superRefine((value, ctx) => {
  // One message per field: the first rule a value breaks.
  const message = !/^\d{4}-\d{2}-\d{2}$/.test(value)
    ? "reports.errors.dateFormat"
    : !isRealDate(value)
      ? "reports.errors.dateInvalid"
      : value < "2000-01-01" || value > "2100-12-31"
        ? "reports.errors.dateRange"
        : null;
  if (message) ctx.addIssue({ code: "custom", message });
});

const blankAsUnset = (v: unknown) => (v === "" || v === null ? undefined : v);

/** Query parameters `from`, `to` (YYYY-MM-DD) or `year`; with none, this calendar year in Vietnam. */
export const periodSchema = z
  .object({
    from: z.preprocess(blankAsUnset, vnDateField.optional()),
    to: z.preprocess(blankAsUnset, vnDateField.optional()),
    year: z.preprocess(blankAsUnset, z.coerce.number({ invalid_type_error: "reports.errors.year" }).int("reports.errors.year").min(2000, "reports.errors.year").max(2100, "reports.errors.year").optional()),
  })
  .superRefine((v, ctx) => {
    // Compare only two real dates: a broken one already has its own message.
    if (!v.from || !v.to || !isRealDate(v.from) || !isRealDate(v.to)) return;
    if (v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "reports.errors.toBeforeFrom" });
    if (v.from && v.to && (vnDayStart(v.to).getTime() - vnDayStart(v.from).getTime()) / DAY_MS >= MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "reports.errors.tooLong" });
    }
  });

export type PeriodInput = z.input<typeof periodSchema>;

export function yearPeriod(year: number): Period {
  return makePeriod(`${year}-01-01`, `${year}-12-31`);
}

export function makePeriod(from: string, to: string): Period {
  const start = vnDayStart(from);
  const end = new Date(vnDayStart(to).getTime() + DAY_MS);
  return { from, to, start, end };
}

/** Resolves parsed parameters: a missing `from` is 1 January of `to`'s (or this) year, a missing `to` is 31 December of `from`'s. */
export function resolvePeriod(value: z.output<typeof periodSchema>, now = new Date()): Period {
  if (value.year && !value.from && !value.to) return yearPeriod(value.year);
  const year = value.year ?? Number((value.from ?? value.to ?? vnToday(now)).slice(0, 4));
  const from = value.from ?? `${year}-01-01`;
  const to = value.to ?? `${Number(from.slice(0, 4))}-12-31`;
  return makePeriod(from, to);
}

export type PeriodParse =
  | { ok: true; period: Period }
  | { ok: false; fieldErrors: Partial<Record<"from" | "to" | "year", string[]>> };

/** Parses a request's search parameters into a period, or field messages (catalogue keys). */
export function parsePeriod(params: URLSearchParams, now = new Date()): PeriodParse {
  const parsed = periodSchema.safeParse({ from: params.get("from"), to: params.get("to"), year: params.get("year") });
  if (!parsed.success) return { ok: false, fieldErrors: parsed.error.flatten().fieldErrors };
  return { ok: true, period: resolvePeriod(parsed.data, now) };
}

/** The query string that reproduces a period, for links. */
export function periodQuery(period: Pick<Period, "from" | "to">) {
  return `from=${period.from}&to=${period.to}`;
}

/** "YYYY-MM" for every month the period touches, in order. */
export function periodMonths(period: Pick<Period, "from" | "to">) {
  const months: string[] = [];
  let y = Number(period.from.slice(0, 4));
  let m = Number(period.from.slice(5, 7));
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    months.push(key);
    if (key >= last) break;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return months;
}
