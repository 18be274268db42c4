import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { Pager } from "~/modules/reports/components/pager.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { requireReportReader } from "~/modules/reports/dashboard.server.ts";
import { formatCount, formatDay, formatHours, formatMoneyExact } from "~/modules/reports/format.ts";
import { listMetricRows, type ListCell } from "~/modules/reports/list.server.ts";
import { parsePeriod, periodQuery } from "~/modules/reports/period.ts";
import { listQuerySchema } from "~/modules/reports/schema.ts";
import reportStyles from "~/modules/reports/reports.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  requireReportReader(actor);
  const params = new URL(request.url).searchParams;
  const period = parsePeriod(params);
  const query = listQuerySchema.safeParse(Object.fromEntries(params));
  if (!period.ok || !query.success) {
    throw json({ message: "Bad query", fieldErrors: { ...(period.ok ? {} : period.fieldErrors), ...(query.success ? {} : query.error.flatten().fieldErrors) } }, { status: 400 });
  }
  const [page, locale] = await Promise.all([listMetricRows(period.period, query.data), getLocale(request)]);
  const filters = Object.entries(query.data).filter(([k, v]) => v != null && k !== "metric" && k !== "page") as [string, string][];
  return json({ ...page, filters, period: { from: period.period.from, to: period.period.to }, locale });
}

/** A filter's value as words: enum values through the catalogues, codes as they are. */
function filterValue(key: string, value: string, t: (key: string) => string) {
  const prefix: Record<string, string> = { type: "listingType", kind: "orgKind", stage: "reports.stage", purpose: "reports.purpose", filter: "reports.filterValue" };
  return prefix[key] ? t(`${prefix[key]}.${value}`) : value;
}

function CellView({ cell, locale }: { cell: ListCell; locale: Locale }) {
  const { t } = useTranslation();
  if ("label" in cell) return <>{t(cell.label)}</>;
  if ("date" in cell) return <>{cell.date ? formatDay(cell.date, locale) : "—"}</>;
  if ("money" in cell) return <>{cell.money == null ? "—" : formatMoneyExact(cell.money, cell.currency, locale)}</>;
  if ("hours" in cell) return <>{cell.hours == null ? "—" : formatHours(cell.hours, locale)}</>;
  return cell.href ? (
    <Link to={cell.href} dir="auto" lang={cell.lang}>
      {cell.text}
    </Link>
  ) : (
    <span dir="auto">{cell.text}</span>
  );
}

export default function ReportListPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { locale } = data;
  return (
    <section>
      <p className="no-print">
        <Link to={`/reports?${periodQuery(data.period)}`}>← {t("reports.backToDashboard")}</Link>
      </p>
      <h1>{t(`reports.lists.${data.metric}`)}</h1>
      <p className="lead">
        {t("reports.list.lead", { from: data.period.from, to: data.period.to, count: data.total, total: formatCount(data.total, locale) })}
        {data.filters.length ? ` · ${data.filters.map(([k, v]) => `${t(`reports.filters.${k}`)}: ${filterValue(k, v, t)}`).join(" · ")}` : ""}
      </p>
      {data.rows.length === 0 ? (
        <p className="empty">{t("reports.empty")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              {data.columns.map((c) => (
                <th key={c} scope="col">
                  {t(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => (
                  <td key={j}>
                    <CellView cell={cell} locale={locale} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={data.page} total={data.total} pageSize={data.pageSize} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
