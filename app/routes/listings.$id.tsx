import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { invariantResponse } from "~/lib/http.server.ts";
import { getActor } from "~/modules/auth/actor.server.ts";
import inquiriesStylesheet from "~/modules/inquiries/components/inquiries.css";
import { NdaPanel } from "~/modules/inquiries/components/nda-panel.tsx";
import { findOpenInquiryFor } from "~/modules/inquiries/inquiries.server.ts";
import { getNdaPanel } from "~/modules/inquiries/nda.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import { ListingCard } from "~/components/listing-card.tsx";
import { attachmentsStylesheet, Gallery } from "~/modules/listings/components/gallery.tsx";
import { getPublicListingPage, getRelatedListings } from "~/modules/listings/queries.server.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: attachmentsStylesheet },
  { rel: "stylesheet", href: inquiriesStylesheet },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.listing.title} — Techex` : "Techex" },
  { name: "description", content: data?.listing.summary ?? "" },
];

export async function loader({ params, request }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  const page = await getPublicListingPage(params.id ?? "", { fresh: (organisationId) => actor?.organisationIds.includes(organisationId) ?? false });
  invariantResponse(page, "Not found", { status: 404 });
  const { listing, attachments } = page;
  const num = (v: bigint | null) => (v === null ? null : Number(v));
  const { description: _markdown, ...shown } = listing;
  const [related, nda, openInquiryId] = await Promise.all([
    getRelatedListings(listing),
    // Confidential details are loaded only for the owner and organisations that accepted the NDA.
    getNdaPanel(actor, listing.id),
    actor ? findOpenInquiryFor(actor, listing.id) : null,
  ]);
  const isOwner = actor?.organisationIds.includes(listing.organisation.id) ?? false;
  return json({
    locale: await getLocale(request),
    related,
    attachments,
    nda,
    viewer: { signedIn: actor !== null, isOwner, openInquiryId },
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

/** Counts the view once the page is shown, with a POST (GET never changes state). */
function useCountView(id: string) {
  useEffect(() => {
    void fetch(`/listings/${id}/view`, { method: "POST", keepalive: true }).catch(() => {});
  }, [id]);
}

export default function ListingPage() {
  const { listing: l, locale, related, attachments, nda, viewer } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const [searchParams] = useSearchParams();
  const ndaNotice = searchParams.get("nda");
  useCountView(l.id);
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
  if (l.preferredProvinces.length) facts.push([t("listing.preferredProvinces"), l.preferredProvinces.map((p) => provinceLabel(p, locale)).join(", ")]);
  if (l.transferObjects.length) facts.push([t("listing.transferObjects"), l.transferObjects.map((o) => t(`transferObject.${o}`)).join(", ")]);
  if (l.quantity) facts.push([t("listing.quantity"), String(l.quantity)]);
  if (l.leaseAvailable) facts.push([t("listing.lease"), t("listing.leaseAvailable")]);
  const province = provinceLabel(l.province, locale);
  if (province) facts.push([t("listing.province"), province]);
  const specifications = l.specifications && typeof l.specifications === "object" ? Object.entries(l.specifications as Record<string, string>) : [];

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
        {l.keywords.length ? (
          <ul className="tags tags--keywords" aria-label={t("listing.keywords")} lang={l.language} dir="auto">
            {l.keywords.map((k) => (
              <li key={k}>#{k}</li>
            ))}
          </ul>
        ) : null}
      </header>
      <Gallery attachments={attachments} title={l.title} />
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
          {specifications.length ? (
            <>
              <h2>{t("listing.specifications")}</h2>
              <table className="specs">
                <tbody>
                  {specifications.map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          {l.partnerSought ? (
            <>
              <h2>{t("listing.partnerSought")}</h2>
              <p className="pre-line">{l.partnerSought}</p>
            </>
          ) : null}
          {l.hasConfidential && nda.kind === "locked" ? (
            <aside className="notice confidential-notice" lang={locale} dir="ltr">
              <strong>{t("listing.confidentialTitle")}</strong> {t("listing.confidentialBody")}
            </aside>
          ) : null}
          {ndaNotice === "accepted" && nda.kind === "unlocked" ? (
            <p className="notice notice--ok" role="status" lang={locale} dir="ltr">
              {t("inquiries.nda.acceptedNotice")}
            </p>
          ) : ndaNotice === "changed" && nda.kind === "locked" ? (
            <p className="notice notice--warn" role="alert" lang={locale} dir="ltr">
              {t("inquiries.nda.changed")}
            </p>
          ) : null}
          <NdaPanel panel={nda} listingId={l.id} locale={locale} language={l.language} />
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
          <p className="muted">{t("listing.views", { count: l.viewCount })}</p>
          <div className="listing-actions no-print">
            {viewer.isOwner ? (
              <>
                <Link to={`/listings/${l.id}/matches`} className="button button--ghost">
                  {t("inquiries.listing.matches")}
                </Link>
                <Link to={`/listings/${l.id}/feature`} className="button button--ghost">
                  {t("inquiries.listing.feature")}
                </Link>
              </>
            ) : null}
            {viewer.openInquiryId ? (
              <Link to={`/inquiries/${viewer.openInquiryId}`} className="button">
                {t("inquiries.listing.viewInquiry")}
              </Link>
            ) : !viewer.isOwner ? (
              <Link
                to={viewer.signedIn ? `/listings/${l.id}/inquire` : `/login?redirectTo=${encodeURIComponent(`/listings/${l.id}/inquire`)}`}
                className="button"
              >
                {t("inquiries.listing.inquire")}
              </Link>
            ) : null}
          </div>
          <p className="no-print">
            <button type="button" className="button button--ghost button--small" onClick={() => window.print()}>
              {t("listing.print")}
            </button>
          </p>
        </aside>
      </div>
      <section className="card org-card section" aria-labelledby="about-org">
        <p className="eyebrow">{t(`orgKind.${l.organisation.kind}`)}</p>
        <h2 id="about-org" dir="auto">
          <Link to={`/orgs/${l.organisation.id}`}>{l.organisation.name}</Link>
          {l.organisation.verifiedAt ? <span className="badge badge--verified">{t("org.verified")}</span> : null}
        </h2>
        {l.organisation.description ? (
          <p className="pre-line" dir="auto">
            {l.organisation.description}
          </p>
        ) : null}
        <p className="muted">{provinceLabel(l.organisation.province, locale)}</p>
      </section>
      {related.length ? (
        <section className="section no-print" aria-labelledby="related-title">
          <h2 id="related-title">{t("listing.related")}</h2>
          <div className="grid">
            {related.map((r) => (
              <ListingCard key={r.id} listing={r} locale={locale} />
            ))}
          </div>
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
