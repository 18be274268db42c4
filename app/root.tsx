import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLoaderData, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { HoneypotProvider } from "~/components/honeypot.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { useNonce } from "~/components/nonce.tsx";
import { HeaderSearch } from "~/components/search-box.tsx";
import { getUserId } from "~/modules/auth/session.server.ts";
import { getUserSummary } from "~/modules/auth/accounts.server.ts";
import { honeypotInputProps } from "~/modules/auth/honeypot.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { useChangeLanguage } from "~/modules/i18n/messages.ts";
import { countUnread } from "~/modules/notifications/notifications.server.ts";
import notificationStyles from "~/modules/notifications/components/notifications.css";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "stylesheet", href: notificationStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = await getLocale(request);
  const userId = await getUserId(request);
  const user = userId ? await getUserSummary(userId) : null;
  const unreadNotifications = user ? await countUnread(user.id) : 0;
  return json({
    locale,
    user: user && {
      id: user.id,
      name: user.name,
      roles: user.roles.map((r) => r.role.name),
      unreadNotifications,
    },
    honeypotInputProps: honeypotInputProps(),
  });
}

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

function LanguageSwitcher({ locale }: { locale: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const other = locale === "vi" ? "en" : "vi";
  return (
    // A whole new page: it comes with the other language's messages, which this one lacks.
    <Form method="post" action="/locale" className="lang-switch" reloadDocument>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" name="locale" value={other} lang={other} className="link-button">
        {t(`language.${other}`)}
      </button>
    </Form>
  );
}

function NotificationBell({ unread }: { unread: number }) {
  const { t } = useTranslation();
  return (
    <NavLink to="/notifications" className="nav-bell" aria-label={unread ? t("notifications.bellUnread", { count: unread }) : t("notifications.bell")}>
      <svg className="nav-bell__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {unread ? (
        <span className="nav-bell__count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

/**
 * Secondary sections in a <details> menu: it opens and closes without
 * JavaScript, and is a plain list of links for keyboards and screen readers.
 */
function MoreMenu({ staff, admin }: { staff: boolean; admin: boolean }) {
  const { t } = useTranslation();
  const location = useLocation();
  const menu = useRef<HTMLDetailsElement>(null);
  // Following a link in the menu closes it (the header stays mounted across navigations).
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.key]);
  return (
    <details className="nav-more" ref={menu}>
      <summary>{t("notifications.nav.more")}</summary>
      <nav className="nav-more__menu" aria-label={t("notifications.nav.moreLabel")}>
        <NavLink to="/inquiries">{t("notifications.nav.inquiries")}</NavLink>
        <NavLink to="/deals">{t("notifications.nav.deals")}</NavLink>
        {staff ? <NavLink to="/matching">{t("notifications.nav.matching")}</NavLink> : null}
        {staff ? <NavLink to="/reports">{t("notifications.nav.reports")}</NavLink> : null}
        <NavLink to="/saved-searches">{t("notifications.nav.savedSearches")}</NavLink>
        <NavLink to="/notifications">{t("notifications.title")}</NavLink>
        <NavLink to="/account">{t("account.nav")}</NavLink>
        {staff ? <NavLink to="/import">{t("nav.import")}</NavLink> : null}
        {admin ? <NavLink to="/reports/targets">{t("notifications.nav.kpiTargets")}</NavLink> : null}
        {admin ? <NavLink to="/admin/payments">{t("notifications.nav.payments")}</NavLink> : null}
        {admin ? <NavLink to="/admin/audit">{t("notifications.nav.audit")}</NavLink> : null}
        {admin ? <NavLink to="/admin/users">{t("nav.admin")}</NavLink> : null}
      </nav>
    </details>
  );
}

function Header({ locale }: { locale: string }) {
  const { t } = useTranslation();
  const user = useOptionalUser();
  const staff = !!user && (user.roles.includes("broker") || user.roles.includes("admin"));
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link to="/" className="brand" aria-label={t("nav.home")}>
          <span className="brand__mark" aria-hidden="true">T</span>
          <span className="brand__text">
            <strong>Techex</strong>
            <small>{t("brand.tagline")}</small>
          </span>
        </Link>
        <HeaderSearch />
        <nav aria-label={t("nav.main")} className="site-nav">
          <NavLink to="/" end>
            {t("nav.home")}
          </NavLink>
          {user ? (
            <>
              <NavLink to="/dashboard">{t("nav.dashboard")}</NavLink>
              <NavLink to="/my/listings">{t("nav.myListings")}</NavLink>
              {staff ? <NavLink to="/moderation">{t("nav.moderation")}</NavLink> : null}
              <NotificationBell unread={user.unreadNotifications} />
              <MoreMenu staff={staff} admin={user.roles.includes("admin")} />
              <Form method="post" action="/logout">
                <button type="submit" className="link-button">
                  {t("nav.logout")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">{t("nav.login")}</NavLink>
              <Link to="/signup" className="button button--small">
                {t("nav.signup")}
              </Link>
            </>
          )}
          <LanguageSwitcher locale={locale} />
        </nav>
      </div>
    </header>
  );
}

function Footer() {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="container">
        <p>{t("footer.about")}</p>
        <p className="muted">{t("footer.copyright", { year: new Date().getFullYear() })}</p>
      </div>
    </footer>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = data?.locale ?? "vi";
  const { t } = useTranslation();
  const nonce = useNonce();
  return (
    <html lang={locale} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {t("nav.skip")}
        </a>
        <Header locale={locale} />
        <main id="main" className="container site-main">
          {children}
        </main>
        <Footer />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, honeypotInputProps } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  return (
    <HoneypotProvider {...honeypotInputProps}>
      <Outlet />
    </HoneypotProvider>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
