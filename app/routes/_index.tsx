import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ListingCard } from "~/components/listing-card.tsx";
import { HomeSearch } from "~/components/search-box.tsx";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatNumber } from "~/modules/i18n/format.ts";
import { getHomePage } from "~/modules/listings/catalogue.server.ts";
import { sectorLabel } from "~/modules/listings/labels.ts";
import { SEARCH_PATH } from "~/modules/search/components/search-url.ts";

export const meta: MetaFunction = () => [
  { title: "Techex — Sàn giao dịch công nghệ và thiết bị" },
  { name: "description", content: "Technology and equipment exchange: offers, needs, brokers and deals." },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const [page, locale] = await Promise.all([getHomePage(), getLocale(request)]);
  return json({ ...page, locale });
}

export default function HomePage() {
  const { latest, featured, counts, sectors, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const stats = [
    { key: "TECHNOLOGY_OFFER", value: counts.TECHNOLOGY_OFFER },
    { key: "EQUIPMENT_OFFER", value: counts.EQUIPMENT_OFFER },
    { key: "TECHNOLOGY_REQUEST", value: counts.TECHNOLOGY_REQUEST },
  ];
  return (
    <>
      <section className="hero">
        <div className="hero__text">
          <h1>{t("home.title")}</h1>
          <p className="lead">{t("home.lead")}</p>
          <HomeSearch />
          <p className="hero__actions">
            <Link to="/signup" className="button">
              {t("home.cta")}
            </Link>
            <a href="#latest" className="button button--ghost">
              {t("home.browse")}
            </a>
          </p>
        </div>
        <dl className="stats" aria-label={t("home.statsLabel")}>
          {stats.map((s) => (
            <div key={s.key} className="stat">
              <dt>{t(`listingTypePlural.${s.key}`)}</dt>
              <dd>{formatNumber(s.value, locale)}</dd>
            </div>
          ))}
          <div className="stat">
            <dt>{t("home.organisations")}</dt>
            <dd>{formatNumber(counts.organisations, locale)}</dd>
          </div>
        </dl>
      </section>

      {featured.length ? (
        <section aria-labelledby="featured-title" className="section">
          <h2 id="featured-title">{t("home.featured")}</h2>
          <div className="grid">
            {featured.map((l) => (
              <ListingCard key={l.id} listing={l} locale={locale} />
            ))}
          </div>
        </section>
      ) : null}

      <section aria-labelledby="latest-title" className="section" id="latest">
        <h2 id="latest-title">{t("home.latest")}</h2>
        {latest.length ? (
          <div className="grid">
            {latest.map((l) => (
              <ListingCard key={l.id} listing={l} locale={locale} />
            ))}
          </div>
        ) : (
          <p className="empty">{t("home.empty")}</p>
        )}
      </section>

      <section aria-labelledby="sectors-title" className="section">
        <h2 id="sectors-title">{t("home.sectors")}</h2>
        <p className="muted">{t("homeSearch.sectorsHint")}</p>
        <ul className="sector-grid">
          {sectors.map((s) => (
            <li key={s.code}>
              <Link to={`${SEARCH_PATH}?${new URLSearchParams({ sector: s.code })}`} className="sector-tile">
                <span className="sector-tile__code">{s.code}</span>
                <span className="sector-tile__label">{sectorLabel(s, locale)}</span>
                <span className="sector-tile__count">{t("home.listingCount", { count: s.count })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
