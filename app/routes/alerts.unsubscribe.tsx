import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { findSavedSearchForUnsubscribe, unsubscribeSavedSearch } from "~/modules/alerts/saved-searches.server.ts";
import { verifyUnsubscribeToken } from "~/modules/alerts/tokens.server.ts";

/**
 * /alerts/unsubscribe?token=… — the link in every alert e-mail. GET only shows
 * an "Unsubscribe" button (mail scanners follow links; a GET changes nothing);
 * POST unsubscribes, from that button or from a mail client's RFC 8058
 * one-click request (body `List-Unsubscribe=One-Click`). No login needed: the
 * signed token is the permission, and it only ever stops that one alert.
 */
const tokenSchema = z.object({ token: z.string().min(3).max(200) });

export const meta: MetaFunction = () => [{ title: "Techex" }, { name: "robots", content: "noindex" }];

function savedSearchIdFrom(request: Request): string | null {
  const parsed = tokenSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  return parsed.success ? verifyUnsubscribeToken(parsed.data.token) : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const id = savedSearchIdFrom(request);
  if (!id) return json({ state: "invalid" as const, name: null }, { status: 400 });
  const search = await findSavedSearchForUnsubscribe(id);
  if (!search) return json({ state: "gone" as const, name: null });
  return json({ state: search.unsubscribedAt ? ("already" as const) : ("confirm" as const), name: search.name });
}

export async function action({ request }: ActionFunctionArgs) {
  const id = savedSearchIdFrom(request);
  const oneClick = (await request.formData().catch(() => null))?.get("List-Unsubscribe") === "One-Click";
  if (!id) return oneClick ? new Response("invalid unsubscribe link\n", { status: 400 }) : json({ state: "invalid" as const, name: null }, { status: 400 });
  const search = await unsubscribeSavedSearch(id);
  // A mail client wants a plain success, not a page.
  if (oneClick) return new Response("unsubscribed\n", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return json({ state: search ? ("done" as const) : ("gone" as const), name: search?.name ?? null });
}

export default function UnsubscribePage() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const location = useLocation();
  const view = acted && typeof acted === "object" && "state" in acted ? acted : loaded;
  return (
    <section className="auth-card stack" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">{t("alerts.unsubscribe.title")}</h1>
      {view.state === "confirm" ? (
        <Form method="post" action={location.pathname + location.search} className="stack">
          <p dir="auto">{t("alerts.unsubscribe.confirm", { name: view.name })}</p>
          <button type="submit" name="intent" value="unsubscribe" className="button">
            {t("alerts.unsubscribe.button")}
          </button>
        </Form>
      ) : view.state === "done" || view.state === "already" ? (
        <>
          <p className="notice notice--ok" role="status" dir="auto">
            {view.state === "done" ? t("alerts.unsubscribe.done", { name: view.name }) : t("alerts.unsubscribe.already", { name: view.name })}
          </p>
          <p>{t("alerts.unsubscribe.resume")}</p>
        </>
      ) : view.state === "gone" ? (
        <p className="notice" role="status">
          {t("alerts.unsubscribe.gone")}
        </p>
      ) : (
        <p className="notice notice--warn" role="alert">
          {t("alerts.unsubscribe.invalid")}
        </p>
      )}
      <p>
        <Link to="/saved-searches">{t("alerts.unsubscribe.manage")}</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
