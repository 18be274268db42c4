import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { requireVerifiedEmail } from "~/modules/auth/verification.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { ListingForm } from "~/modules/listings/components/listing-form.tsx";
import { parseListingForm, refuse, submitIfAsked } from "~/modules/listings/form-actions.server.ts";
import { createListing } from "~/modules/listings/listings.server.ts";
import { getListingFormOptions, listPostingOrganisations } from "~/modules/listings/queries.server.ts";
import { LISTING_TYPES } from "~/modules/listings/schema.ts";

const typeParam = z.object({ type: z.enum(LISTING_TYPES).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const parsed = typeParam.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const [organisations, options, locale] = await Promise.all([listPostingOrganisations(actor), getListingFormOptions(), getLocale(request)]);
  return json({ type: parsed.success ? (parsed.data.type ?? null) : null, organisations, options, locale });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const formData = await readForm(request);
  const parsed = parseListingForm(formData);
  if (!parsed.ok) return parsed.response;
  const organisationId = z.string().min(1).safeParse(formData.get("organisationId"));
  if (!organisationId.success) return refuse(parsed.submission, { organisationId: ["errors.chooseOne"] });
  const result = await createListing(actor, organisationId.data, parsed.value);
  if (!result.ok) return refuse(parsed.submission, result.fieldErrors);
  const submitError = await submitIfAsked(actor, formData.get("intent"), result.id);
  return redirect(`/listings/${result.id}/edit?${submitError ? `error=${submitError}` : "saved=1"}`);
}

export default function NewListingPage() {
  const { type, organisations, options, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation();
  if (organisations.length === 0) {
    return (
      <section className="empty">
        <h1>{t("listingForm.newTitle")}</h1>
        <p>{t("listingForm.needOrganisation")}</p>
        <Link to="/orgs/new" className="button">
          {t("dashboard.newOrganisation")}
        </Link>
      </section>
    );
  }
  if (!type) {
    return (
      <section>
        <h1>{t("listingForm.newTitle")}</h1>
        <p className="lead">{t("listingForm.chooseType")}</p>
        <ul className="grid type-choice">
          {LISTING_TYPES.map((ty) => (
            <li key={ty} className={`card listing-card listing-card--${ty.toLowerCase()}`}>
              <h2>
                <Link to={`/listings/new?type=${ty}`}>{t(`listingType.${ty}`)}</Link>
              </h2>
              <p className="muted">{t(`listingForm.typeHelp.${ty}`)}</p>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  return (
    <section className="form-page form-page--wide">
      <p className="breadcrumbs">
        <Link to="/my/listings">{t("myListings.title")}</Link> / {t(`listingType.${type}`)}
      </p>
      <h1>{t("listingForm.newTitleOf", { type: t(`listingType.${type}`) })}</h1>
      <ListingForm
        type={type}
        values={{ language: locale, countryCode: "VN", priceType: "NEGOTIABLE", quantity: 1, organisationId: organisations.length === 1 ? organisations[0]!.id : "" }}
        options={options}
        locale={locale}
        lastResult={lastResult}
        organisations={organisations}
        submitLabels={[
          { intent: "save", label: t("listingForm.saveDraft") },
          { intent: "save-submit", label: t("listingForm.saveAndSubmit"), primary: true },
        ]}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
