import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import type { SearchHit } from "~/modules/search/schema.ts";
import { VerifiedBadge } from "~/components/verified-badge.tsx";
import { Highlight } from "./highlight.tsx";
import type { SearchLabels } from "./search-labels.ts";

/** One result: what the listing is, its highlighted title and summary, and the facts people filter on. */
export function SearchHitCard({ hit, locale, labels }: { hit: SearchHit; locale: Locale; labels: SearchLabels }) {
  const { t } = useTranslation();
  const kind = hit.type.toLowerCase();
  const price =
    hit.priceVnd === null
      ? null
      : t(hit.type === "TECHNOLOGY_REQUEST" ? "search.hit.budgetUpTo" : "search.hit.priceFrom", { amount: formatMoney(hit.priceVnd, "VND", locale) });
  const facts = [
    hit.province ? labels.province(hit.province.code) : null,
    hit.trl ? t("search.hit.trl", { trl: hit.trl }) : null,
    price,
    t("listing.publishedOn", { date: formatDate(hit.publishedAt, locale) }),
  ].filter((f): f is string => Boolean(f));
  return (
    <article className={`card listing-card listing-card--${kind} search-hit`}>
      <header className="listing-card__meta">
        <span className={`badge badge--${kind}`}>{t(`listingType.${hit.type}`)}</span>
        {hit.featured ? <span className="badge badge--featured">{t("listing.featured")}</span> : null}
      </header>
      <h3 className="listing-card__title search-hit__title" lang={hit.language} dir="auto">
        <Link to={hit.url}>
          <Highlight value={hit.highlight.title} />
        </Link>
      </h3>
      <p className="search-hit__summary" lang={hit.language} dir="auto">
        <Highlight value={hit.highlight.summary} />
      </p>
      <footer className="search-hit__footer">
        <Link to={`/orgs/${hit.organisation.id}`} className="listing-card__org" dir="auto">
          {hit.organisation.name}
        </Link>
        {hit.organisation.verified ? <VerifiedBadge /> : null}
        <ul className="search-hit__facts">
          {facts.map((fact) => (
            <li key={fact}>{fact}</li>
          ))}
        </ul>
        {hit.sectors.length ? (
          <ul className="tags" aria-label={t("listing.sectors")}>
            {hit.sectors.map((code) => (
              <li key={code}>
                {code} {labels.sector(code)}
              </li>
            ))}
          </ul>
        ) : null}
      </footer>
    </article>
  );
}
