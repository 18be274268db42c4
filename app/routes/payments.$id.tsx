import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import { getPaymentReceipt } from "~/modules/payments/queries.server.ts";

export const meta: MetaFunction = () => [{ title: "Techex" }, { name: "robots", content: "noindex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [payment, locale] = await Promise.all([getPaymentReceipt(actor, params.id ?? ""), getLocale(request)]);
  return json({ payment, locale });
}

/** Stripe's return lands before its webhook may have: re-check every 2 s for two minutes. */
function useRefreshWhilePending(pending: boolean) {
  const { revalidate, state } = useRevalidator();
  const tries = useRef(0);
  useEffect(() => {
    if (!pending || state !== "idle" || tries.current >= 60) return;
    const timer = setTimeout(() => {
      tries.current++;
      revalidate();
    }, 2000);
    return () => clearTimeout(timer);
  }, [pending, state, revalidate]);
}

export default function PaymentReceiptPage() {
  const { payment: p, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  useRefreshWhilePending(p.status === "PENDING");
  const placement = p.featuredPlacement;
  return (
    <section className="form-page receipt" aria-labelledby="receipt-title">
      <h1 id="receipt-title">{t(`payments.receipt.title.${p.status}`)}</h1>
      <p className={`notice ${p.status === "PAID" ? "notice--ok" : p.status === "PENDING" ? "" : "notice--warn"}`} role="status">
        {t(`payments.receipt.status.${p.status}`)}
      </p>
      <dl className="facts card">
        <div>
          <dt>{t("payments.receipt.purpose")}</dt>
          <dd>{t(`payments.purpose.${p.purpose}`)}</dd>
        </div>
        <div>
          <dt>{t("payments.receipt.amount")}</dt>
          <dd>{formatMoney(p.amount, p.currency, locale)}</dd>
        </div>
        <div>
          <dt>{t("payments.receipt.organisation")}</dt>
          <dd dir="auto">{p.organisation.name}</dd>
        </div>
        <div>
          <dt>{t("payments.receipt.reference")}</dt>
          <dd>
            <code>{p.id}</code>
          </dd>
        </div>
        {p.paidAt ? (
          <div>
            <dt>{t("payments.receipt.paidAt")}</dt>
            <dd>{formatDate(p.paidAt, locale, "long")}</dd>
          </div>
        ) : null}
        {p.refundedAt ? (
          <div>
            <dt>{t("payments.receipt.refundedAt")}</dt>
            <dd>{formatDate(p.refundedAt, locale, "long")}</dd>
          </div>
        ) : null}
        {p.listing ? (
          <div>
            <dt>{t("payments.receipt.listing")}</dt>
            <dd>
              <Link to={`/listings/${p.listing.id}`} dir="auto" lang={p.listing.language}>
                {p.listing.title}
              </Link>
            </dd>
          </div>
        ) : null}
        {p.fee ? (
          <div>
            <dt>{t("payments.receipt.deal")}</dt>
            <dd>
              <Link to={`/deals/${p.fee.deal.id}`} dir="auto">
                {p.fee.deal.title}
              </Link>
              <br />
              <span dir="auto">{p.fee.description}</span>
            </dd>
          </div>
        ) : null}
      </dl>
      {placement && !placement.revokedAt && p.status === "PAID" ? (
        <p className="notice notice--ok featured-granted">
          {t("payments.receipt.featured", { from: formatDate(placement.startsAt, locale, "long"), to: formatDate(placement.endsAt, locale, "long") })}
        </p>
      ) : null}
      {placement?.revokedAt ? <p className="notice notice--warn">{t("payments.receipt.featuredRevoked")}</p> : null}
      {p.fee && p.status === "PAID" ? <p className="notice notice--ok">{t("payments.receipt.feePaid")}</p> : null}
      <p className="no-print">
        <button type="button" className="button button--ghost button--small" onClick={() => window.print()}>
          {t("payments.receipt.print")}
        </button>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
