import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { VerifiedBadge } from "~/components/verified-badge.tsx";
import { invariantResponse } from "~/lib/http.server.ts";
import { getActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { provinceLabel } from "~/modules/listings/labels.ts";
import { getOrganisationProfile } from "~/modules/orgs/organisations.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.organisation.name} — Techex` : "Techex" }];

export async function loader({ params, request }: LoaderFunctionArgs) {
  const organisation = await getOrganisationProfile(params.id ?? "");
  invariantResponse(organisation, "Not found", { status: 404 });
  const actor = await getActor(request);
  return json({ organisation, isMember: actor?.organisationIds.includes(organisation.id) ?? false, locale: await getLocale(request) });
}

export default function OrganisationPage() {
  const { organisation: o, isMember, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <article className="org-page">
      <header className="page-header">
        <p className="eyebrow">{t(`orgKind.${o.kind}`)}</p>
        <h1 dir="auto">{o.name}</h1>
        <p className="muted">
          {[provinceLabel(o.province, locale), t("org.memberSince", { date: formatDate(o.createdAt, locale) })].filter(Boolean).join(" · ")}
          {o.verifiedAt ? <VerifiedBadge /> : null}
        </p>
        {o.description ? (
          <p className="lead pre-line" dir="auto">
            {o.description}
          </p>
        ) : null}
        {isMember ? (
          <p>
            <Link to={`/orgs/${o.id}/verification`}>{t("verification.link")}</Link>
          </p>
        ) : null}
        {o.website ? (
          <p>
            <a href={o.website} rel="noopener noreferrer nofollow" target="_blank">
              {o.website}
            </a>
          </p>
        ) : null}
      </header>
      <section className="section" aria-labelledby="org-listings">
        <h2 id="org-listings">{t("org.listings")}</h2>
        {o.listings.length ? (
          <ul className="list">
            {o.listings.map((l) => (
              <li key={l.id} className="list__item">
                <span className={`badge badge--${l.type.toLowerCase()}`}>{t(`listingType.${l.type}`)}</span>{" "}
                <Link to={`/listings/${l.id}`} lang={l.language} dir="auto">
                  {l.title}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("org.noListings")}</p>
        )}
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
