import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { invariantResponse } from "~/lib/http.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import { getPublicListing } from "~/modules/listings/catalogue.server.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.listing.title} — Techex` : "Techex" },
  { name: "description", content: data?.listing.summary ?? "" },
];

export async function loader({ params, request }: LoaderFunctionArgs) {
  const listing = await getPublicListing(params.id ?? "");
  invariantResponse(listing, "Not found", { status: 404 });
  const num = (v: bigint | null) => (v === null ? null : Number(v));
  const { description: _markdown, ...shown } = listing;
  return json({
    locale: await getLocale(request),
    listing: {
      ...shown,
      priceMin: num(listing.priceMin),
      priceMax: num(listing.priceMax),
      budgetMin: num(listing.budgetMin),
      budgetMax: num(listing.budgetMax),
    },
  });
}

function Range({ min, max, currency, locale }: { min: number | null; max: number | null; currency: "VND" | "USD" | null; locale: "vi" | "en" }) {
  if (!currency || (min === null && max === null)) return null;
  if (min !== null && max !== null && min !== max) return <>{`${formatMoney(min, currency, locale)} – ${formatMoney(max, currency, locale)}`}</>;
  return <>{formatMoney((min ?? max)!, currency, locale)}</>;
}

export default function ListingPage() {
  const { listing: l, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const facts: [string, React.ReactNode][] = [];
  if (l.trl) facts.push([t("listing.trl"), `TRL ${l.trl}`]);
  if (l.minTrl) facts.push([t("listing.minTrl"), `TRL ${l.minTrl}`]);
  if (l.ipStatus) facts.push([t("listing.ipStatus"), `${t(`ipStatus.${l.ipStatus}`)}${l.ipNumbers.length ? ` (${l.ipNumbers.join(", ")})` : ""}`]);
  if (l.condition) facts.push([t("listing.condition"), t(`condition.${l.condition}`)]);
  if (l.manufacturer) facts.push([t("listing.manufacturer"), [l.manufacturer, l.model, l.manufactureYear].filter(Boolean).join(" · ")]);
  if (l.type !== "TECHNOLOGY_REQUEST")
    facts.push([t("listing.price"), l.priceType === "FIXED" || l.priceMin || l.priceMax ? <Range min={l.priceMin} max={l.priceMax} currency={l.currency} locale={locale} /> : t(`priceType.${l.priceType}`)]);
  if (l.budgetCurrency) facts.push([t("listing.budget"), <Range key="b" min={l.budgetMin} max={l.budgetMax} currency={l.budgetCurrency} locale={locale} />]);
  if (l.deadline) facts.push([t("listing.deadline"), formatDate(l.deadline, locale)]);
  if (l.transferModes.length) facts.push([t("listing.transferModes"), l.transferModes.map((m) => t(`transferMode.${m}`)).join(", ")]);
  const province = provinceLabel(l.province, locale);
  if (province) facts.push([t("listing.province"), province]);

  return (
    <article className="listing-page">
      <p className="breadcrumbs">
        <Link to="/">{t("nav.home")}</Link> / {t(`listingType.${l.type}`)}
      </p>
      <header className="listing-page__header">
        <span className={`badge badge--${l.type.toLowerCase()}`}>{t(`listingType.${l.type}`)}</span>
        <h1 lang={l.language} dir="auto">
          {l.title}
        </h1>
        <p className="lead" lang={l.language} dir="auto">
          {l.summary}
        </p>
        <ul className="tags">
          {l.sectors.map(({ sector }) => (
            <li key={sector.code}>
              {sector.code} {sectorLabel(sector, locale)}
            </li>
          ))}
        </ul>
      </header>
      <div className="listing-page__body">
        <div className="prose" lang={l.language} dir="auto">
          {l.problemStatement ? (
            <>
              <h2>{t("listing.problem")}</h2>
              <p className="pre-line">{l.problemStatement}</p>
            </>
          ) : null}
          <h2>{t("listing.description")}</h2>
          {/* Sanitised on the server by renderMarkdown. */}
          <div dangerouslySetInnerHTML={{ __html: l.descriptionHtml }} />
          {l.advantages ? (
            <>
              <h2>{t("listing.advantages")}</h2>
              <p className="pre-line">{l.advantages}</p>
            </>
          ) : null}
          {l.applications ? (
            <>
              <h2>{t("listing.applications")}</h2>
              <p className="pre-line">{l.applications}</p>
            </>
          ) : null}
        </div>
        <aside className="card listing-page__facts">
          <dl className="facts">
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <p>
            <Link to={`/orgs/${l.organisation.id}`} className="org-link" dir="auto">
              {l.organisation.name}
            </Link>
            <br />
            <span className="muted">{t(`orgKind.${l.organisation.kind}`)}</span>
          </p>
          {l.publishedAt ? <p className="muted">{t("listing.publishedOn", { date: formatDate(l.publishedAt, locale) })}</p> : null}
        </aside>
      </div>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
