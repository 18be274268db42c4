import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatNumber } from "~/modules/i18n/format.ts";
import { LISTING_STATUSES } from "~/modules/listings/lifecycle.ts";
import { listMyListings } from "~/modules/listings/queries.server.ts";

const query = z.object({ status: z.enum(LISTING_STATUSES).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const { status } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [data, locale] = await Promise.all([listMyListings(actor, { status }), getLocale(request)]);
  return json({ ...data, locale, hasOrganisation: actor.organisationIds.length > 0 });
}

export default function MyListingsPage() {
  const { listings, counts, locale, hasOrganisation } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const current = params.get("status");
  return (
    <section>
      <div className="section__head">
        <h1>{t("myListings.title")}</h1>
        {hasOrganisation ? (
          <Link to="/listings/new" className="button">
            {t("myListings.new")}
          </Link>
        ) : null}
      </div>
      <nav className="tabs" aria-label={t("myListings.filter")}>
        <Link to="/my/listings" aria-current={!current ? "page" : undefined}>
          {t("myListings.all")}
        </Link>
        {LISTING_STATUSES.map((s) => (
          <Link key={s} to={`/my/listings?status=${s}`} aria-current={current === s ? "page" : undefined}>
            {t(`listingStatus.${s}`)} ({formatNumber(counts[s] ?? 0, locale)})
          </Link>
        ))}
      </nav>
      {listings.length === 0 ? (
        <div className="empty">
          <p>{hasOrganisation ? t("myListings.empty") : t("listingForm.needOrganisation")}</p>
          <Link to={hasOrganisation ? "/listings/new" : "/orgs/new"} className="button">
            {hasOrganisation ? t("myListings.new") : t("dashboard.newOrganisation")}
          </Link>
        </div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("myListings.listing")}</th>
              <th scope="col">{t("myListings.status")}</th>
              <th scope="col">{t("myListings.updated")}</th>
              <th scope="col">{t("myListings.views")}</th>
            </tr>
          </thead>
          <tbody>
            {listings.map((l) => (
              <tr key={l.id}>
                <td>
                  <span className={`badge badge--${l.type.toLowerCase()}`}>{t(`listingType.${l.type}`)}</span>
                  <br />
                  <Link to={`/listings/${l.id}/edit`} dir="auto" lang={l.language}>
                    {l.title}
                  </Link>
                  <br />
                  <span className="muted" dir="auto">
                    {l.organisation.name}
                  </span>
                </td>
                <td>
                  <span className={`badge badge--status-${l.status.toLowerCase()}`}>{t(`listingStatus.${l.status}`)}</span>
                  {l.pendingRevision ? <div className="muted">{t("myListings.revisionPending")}</div> : null}
                  {l.status === "REJECTED" && l.lastRejection?.reason ? (
                    <div className="muted" dir="auto">
                      {l.lastRejection.reason}
                    </div>
                  ) : null}
                  {l.status === "PUBLISHED" && l.expiresAt ? <div className="muted">{t("editListing.expires", { date: formatDate(l.expiresAt, locale) })}</div> : null}
                </td>
                <td>{formatDate(l.updatedAt, locale)}</td>
                <td>{formatNumber(l.viewCount, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
