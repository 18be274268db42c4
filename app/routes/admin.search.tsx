import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { listFailingSearchJobs, retrySearchJobs } from "~/modules/search/jobs.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return json({ jobs: await listFailingSearchJobs(actor), locale: await getLocale(request) });
}

const retry = z.object({ ids: z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^\d+$/)).min(1).max(200)) });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const form = await request.formData();
  const parsed = retry.safeParse({ ids: form.getAll("ids") });
  if (!parsed.success) return json({ retried: 0, error: "errors.chooseOne" }, { status: 400 });
  return json({ retried: await retrySearchJobs(actor, parsed.data.ids), error: null });
}

export default function SearchJobsPage() {
  const { jobs, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("adminSearch.title")}</h1>
      <p className="lead">{t("adminSearch.lead")}</p>
      {result?.retried ? <p className="notice notice--ok">{t("adminSearch.retried", { count: result.retried })}</p> : null}
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
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
