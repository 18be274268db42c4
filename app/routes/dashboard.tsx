import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUserId } from "~/modules/auth/session.server.ts";
import { getUserSummary } from "~/modules/auth/accounts.server.ts";
import { VerifyEmailNotice } from "~/modules/auth/components/verify-email-notice.tsx";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { provinceLabel } from "~/modules/listings/labels.ts";
import { PendingInvitations } from "~/modules/orgs/components/pending-invitations.tsx";
import { pendingInvitationsFor } from "~/modules/orgs/invitations.server.ts";
import { listMyOrganisations } from "~/modules/orgs/organisations.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  const [user, organisations, locale, invitations] = await Promise.all([
    getUserSummary(userId),
    listMyOrganisations(userId),
    getLocale(request),
    pendingInvitationsFor(userId),
  ]);
  return json({ user, organisations, locale, invitations });
}

export default function DashboardPage() {
  const { user, organisations, locale, invitations } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <header className="page-header">
        <h1>{t("dashboard.title", { name: user?.name })}</h1>
        {user && !user.emailVerifiedAt ? <VerifyEmailNotice email={user.email} /> : null}
        <p className="muted">
          {t("dashboard.roles")}: {user?.roles.map((r) => t(`role.${r.role.name}`)).join(", ")}
        </p>
        {organisations.length ? (
          <p className="hero__actions">
            <Link to="/listings/new" className="button">
              {t("myListings.new")}
            </Link>
            <Link to="/my/listings" className="button button--ghost">
              {t("myListings.title")}
            </Link>
          </p>
        ) : null}
      </header>
      <PendingInvitations invitations={invitations} locale={locale} />
      <section className="section" aria-labelledby="my-orgs">
        <div className="section__head">
          <h2 id="my-orgs">{t("dashboard.organisations")}</h2>
          <Link to="/orgs/new" className="button button--small">
            {t("dashboard.newOrganisation")}
          </Link>
        </div>
        {organisations.length ? (
          <ul className="grid grid--orgs">
            {organisations.map(({ organisation: o, role }) => (
              <li key={o.id} className="card org-card">
                <p className="eyebrow">{t(`orgKind.${o.kind}`)}</p>
                <h3 dir="auto">
                  <Link to={`/orgs/${o.id}`}>{o.name}</Link>
                </h3>
                <p className="muted">
                  {[provinceLabel(o.province, locale), t("dashboard.memberCount", { count: o._count.memberships }), t("dashboard.listingCount", { count: o._count.listings })]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
                <p>
                  <span className="badge">{t(`membershipRole.${role}`)}</span>{" "}
                  <Link to={`/orgs/${o.id}/members`}>{t("dashboard.members")}</Link>
                  {" · "}
                  <Link to={`/orgs/${o.id}/verification`}>
                    {t("verification.link")}: {t(`verification.status.${o.verificationStatus}`)}
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <div className="empty">
            <p>{t("dashboard.noOrganisations")}</p>
            <Link to="/orgs/new" className="button">
              {t("dashboard.newOrganisation")}
            </Link>
          </div>
        )}
      </section>
    </>
  );
}
