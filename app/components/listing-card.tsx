import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";
import { VerifiedBadge } from "./verified-badge.tsx";

export interface ListingCardData {
  id: string;
  type: string;
  title: string;
  summary: string;
  language: string;
  publishedAt: string | null;
  featuredUntil: string | null;
  organisation: { id: string; name: string; verifiedAt?: string | null };
  province: { shortNameVi: string; nameEn: string } | null;
  sectors: { sector: { code: string; labelVi: string; labelEn: string } }[];
}

export function ListingCard({ listing, locale }: { listing: ListingCardData; locale: Locale }) {
  const { t } = useTranslation();
  const featured = listing.featuredUntil && new Date(listing.featuredUntil) > new Date();
  return (
    <article className={`card listing-card listing-card--${listing.type.toLowerCase()}`}>
      <header className="listing-card__meta">
        <span className={`badge badge--${listing.type.toLowerCase()}`}>{t(`listingType.${listing.type}`)}</span>
        {featured ? <span className="badge badge--featured">{t("listing.featured")}</span> : null}
      </header>
      <h3 className="listing-card__title" lang={listing.language} dir="auto">
        <Link to={`/listings/${listing.id}`}>{listing.title}</Link>
      </h3>
      <p className="listing-card__summary" lang={listing.language} dir="auto">
        {listing.summary}
      </p>
      <footer className="listing-card__footer">
        <Link to={`/orgs/${listing.organisation.id}`} className="listing-card__org" dir="auto">
          {listing.organisation.name}
        </Link>
        {listing.organisation.verifiedAt ? <VerifiedBadge /> : null}
        <span className="muted">
          {[provinceLabel(listing.province, locale), listing.publishedAt ? formatDate(listing.publishedAt, locale) : null]
            .filter(Boolean)
            .join(" · ")}
        </span>
        {listing.sectors.length ? (
          <ul className="tags" aria-label={t("listing.sectors")}>
            {listing.sectors.map(({ sector }) => (
              <li key={sector.code}>{sectorLabel(sector, locale)}</li>
            ))}
          </ul>
        ) : null}
      </footer>
    </article>
  );
}
