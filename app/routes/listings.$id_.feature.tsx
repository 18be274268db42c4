import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { requireVerifiedEmail } from "~/modules/auth/verification.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import { checkoutRefusalStatus, publicOrigin } from "~/modules/payments/checkout.server.ts";
import { getFeaturePage, startFeaturedCheckout } from "~/modules/payments/featured.server.ts";
import { featureCheckoutSchema, PAYMENT_CURRENCIES } from "~/modules/payments/schema.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.listing.title} — Techex` : "Techex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const [page, locale] = await Promise.all([getFeaturePage(actor, params.id ?? ""), getLocale(request)]);
  return json({ ...page, locale });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const parsed = featureCheckoutSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: "payments.errors.currency" as const }, { status: 400 });
  const locale = await getLocale(request);
  const result = await startFeaturedCheckout(actor, params.id ?? "", parsed.data, { origin: publicOrigin(request), locale });
  if (result.ok) return redirect(result.url, 303);
  return json({ error: `payments.errors.${result.reason}` as const }, { status: checkoutRefusalStatus(result.reason) });
}

export default function FeatureListingPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const [currency, setCurrency] = useState<"VND" | "USD">(data.locale === "en" ? "USD" : "VND");
  const { locale } = data;
  const disabled = !data.configured || !data.listing.published;
  return (
    <section className="form-page">
      <p className="breadcrumbs">
        <Link to={`/listings/${data.listing.id}`} dir="auto" lang={data.listing.language}>
          {data.listing.title}
        </Link>
      </p>
      <h1>{t("payments.feature.title")}</h1>
      <p className="lead">{t("payments.feature.lead", { days: data.days })}</p>
      {params.get("cancelled") ? <p className="notice">{t("payments.feature.cancelled")}</p> : null}
      {data.featuredUntil ? (
        <p className="notice notice--ok">{t("payments.feature.featuredUntil", { date: formatDate(data.featuredUntil, locale, "long") })}</p>
      ) : null}
      {data.pendingPaymentId ? (
        <p className="notice">
          {t("payments.feature.pending")} <Link to={`/payments/${data.pendingPaymentId}`}>{t("payments.feature.seeReceipt")}</Link>
        </p>
      ) : null}
      {!data.listing.published ? <p className="notice notice--warn">{t("payments.feature.notPublished")}</p> : null}
      {!data.configured ? (
        <p className="notice notice--warn" role="status">
          {t("payments.notConfigured")}
        </p>
      ) : null}
      <Form method="post" reloadDocument className="stack card">
        <fieldset className="choice-group">
          <legend>{t("payments.feature.currency")}</legend>
          {PAYMENT_CURRENCIES.map((c) => (
            <label key={c} className="choice">
              <input type="radio" name="currency" value={c} checked={currency === c} onChange={() => setCurrency(c)} disabled={disabled} />{" "}
              {t(`payments.feature.price${c}`, { price: formatMoney(data.prices[c], c, locale) })}
            </label>
          ))}
        </fieldset>
        <p className="muted">
          {t("payments.feature.period", {
            from: formatDate(data.nextStart, locale, "long"),
            to: formatDate(new Date(new Date(data.nextStart).getTime() + data.days * 86_400_000), locale, "long"),
          })}
        </p>
        {actionData?.error ? (
          <p className="field-errors" role="alert">
            {t(actionData.error)}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={disabled || navigation.state !== "idle"} title={data.configured ? undefined : t("payments.notConfigured")}>
          {data.configured ? t("payments.feature.submit") : t("payments.notConfigured")}
        </button>
        <p className="muted">{t("payments.feature.stripeNote")}</p>
      </Form>
      {data.placements.length ? (
        <section className="section">
          <h2>{t("payments.feature.placements")}</h2>
          <ul>
            {data.placements.map((p) => (
              <li key={p.id}>
                <Link to={`/payments/${p.paymentId}`}>
                  {formatDate(p.startsAt, locale)} – {formatDate(p.endsAt, locale)}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
