import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import inquiriesStylesheet from "~/modules/inquiries/components/inquiries.css";
import { MessageList } from "~/modules/inquiries/components/message-list.tsx";
import { closeInquiry, getThread, markInquiryRead, replyToInquiry, takeOverInquiry, type ThreadResult } from "~/modules/inquiries/inquiries.server.ts";
import { INQUIRY_LIMITS, threadActionSchema } from "~/modules/inquiries/schema.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: inquiriesStylesheet }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.thread.listing.title} — Techex` : "Techex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const thread = await getThread(actor, params.id ?? "");
  invariantResponse(thread, "Not found", { status: 404 });
  return json({ thread, locale: await getLocale(request) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const id = params.id ?? "";
  const parsed = threadActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) {
    const fieldErrors = parsed.error.flatten().fieldErrors as Record<string, string[] | undefined>;
    return json({ intent: null, error: fieldErrors.body?.[0] ?? "errors.chooseOne" }, { status: 400 });
  }
  const input = parsed.data;
  const meta = { ipAddress: context.clientIp };
  let result: ThreadResult;
  switch (input.intent) {
    case "reply":
      result = await replyToInquiry(actor, id, input.body);
      break;
    case "read":
      result = await markInquiryRead(actor, id);
      break;
    case "close":
      result = await closeInquiry(actor, id, meta);
      break;
    case "takeover":
      result = await takeOverInquiry(actor, id, meta);
      break;
  }
  invariantResponse(result.ok || result.status !== 404, "Not found", { status: 404 });
  if (!result.ok) return json({ intent: input.intent, error: result.error }, { status: result.status });
  if (input.intent === "read") return json({ intent: input.intent, error: null });
  // No hash in the URL: a redirect that only changes the hash would skip the loaders.
  return redirect(`/inquiries/${id}${input.intent === "reply" ? "" : `?notice=${input.intent}`}`);
}

const NOTICES = ["sent", "existing", "close", "takeover"] as const;

