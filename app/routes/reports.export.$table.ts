import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";
import { csvResponse, tableToCsv } from "~/modules/reports/csv.server.ts";
import { loadDashboard, requireReportReader } from "~/modules/reports/dashboard.server.ts";
import { parsePeriod } from "~/modules/reports/period.ts";
import { exportTableSchema } from "~/modules/reports/schema.ts";

/**
 * GET /reports/export/:table?from=&to=: one dashboard table as CSV (UTF-8 with a
 * byte-order mark, so Excel shows Vietnamese), headings in the viewer's language.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  requireReportReader(actor);
  const table = exportTableSchema.safeParse(params.table);
  if (!table.success) throw json({ message: "Not found" }, { status: 404 });
  const period = parsePeriod(new URL(request.url).searchParams);
  if (!period.ok) return json({ message: "Bad query", fieldErrors: period.fieldErrors }, { status: 400 });
  const [locale, t] = await Promise.all([getLocale(request), i18nServer.getFixedT(request)]);
  const dashboard = await loadDashboard(actor, period.period, { locale, t, withAgreedDeals: table.data === "agreed-deals" });
  const found = dashboard.tables.find((x) => x.id === table.data)!;
  return csvResponse(`techex-${table.data}-${period.period.from}-${period.period.to}.csv`, tableToCsv(found));
}
