import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getUserId } from "~/modules/auth/session.server.ts";
import { i18nServer } from "~/modules/i18n/i18n.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} · Techex` : "Techex" }];

/** The account pages' frame; each page requires a signed-in user itself (a deleted account's farewell does not). */
export async function loader({ request }: LoaderFunctionArgs) {
  const [userId, t] = await Promise.all([getUserId(request), i18nServer.getFixedT(request)]);
  return json({ signedIn: userId !== null, title: t("account.title") });
}

const TABS = [
  { to: "/account", key: "profile", end: true },
  { to: "/account/password", key: "password" },
  { to: "/account/notifications", key: "notifications" },
  { to: "/account/sessions", key: "sessions" },
  { to: "/account/delete", key: "delete" },
] as const;

export default function AccountLayout() {
  const { signedIn } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  if (!signedIn) return <Outlet />;
  return (
    <section aria-labelledby="account-title" className="account">
      <h1 id="account-title">{t("account.title")}</h1>
      <nav className="tabs" aria-label={t("account.sections")}>
        {TABS.map((tab) => (
          <NavLink key={tab.key} to={tab.to} end={"end" in tab}>
            {t(`account.tabs.${tab.key}`)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
