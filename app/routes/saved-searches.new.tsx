import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { saveSearch } from "~/modules/alerts/saved-searches.server.ts";
import { saveSearchFieldsSchema } from "~/modules/alerts/schema.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { searchParamsFromUrl, searchParamsSchema } from "~/modules/search/schema.ts";

/**
 * POST /saved-searches/new: saves the search page's current query and filters
 * (the same parameters as /search, validated by the search module's schema),
 * with an optional name and an alert frequency.
 */
export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const form = await readForm(request);
  const fields = new URLSearchParams();
  for (const [key, value] of form) if (typeof value === "string" && value.trim() !== "") fields.append(key, value);
  const search = searchParamsSchema.safeParse(searchParamsFromUrl(fields));
  const extra = saveSearchFieldsSchema.safeParse({ name: form.get("name") ?? undefined, frequency: form.get("frequency") ?? undefined });
  if (!search.success || !extra.success) {
    return json(
      { error: "alerts.errors.invalidSearch", fields: { ...(search.success ? {} : search.error.flatten().fieldErrors), ...(extra.success ? {} : extra.error.flatten().fieldErrors) } },
      { status: 400 },
    );
  }
  const result = await saveSearch(actor, search.data, { ...extra.data, locale: await getLocale(request) });
  if (!result.ok) return json({ error: result.error, fields: {} }, { status: 409 });
  return redirect(`/saved-searches?${result.existing ? "existing" : "saved"}=${encodeURIComponent(result.id)}`);
}


/** Shown only when saving failed (bad parameters or the limit), with the reason per parameter. */
export default function SaveSearchResult() {
  const data = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <section className="stack">
      <h1>{t("alerts.save")}</h1>
      {data ? (
        <p className="notice notice--warn" role="alert">
          {t(data.error)}
        </p>
      ) : (
        <p>{t("alerts.empty")}</p>
      )}
      {data && Object.keys(data.fields).length ? (
        <ul>
          {Object.entries(data.fields as Record<string, string[] | undefined>).map(([name, messages]) => (
            <li key={name}>
              <code>{name}</code>: {(messages ?? []).map((m) => t(m)).join(" ")}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <Link to="/saved-searches">{t("alerts.unsubscribe.manage")}</Link> · <Link to="/search">{t("alerts.goSearch")}</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