export default function InquiryThreadPage() {
  const { thread, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation();
  const notice = NOTICES.find((n) => n === searchParams.get("notice"));
  const replying = navigation.state === "submitting" && navigation.formData?.get("intent") === "reply";
  const formRef = useRef<HTMLFormElement>(null);
  useMarkRead(thread.id, thread.unreadCount);
  useEffect(() => {
    if (!replying) formRef.current?.reset();
  }, [replying]);
  const replyError = result?.intent === "reply" || result?.intent === null ? result.error : null;

  return (
    <article>
      <p className="breadcrumbs">
        <Link to="/inquiries">{t("inquiries.inbox.title")}</Link> / {t("inquiries.thread.breadcrumb")}
      </p>
      <header className="page-header">
        <span className={`badge badge--status-${thread.status.toLowerCase()}`}>{t(`inquiries.status.${thread.status}`)}</span>{" "}
        <span className={`badge badge--${thread.listing.type.toLowerCase()}`}>{t(`listingType.${thread.listing.type}`)}</span>
        <h1 dir="auto" lang={thread.listing.language}>
          <Link to={`/listings/${thread.listing.id}`}>{thread.listing.title}</Link>
        </h1>
        <p className="muted">
          {t("inquiries.thread.started", { date: formatDate(thread.createdAt, locale), organisation: thread.fromOrganisation.name })}
        </p>
      </header>
      {notice ? (
        <p className="notice notice--ok" role="status">
          {t(`inquiries.notice.${notice}`)}
        </p>
      ) : null}
      {result?.error && result.intent !== "reply" && result.intent !== null ? <ErrorList errors={[result.error]} /> : null}

      <div className="thread-layout">
        <section aria-labelledby="messages-title" className="stack">
          <h2 id="messages-title">{t("inquiries.thread.messages")}</h2>
          <MessageList messages={thread.messages} locale={locale} />
          {thread.viewer.canReply ? (
            <Form method="post" className="card stack reply-form" ref={formRef} preventScrollReset>
              <input type="hidden" name="intent" value="reply" />
              <div className={replyError ? "field field--invalid" : "field"}>
                <label htmlFor="reply-body">{t("inquiries.thread.reply")}</label>
                <textarea
                  id="reply-body"
                  name="body"
                  required
                  maxLength={INQUIRY_LIMITS.reply.max}
                  aria-invalid={replyError ? true : undefined}
                  aria-describedby={replyError ? "reply-body-error" : undefined}
                />
                <p className="field-hint">{thread.viewer.side === "centre" ? t("inquiries.thread.replyAsCentre") : t("inquiries.thread.replyHint")}</p>
                <ErrorList id="reply-body-error" errors={replyError ? [replyError] : undefined} />
              </div>
              <button type="submit" className="button" disabled={replying}>
                {t("inquiries.thread.send")}
              </button>
            </Form>
          ) : thread.status === "CLOSED" ? (
            <p className="notice">{t("inquiries.thread.closedNotice", { date: thread.closedAt ? formatDate(thread.closedAt, locale) : "" })}</p>
          ) : null}
        </section>

        <aside className="stack">
          <section className="card" aria-labelledby="parties-title">
            <h2 id="parties-title">{t("inquiries.thread.parties")}</h2>
            <dl className="parties">
              <div>
                <dt>{t("inquiries.thread.listingOwner")}</dt>
                <dd dir="auto">
                  <Link to={`/orgs/${thread.listing.organisation.id}`}>{thread.listing.organisation.name}</Link>
                </dd>
              </div>
              <div>
                <dt>{t("inquiries.thread.inquirer")}</dt>
                <dd dir="auto">
                  <Link to={`/orgs/${thread.fromOrganisation.id}`}>{thread.fromOrganisation.name}</Link>
                  {thread.createdByName ? (
                    <span className="muted">
                      {" · "}
                      <bdi>{thread.createdByName}</bdi>
                    </span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>{t("inquiries.thread.broker")}</dt>
                <dd>{thread.assignedBrokerName ?? t("inquiries.thread.noBroker")}</dd>
              </div>
            </dl>
          </section>
          <section className="card" aria-labelledby="answers-title">
            <h2 id="answers-title">{t("inquiries.thread.answers")}</h2>
            <dl className="answers">
              <div>
                <dt>{t("inquiries.fields.need")}</dt>
                <dd dir="auto">{thread.need}</dd>
              </div>
              <div>
                <dt>{t("inquiries.fields.intendedUse")}</dt>
                <dd dir="auto">{thread.intendedUse}</dd>
              </div>
              <div>
                <dt>{t("inquiries.fields.timeline")}</dt>
                <dd dir="auto">{thread.timeline}</dd>
              </div>
            </dl>
          </section>
          <section className="card stack" aria-labelledby="actions-title">
            <h2 id="actions-title">{t("inquiries.thread.actions")}</h2>
            {thread.dealId ? (
              <p>
                <Link to={`/deals/${thread.dealId}`}>{t("inquiries.thread.viewDeal")}</Link>
              </p>
            ) : thread.viewer.canOpenDeal ? (
              <Form method="post" action="/deals/new">
                <input type="hidden" name="inquiryId" value={thread.id} />
                <button type="submit" className="button">
                  {t("inquiries.thread.openDeal")}
                </button>
                <p className="field-hint">{t("inquiries.thread.openDealHint")}</p>
              </Form>
            ) : null}
            {thread.viewer.canClose ? (
              <Form
                method="post"
                onSubmit={(event) => {
                  if (!window.confirm(t("inquiries.thread.closeConfirm"))) event.preventDefault();
                }}
              >
                <button type="submit" name="intent" value="close" className="button button--ghost">
                  {t("inquiries.thread.close")}
                </button>
              </Form>
            ) : null}
          </section>
        </aside>
      </div>
    </article>
  );
}

/** Marks the thread read once it is on screen, with a POST (GET never changes state). */
function useMarkRead(inquiryId: string, unread: number) {
  const fetcher = useFetcher();
  const { submit } = fetcher;
  useEffect(() => {
    if (unread > 0) submit({ intent: "read" }, { method: "post", action: `/inquiries/${inquiryId}` });
  }, [inquiryId, unread, submit]);
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
