import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { dateTimeFormat, formatDate } from "~/modules/i18n/format.ts";
import { listFailingSearchJobs, retrySearchJobs } from "~/modules/search/jobs.server.ts";
import { listReconcileReports, requestReconcile, type ReconcileReportView } from "~/modules/search/reconcile.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [jobs, reports] = await Promise.all([listFailingSearchJobs(actor), listReconcileReports(actor)]);
  return json({ jobs, reports, locale: await getLocale(request) });
}

/** Job ids are bigint: at most 18 digits, so no id overflows PostgreSQL's 64 bits. */
const retry = z.object({ ids: z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^\d{1,18}$/)).min(1).max(200)) });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const form = await readForm(request);
  if (form.get("intent") === "reconcile") {
    await requestReconcile(actor);
    return json({ retried: 0, reconcileQueued: true, error: null });
  }
  const parsed = retry.safeParse({ ids: form.getAll("ids") });
  if (!parsed.success) return json({ retried: 0, reconcileQueued: false, error: "errors.chooseOne" }, { status: 400 });
  return json({ retried: await retrySearchJobs(actor, parsed.data.ids), reconcileQueued: false, error: null });
}

export default function SearchJobsPage() {
  const { jobs, reports, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("adminSearch.title")}</h1>
      <p className="lead">{t("adminSearch.lead")}</p>
      {result?.retried ? <p className="notice notice--ok">{t("adminSearch.retried", { count: result.retried })}</p> : null}
      {result?.reconcileQueued ? <p className="notice notice--ok">{t("adminReconcile.queued")}</p> : null}
      {jobs.length === 0 ? (
        <p className="empty">{t("adminSearch.none")}</p>
      ) : (
        <Form method="post">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("adminSearch.listing")}</th>
                <th scope="col">{t("adminSearch.state")}</th>
                <th scope="col">{t("adminSearch.error")}</th>
                <th scope="col">{t("adminSearch.retry")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <td>{j.listingId ? <Link to={`/moderation/${j.listingId}`}>{j.listingId}</Link> : "—"}</td>
                  <td>
                    {j.dead ? t("adminSearch.dead") : t("adminSearch.retrying", { date: formatDate(j.runAt, locale) })} ({j.attempts}/{j.maxAttempts})
                  </td>
                  <td className="pre-line">{j.lastError}</td>
                  <td>
                    <label className="check">
                      <input type="checkbox" name="ids" value={j.id} defaultChecked={j.dead} /> {t("adminSearch.retry")}
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="submit" className="button">
              {t("adminSearch.retrySelected")}
            </button>
          </p>
        </Form>
      )}
      <ReconcileReports reports={reports} locale={locale} />
    </section>
  );
}

/** The latest reconcile passes: what differed between database and index, and what was queued for repair. */
function ReconcileReports({ reports, locale }: { reports: (Omit<ReconcileReportView, "startedAt" | "finishedAt"> & { startedAt: string; finishedAt: string | null })[]; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <>
      <h2>{t("adminReconcile.title")}</h2>
      <p className="lead">{t("adminReconcile.lead")}</p>
      <Form method="post">
        <input type="hidden" name="intent" value="reconcile" />
        <button type="submit" className="button button--ghost">
          {t("adminReconcile.runNow")}
        </button>
      </Form>
      {reports.length === 0 ? (
        <p className="empty">{t("adminReconcile.none")}</p>
      ) : (
        <table className="table" data-testid="reconcile-reports">
          <thead>
            <tr>
              <th scope="col">{t("adminReconcile.when")}</th>
              <th scope="col">{t("adminReconcile.trigger")}</th>
              <th scope="col">{t("adminReconcile.compared")}</th>
              <th scope="col">{t("adminReconcile.missing")}</th>
              <th scope="col">{t("adminReconcile.stale")}</th>
              <th scope="col">{t("adminReconcile.extra")}</th>
              <th scope="col">{t("adminReconcile.pending")}</th>
              <th scope="col">{t("adminReconcile.repaired")}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.startedAt, locale)}</td>
                <td>{t(`adminReconcile.triggers.${r.trigger}`)}</td>
                {r.error ? (
                  <td colSpan={6} className="pre-line">
                    {t("adminReconcile.failed", { error: r.error })}
                  </td>
                ) : !r.finishedAt ? (
                  <td colSpan={6}>{t("adminReconcile.running")}</td>
                ) : (
                  <>
                    <td>{t("adminReconcile.counts", { published: r.published, indexed: r.indexed })}</td>
                    <DriftCell count={r.missing} ids={r.sampleIds.missing} />
                    <DriftCell count={r.stale} ids={r.sampleIds.stale} />
                    <DriftCell count={r.extra} ids={r.sampleIds.extra} />
                    <td>{r.pending}</td>
                    <td>{r.repaired}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function formatDateTime(value: string, locale: Locale) {
  return dateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(value));
}

function DriftCell({ count, ids }: { count: number; ids: string[] }) {
  return (
    <td>
      {count}
      {ids.length > 0 ? (
        <details>
          <summary>{ids.length}</summary>
          {ids.map((id) => (
            <div key={id}>
              <Link to={`/moderation/${id}`}>{id}</Link>
            </div>
          ))}
        </details>
      ) : null}
    </td>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
