import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { provinceLabel } from "~/modules/listings/labels.ts";
import { MatchReasons, MatchScore } from "~/modules/matching/components/match-parts.tsx";
import matchingStyles from "~/modules/matching/components/matching.css";
import { getListingMatches, getReasonLabels } from "~/modules/matching/queries.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: matchingStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.listing.title} — Techex` : "Techex" }];

/** A listing's suggested matches, for its owner organisation and for brokers; anyone else gets 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [view, labels, locale] = await Promise.all([getListingMatches(actor, params.id ?? ""), getReasonLabels(), getLocale(request)]);
  return json({ ...view, labels, locale });
}

export default function ListingMatchesPage() {
  const { listing, matches, isBroker, labels, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section>
      <p className="breadcrumbs">
        <Link to={`/listings/${listing.id}`}>{t("matching.listing.back")}</Link>
        {isBroker ? (
          <>
            {" · "}
            <Link to="/matching">{t("matching.listing.board")}</Link>
          </>
        ) : null}
      </p>
      <h1>{t("matching.listing.title")}</h1>
      <p className="lead">
        <span dir="auto" lang={listing.language}>
          {t("matching.listing.lead", { title: listing.title })}
        </span>
      </p>
      {matches.length === 0 ? <p className="empty">{t("matching.listing.empty")}</p> : null}
      <ol className="match-list">
        {matches.map((m) => (
          <li key={m.id} className="card match">
            <div className="match__head">
              <MatchScore score={m.score} />
              <span className="muted">{t(`matching.status.${m.status}`)}</span>
            </div>
            <div className="match__side">
              <span className={`badge badge--${m.other.type.toLowerCase()}`}>{t(`listingType.${m.other.type}`)}</span>
              <h2 className="listing-card__title" dir="auto" lang={m.other.language}>
                <Link to={`/listings/${m.other.id}`}>{m.other.title}</Link>
              </h2>
              <p className="muted">
                {[m.other.organisation.name, provinceLabel(m.other.province, locale)].filter(Boolean).join(" · ")}
              </p>
            </div>
            <MatchReasons reasons={m.reasons} labels={labels} locale={locale} />
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
