import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate, formatMoney, formatNumber } from "~/modules/i18n/format.ts";
import { listPaymentsForAdmin } from "~/modules/payments/queries.server.ts";
import { adminPaymentsQuery, PAYMENT_PURPOSES, PAYMENT_STATUSES } from "~/modules/payments/schema.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const filters = adminPaymentsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [data, locale] = await Promise.all([listPaymentsForAdmin(actor, filters), getLocale(request)]);
  return json({ ...data, locale });
}

export default function AdminPaymentsPage() {
  const { payments, events, totals, errorCount, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("payments.admin.title")}</h1>
      <Form method="get" className="filters field-row">
        <label>
          {t("payments.admin.status")}{" "}
          <select name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">{t("payments.admin.all")}</option>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`payments.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("payments.admin.purpose")}{" "}
          <select name="purpose" defaultValue={params.get("purpose") ?? ""}>
            <option value="">{t("payments.admin.all")}</option>
            {PAYMENT_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`payments.purpose.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("payments.admin.events")}{" "}
          <select name="events" defaultValue={params.get("events") ?? "all"}>
            <option value="all">{t("payments.admin.allEvents")}</option>
            <option value="errors">{t("payments.admin.errorEvents", { count: errorCount })}</option>
          </select>
        </label>
        <button type="submit" className="button button--small">
          {t("payments.admin.filter")}
        </button>
      </Form>
      {totals.length ? (
        <ul className="tags">
          {totals.map((s) => (
            <li key={`${s.status}-${s.currency}`}>
              {t(`payments.status.${s.status}`)}: {formatNumber(s.count, locale)} · {formatMoney(s.amount, s.currency, locale)}
            </li>
          ))}
        </ul>
      ) : null}
      <h2>{t("payments.admin.payments")}</h2>
      {payments.length === 0 ? (
        <p className="empty">{t("payments.admin.noPayments")}</p>
      ) : (
        <table className="table admin-payments">
          <thead>
            <tr>
              <th scope="col">{t("payments.admin.created")}</th>
              <th scope="col">{t("payments.admin.purpose")}</th>
              <th scope="col">{t("payments.admin.organisation")}</th>
              <th scope="col">{t("payments.admin.amount")}</th>
              <th scope="col">{t("payments.admin.status")}</th>
              <th scope="col">Stripe</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/payments/${p.id}`}>{formatDate(p.createdAt, locale)}</Link>
                </td>
                <td>
                  {t(`payments.purpose.${p.purpose}`)}
                  <br />
                  {p.listing ? (
                    <Link to={`/listings/${p.listing.id}`} dir="auto">
                      {p.listing.title}
                    </Link>
                  ) : p.fee ? (
                    <Link to={`/deals/${p.fee.deal.id}`} dir="auto">
                      {p.fee.deal.title}
                    </Link>
                  ) : null}
                </td>
                <td dir="auto">{p.organisation.name}</td>
                <td>{formatMoney(p.amount, p.currency, locale)}</td>
                <td>
                  <span className={`badge badge--payment-${p.status.toLowerCase()}`}>{t(`payments.status.${p.status}`)}</span>
                </td>
                <td>
                  <code className="muted">{p.stripePaymentIntentId ?? p.stripeCheckoutSessionId ?? "—"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("payments.admin.stripeEvents")}</h2>
      {events.length === 0 ? (
        <p className="empty">{t("payments.admin.noEvents")}</p>
      ) : (
        <table className="table admin-events">
          <thead>
            <tr>
              <th scope="col">{t("payments.admin.received")}</th>
              <th scope="col">{t("payments.admin.type")}</th>
              <th scope="col">{t("payments.admin.eventId")}</th>
              <th scope="col">{t("payments.admin.result")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} className={e.error ? "row--error" : undefined}>
                <td>{formatDate(e.createdAt, locale)}</td>
                <td>
                  <Link to={`?type=${encodeURIComponent(e.type)}`}>{e.type}</Link>
                </td>
                <td>
                  <code>{e.id}</code>
                </td>
                <td>{e.error ? <span className="field-errors">{e.error}</span> : e.processedAt ? t("payments.admin.processed") : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
