import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { invariantResponse, notFound, readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { holds } from "~/modules/auth/permissions.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { KpiSummary } from "~/modules/reports/components/kpi-summary.tsx";
import { formatMoneyExact } from "~/modules/reports/format.ts";
import { deleteKpiTargetSchema, KPI_CURRENCIES, KPI_METRICS, kpiTargetSchema, MONEY_METRICS } from "~/modules/reports/kpi.ts";
import { deleteKpiTarget, getKpiReport, kpiYears, setKpiTarget } from "~/modules/reports/kpi.server.ts";
import { vnYear } from "~/modules/reports/period.ts";
import reportStyles from "~/modules/reports/reports.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

const querySchema = z.object({ year: z.preprocess((v) => (v === "" || v == null ? undefined : v), z.coerce.number().int().min(2000).max(2100).optional()) });

async function requireKpiManager(request: Request) {
  const actor = await requireActor(request);
  if (!holds(actor, "kpi:manage:any")) throw notFound();
  return actor;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireKpiManager(request);
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(parsed.success, "Bad query");
  const thisYear = vnYear();
  const year = parsed.data.year ?? thisYear;
  const [kpi, years, locale] = await Promise.all([getKpiReport(year), kpiYears(thisYear), getLocale(request)]);
  return json({ kpi, years: years.includes(year) ? years : [year, ...years], year, locale });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireKpiManager(request);
  const formData = await readForm(request);
  if (formData.get("intent") === "delete") {
    const submission = parseWithZod(formData, { schema: deleteKpiTargetSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    await deleteKpiTarget(actor, submission.value.id, { ipAddress: context.clientIp as string | undefined });
    return json(submission.reply());
  }
  const submission = parseWithZod(formData, { schema: kpiTargetSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  await setKpiTarget(actor, submission.value, { ipAddress: context.clientIp as string | undefined });
  return json(submission.reply({ resetForm: true }));
}

export default function KpiTargetsPage() {
  const { kpi, years, year, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(kpiTargetSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: kpiTargetSchema }),
    defaultValue: { year: String(year), intent: "set" },
  });
  return (
    <section>
      <p className="no-print">
        <Link to={`/reports?from=${year}-01-01&to=${year}-12-31`}>← {t("reports.backToDashboard")}</Link>
      </p>
      <h1>{t("reports.targets.title", { year })}</h1>
      <p className="lead">{t("reports.targets.lead")}</p>
      <nav aria-label={t("reports.targets.years")} className="form-inline">
        {years.map((y) =>
          y === year ? (
            <strong key={y} aria-current="page">
              {y}
            </strong>
          ) : (
            <Link key={y} to={`?year=${y}`}>
              {y}
            </Link>
          ),
        )}
      </nav>
      <KpiSummary kpi={kpi} locale={locale} />
      {kpi.rows.length ? (
        <ul className="kpi-targets">
          {kpi.rows.map((r) => (
            <li key={r.id}>
              <Form method="post" className="form-inline">
                <input type="hidden" name="id" value={r.id} />
                <span>
                  {t(`reports.kpiMetric.${r.metric}`)}
                  {r.currency ? ` (${r.currency})` : ""}: {formatMoneyExact(r.target, r.currency || null, locale)}
                </span>
                <button type="submit" name="intent" value="delete" className="button button--small button--ghost">
                  {t("reports.targets.delete")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
      <h2>{t("reports.targets.set")}</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <input type="hidden" name="intent" value="set" />
        <ErrorList errors={form.errors} />
        <Field label={t("reports.targets.year")} errors={fields.year.errors} inputProps={{ ...getInputProps(fields.year, { type: "number" }), min: 2000, max: 2100 }} />
        <SelectField
          label={t("reports.targets.metric")}
          errors={fields.metric.errors}
          selectProps={getSelectProps(fields.metric)}
          placeholder={t("reports.targets.chooseMetric")}
          options={KPI_METRICS.map((m) => ({ value: m, label: `${t(`reports.kpiMetric.${m}`)}${MONEY_METRICS.has(m) ? ` — ${t("reports.targets.money")}` : ""}` }))}
        />
        <SelectField
          label={t("reports.targets.currency")}
          hint={t("reports.targets.currencyHint")}
          errors={fields.currency.errors}
          selectProps={getSelectProps(fields.currency)}
          placeholder={t("reports.targets.noCurrency")}
          options={KPI_CURRENCIES.map((c) => ({ value: c, label: c }))}
        />
        <Field label={t("reports.targets.target")} hint={t("reports.targets.targetHint")} errors={fields.target.errors} inputProps={{ ...getInputProps(fields.target, { type: "text" }), inputMode: "numeric" }} />
        <button type="submit" className="button">
          {t("reports.targets.save")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
