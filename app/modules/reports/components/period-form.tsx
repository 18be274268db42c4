import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The period picker: a GET form, so every view of the dashboard is a bookmarkable URL. */
export function PeriodForm({ from, to, errors, action, thisYear }: { from: string; to: string; errors?: Partial<Record<"from" | "to" | "year", string[]>>; action?: string; thisYear: number }) {
  const { t } = useTranslation();
  const error = (field: "from" | "to" | "year") =>
    errors?.[field]?.length ? (
      <span className="field__error" id={`period-${field}-error`} role="alert">
        {errors[field]!.map((e) => t(e)).join(" ")}
      </span>
    ) : null;
  return (
    <Form method="get" action={action} className="form-inline filters period-form no-print" aria-label={t("reports.period.label")}>
      <label>
        {t("reports.period.from")}{" "}
        <input type="date" name="from" defaultValue={from} aria-invalid={errors?.from ? true : undefined} aria-describedby={errors?.from ? "period-from-error" : undefined} />
        {error("from")}
      </label>
      <label>
        {t("reports.period.to")}{" "}
        <input type="date" name="to" defaultValue={to} aria-invalid={errors?.to ? true : undefined} aria-describedby={errors?.to ? "period-to-error" : undefined} />
        {error("to")}
      </label>
      {error("year")}
      <button type="submit" className="button button--small">
        {t("reports.period.apply")}
      </button>
      <a href={`?from=${thisYear}-01-01&to=${thisYear}-12-31`}>{t("reports.period.thisYear", { year: thisYear })}</a>
      <a href={`?from=${thisYear - 1}-01-01&to=${thisYear - 1}-12-31`}>{t("reports.period.lastYear", { year: thisYear - 1 })}</a>
    </Form>
  );
}
