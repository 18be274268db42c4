import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { deleteSavedSearch, listSavedSearches, updateSavedSearch } from "~/modules/alerts/saved-searches.server.ts";
import { ALERT_FREQUENCIES, MAX_SAVED_SEARCHES, NAME_MAX, updateSavedSearchSchema } from "~/modules/alerts/schema.ts";
import { formatDate, formatNumber } from "~/modules/i18n/format.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} · Techex` : "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [searches, locale, t] = await Promise.all([listSavedSearches(actor), getLocale(request), i18nServer.getFixedT(request)]);
  return json({
    locale,
    title: t("alerts.title"),
    searches: searches.map((s) => ({
      id: s.id,
      name: s.name,
      path: s.path,
      frequency: s.frequency,
      unsubscribed: s.unsubscribedAt !== null,
      lastAlertedAt: s.lastAlertedAt?.toISOString() ?? null,
      createdAt: s.createdAt.toISOString(),
      delivered: s.delivered,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const parsed = updateSavedSearchSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ id: null, fields: parsed.error.flatten().fieldErrors }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "delete") {
    await deleteSavedSearch(actor, input.id);
    return redirect("/saved-searches?deleted=1");
  }
  await updateSavedSearch(actor, input.id, { frequency: input.frequency, name: input.name });
  return redirect(`/saved-searches?updated=${encodeURIComponent(input.id)}`);
}

export default function SavedSearchesPage() {
  const { searches, locale } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const status = params.get("saved")
    ? t("alerts.saved")
    : params.get("existing")
      ? t("alerts.savedExisting")
      : params.get("updated")
        ? t("alerts.updated")
        : params.get("deleted")
          ? t("alerts.deleted")
          : null;
  return (
    <section aria-labelledby="saved-searches-title">
      <div className="section__head">
        <div>
          <h1 id="saved-searches-title">{t("alerts.title")}</h1>
          <p className="muted">{t("alerts.intro")}</p>
        </div>
        <Link to="/search" className="button button--ghost">
          {t("alerts.goSearch")}
        </Link>
      </div>
      {status ? (
        <p className="notice notice--ok" role="status">
          {status}
        </p>
      ) : null}
      {failed?.fields ? (
        <div className="notice notice--warn" role="alert">
          <ul>
            {Object.entries(failed.fields as Record<string, string[] | undefined>).map(([name, messages]) => (
              <li key={name}>
                {name}: {(messages ?? []).map((m) => t(m)).join(" ")}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {searches.length === 0 ? (
        <div className="empty">
          <p>{t("alerts.empty")}</p>
          <Link to="/search" className="button">
            {t("alerts.goSearch")}
          </Link>
        </div>
      ) : (
        <>
          <p className="muted">
            {t("alerts.count", { count: searches.length, max: MAX_SAVED_SEARCHES })} · {t("alerts.schedule")}
          </p>
          <ul className="saved-searches">
            {searches.map((s) => (
              <li key={s.id} className="saved-search" id={`saved-search-${s.id}`}>
                <div className="saved-search__head">
                  <h2 dir="auto">{s.name}</h2>
                  <Link to={s.path}>{t("alerts.open")}</Link>
                </div>
                <p className="muted">
                  {t("alerts.createdOn", { date: formatDate(s.createdAt, locale) })} ·{" "}
                  {s.lastAlertedAt ? t("alerts.lastAlerted", { date: formatDate(s.lastAlertedAt, locale) }) : t("alerts.neverAlerted")} ·{" "}
                  {t("alerts.delivered", { count: s.delivered, formatted: formatNumber(s.delivered, locale) })}
                </p>
                {s.unsubscribed ? (
                  <p className="notice notice--warn" role="status">
                    {t("alerts.unsubscribed")}
                  </p>
                ) : null}
                <div className="saved-search__forms">
                  <Form method="post">
                    <input type="hidden" name="id" value={s.id} />
                    <label>
                      {t("alerts.name")}
                      <input name="name" defaultValue={s.name} maxLength={NAME_MAX} dir="auto" />
                    </label>
                    <label>
                      {t("alerts.frequency")}
                      <select name="frequency" defaultValue={s.unsubscribed ? "NEVER" : s.frequency}>
                        {ALERT_FREQUENCIES.map((f) => (
                          <option key={f} value={f}>
                            {t(`alerts.frequencies.${f}`)}
                          </option>
                        ))}
                      </select>
                    </label>
                    <button type="submit" name="intent" value="update" className="button button--small">
                      {t("alerts.update")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="id" value={s.id} />
                    <button type="submit" name="intent" value="delete" className="link-button link-button--danger" aria-label={t("alerts.deleteLabel", { name: s.name })}>
                      {t("alerts.delete")}
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
