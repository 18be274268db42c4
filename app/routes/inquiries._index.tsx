import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import inquiriesStylesheet from "~/modules/inquiries/components/inquiries.css";
import { formatDateTime } from "~/modules/inquiries/format.ts";
import { getInbox } from "~/modules/inquiries/inquiries.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: inquiriesStylesheet }];

export const meta: MetaFunction = () => [{ title: "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [inbox, locale] = await Promise.all([getInbox(actor), getLocale(request)]);
  return json({ ...inbox, locale });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["received"][number];

function InboxList({ rows, locale, counterpart, empty }: { rows: Row[]; locale: Locale; counterpart: "from" | "to" | "both"; empty: string }) {
  const { t } = useTranslation();
  if (!rows.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="inbox-list">
      {rows.map((r) => (
        <li key={r.id} className={r.unread ? "inbox-item inbox-item--unread" : "inbox-item"}>
          <div>
            <h3 className="inbox-item__title" dir="auto" lang={r.listing.language}>
              <Link to={`/inquiries/${r.id}`}>{r.listing.title}</Link>
            </h3>
            <p className="inbox-item__meta" dir="auto">
              {counterpart === "from"
                ? t("inquiries.inbox.from", { organisation: r.fromOrganisation.name })
                : counterpart === "to"
                  ? t("inquiries.inbox.to", { organisation: r.listing.organisation.name })
                  : t("inquiries.inbox.between", { from: r.fromOrganisation.name, to: r.listing.organisation.name })}
            </p>
          </div>
          <div className="inbox-item__side">
            <span className={`badge badge--status-${r.status.toLowerCase()}`}>{t(`inquiries.status.${r.status}`)}</span>
            {r.unread ? (
              <span className="unread-badge" aria-label={t("inquiries.inbox.unreadCount", { count: r.unread })}>
                {r.unread}
              </span>
            ) : null}
            <time dateTime={new Date(r.lastMessageAt).toISOString()}>{formatDateTime(r.lastMessageAt, locale)}</time>
          </div>
        </li>
      ))}
    </ul>
  );
}

export default function InboxPage() {
  const { received, sent, assigned, available, totalUnread, canTakeOver, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section>
      <header className="page-header inbox-summary">
        <h1>{t("inquiries.inbox.title")}</h1>
        <p className="muted" role="status">
          {totalUnread ? t("inquiries.inbox.totalUnread", { count: totalUnread }) : t("inquiries.inbox.allRead")}
        </p>
      </header>

      <section className="section" aria-labelledby="received-title">
        <h2 id="received-title">{t("inquiries.inbox.received")}</h2>
        <InboxList rows={received} locale={locale} counterpart="from" empty={t("inquiries.inbox.noneReceived")} />
      </section>

      <section className="section" aria-labelledby="sent-title">
        <h2 id="sent-title">{t("inquiries.inbox.sent")}</h2>
        <InboxList rows={sent} locale={locale} counterpart="to" empty={t("inquiries.inbox.noneSent")} />
      </section>

      {canTakeOver ? (
        <>
          <section className="section" aria-labelledby="assigned-title">
            <h2 id="assigned-title">{t("inquiries.inbox.assigned")}</h2>
            <InboxList rows={assigned} locale={locale} counterpart="both" empty={t("inquiries.inbox.noneAssigned")} />
          </section>
          <section className="section" aria-labelledby="available-title">
            <h2 id="available-title">{t("inquiries.inbox.available")}</h2>
            <p className="muted">{t("inquiries.inbox.availableHint")}</p>
            {available.length ? (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("inquiries.inbox.listing")}</th>
                    <th scope="col">{t("inquiries.thread.listingOwner")}</th>
                    <th scope="col">{t("inquiries.thread.inquirer")}</th>
                    <th scope="col">{t("inquiries.inbox.opened")}</th>
                    <th scope="col">{t("inquiries.inbox.lastMessage")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t("inquiries.inbox.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {available.map((r) => (
                    <tr key={r.id}>
                      <td dir="auto" lang={r.listing.language}>
                        <Link to={`/listings/${r.listing.id}`}>{r.listing.title}</Link>
                      </td>
                      <td dir="auto">{r.listing.organisation.name}</td>
                      <td dir="auto">{r.fromOrganisation.name}</td>
                      <td>{formatDate(r.createdAt, locale)}</td>
                      <td>{formatDateTime(r.lastMessageAt, locale)}</td>
                      <td>
                        <Form method="post" action={`/inquiries/${r.id}`}>
                          <button type="submit" name="intent" value="takeover" className="button button--small">
                            {t("inquiries.inbox.takeOver")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">{t("inquiries.inbox.noneAvailable")}</p>
            )}
          </section>
        </>
      ) : assigned.length ? (
        <section className="section" aria-labelledby="assigned-title">
          <h2 id="assigned-title">{t("inquiries.inbox.assigned")}</h2>
          <InboxList rows={assigned} locale={locale} counterpart="both" empty={t("inquiries.inbox.noneAssigned")} />
        </section>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
