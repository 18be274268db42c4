import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { Pager } from "~/modules/reports/components/pager.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { listAuditLog, requireAuditReader } from "~/modules/reports/audit-log.server.ts";
import { formatCount, formatDateTime } from "~/modules/reports/format.ts";
import reportStyles from "~/modules/reports/reports.css";
import { auditQuerySchema } from "~/modules/reports/schema.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  requireAuditReader(actor);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = auditQuerySchema.safeParse(params);
  const locale = await getLocale(request);
  if (!parsed.success) {
    return json({ ok: false as const, errors: parsed.error.flatten().fieldErrors, params, locale }, { status: 400 });
  }
  return json({ ok: true as const, ...(await listAuditLog(actor, parsed.data)), params, locale });
}

type Field = "actor" | "entityType" | "entityId" | "action" | "from" | "to";

export default function AuditLogPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const errors: Partial<Record<string, string[]>> = data.ok ? {} : data.errors;
  const field = (name: Field, type = "text", extra: Record<string, string> = {}) => (
    <label>
      {t(`reports.audit.${name}`)}{" "}
      <input
        name={name}
        type={type}
        defaultValue={data.params[name] ?? ""}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `audit-${name}-error` : undefined}
        {...extra}
      />
      {errors[name] ? (
        <span className="field__error" id={`audit-${name}-error`} role="alert">
          {errors[name]!.map((e) => t(e)).join(" ")}
        </span>
      ) : null}
    </label>
  );
  return (
    <section>
      <h1>{t("reports.audit.title")}</h1>
      <p className="lead">{t("reports.audit.lead")}</p>
      <Form method="get" className="form-inline filters period-form">
        {field("actor", "search", { placeholder: t("reports.audit.actorHint") })}
        <label>
          {t("reports.audit.entityType")}{" "}
          <input name="entityType" list="audit-entity-types" defaultValue={data.params.entityType ?? ""} aria-invalid={errors.entityType ? true : undefined} />
          {errors.entityType ? (
            <span className="field__error" role="alert">
              {errors.entityType.map((e) => t(e)).join(" ")}
            </span>
          ) : null}
        </label>
        <datalist id="audit-entity-types">{data.ok ? data.entityTypes.map((e) => <option key={e} value={e} />) : null}</datalist>
        {field("entityId")}
        {field("action", "text", { placeholder: "listing." })}
        {field("from", "date")}
        {field("to", "date")}
        <button type="submit" className="button button--small">
          {t("reports.audit.apply")}
        </button>
        <Link to="/admin/audit">{t("reports.audit.clear")}</Link>
      </Form>
      {data.ok ? (
        <>
          <p>{t("reports.audit.count", { count: data.total, total: formatCount(data.total, data.locale) })}</p>
          {data.entries.length === 0 ? (
            <p className="empty">{t("reports.empty")}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("reports.audit.when")}</th>
                  <th scope="col">{t("reports.audit.actor")}</th>
                  <th scope="col">{t("reports.audit.action")}</th>
                  <th scope="col">{t("reports.audit.object")}</th>
                  <th scope="col">{t("reports.audit.details")}</th>
                  <th scope="col">{t("reports.audit.ip")}</th>
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <time dateTime={e.createdAt}>{formatDateTime(e.createdAt, data.locale)}</time>
                    </td>
                    <td>{e.actor ? <Link to={`?actor=${encodeURIComponent(e.actor.email)}`}><bdi>{e.actor.name}</bdi> &lt;<bdi>{e.actor.email}</bdi>&gt;</Link> : t("reports.audit.system")}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      <Link to={`?entityType=${encodeURIComponent(e.entityType)}${e.entityId ? `&entityId=${encodeURIComponent(e.entityId)}` : ""}`}>
                        {e.entityType}
                        {e.entityId ? ` ${e.entityId}` : ""}
                      </Link>
                    </td>
                    <td>{e.data ? <code className="audit-data">{e.data}</code> : null}</td>
                    <td>{e.ipAddress ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager page={data.page} total={data.total} pageSize={data.pageSize} />
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
