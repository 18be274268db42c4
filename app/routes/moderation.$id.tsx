import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { multiLine } from "~/lib/text.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { REASON_LENGTH } from "~/modules/listings/lifecycle.ts";
import { decideRevision, transitionListing } from "~/modules/listings/listings.server.ts";
import { renderMarkdown } from "~/modules/listings/markdown.server.ts";
import { getListingForReview } from "~/modules/listings/queries.server.ts";

const reason = multiLine(z.string().trim().max(REASON_LENGTH.max, "errors.tooLong").default(""));
const decision = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve") }),
  z.object({ intent: z.literal("reject"), reason }),
  z.object({ intent: z.literal("approve-revision"), revisionId: z.string().min(1) }),
  z.object({ intent: z.literal("reject-revision"), revisionId: z.string().min(1), reason }),
]);

/** Fields a reviewer compares between the public version and a pending edit. */
const COMPARED = ["title", "summary", "description", "keywords", "sectorCodes", "provinceCode", "priceType", "priceMin", "priceMax", "currency", "transferModes", "trl", "ipStatus", "condition", "problemStatement", "minTrl", "budgetMin", "budgetMax", "deadline", "confidentialDetails"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const l = await getListingForReview(actor, params.id ?? "");
  const revision = l.revisions[0] ?? null;
  const current: Record<string, unknown> = {
    ...l,
    sectorCodes: l.sectors.map((s) => s.sectorCode),
    confidentialDetails: l.confidential?.details ?? "",
    priceMin: l.priceMin === null ? null : Number(l.priceMin),
    priceMax: l.priceMax === null ? null : Number(l.priceMax),
    budgetMin: l.budgetMin === null ? null : Number(l.budgetMin),
    budgetMax: l.budgetMax === null ? null : Number(l.budgetMax),
    deadline: l.deadline?.toISOString().slice(0, 10) ?? null,
  };
  const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : Array.isArray(v) ? v.join(", ") : typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : String(v));
  const changes = revision
    ? COMPARED.map((field) => ({ field, before: show(current[field]), after: show((revision.data as Record<string, unknown>)[field]) })).filter((c) => c.before !== c.after)
    : [];
  return json({
    locale: await getLocale(request),
    listing: {
      id: l.id,
      type: l.type,
      status: l.status,
      title: l.title,
      summary: l.summary,
      language: l.language,
      problemStatement: l.problemStatement,
      descriptionHtml: renderMarkdown(l.description),
      confidential: l.confidential?.details ?? null,
      organisation: l.organisation,
      submittedAt: l.submittedAt,
      events: l.events,
    },
    revision: revision && { id: revision.id, createdAt: revision.createdAt, changes },
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const id = params.id ?? "";
  const parsed = decision.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: "errors.chooseOne" }, { status: 400 });
  const input = parsed.data;
  const meta = { ipAddress: context.clientIp };
  const result =
    input.intent === "approve"
      ? await transitionListing(actor, id, "approve", meta)
      : input.intent === "reject"
        ? await transitionListing(actor, id, "reject", { ...meta, reason: input.reason })
        : input.intent === "approve-revision"
          ? await decideRevision(actor, input.revisionId, { approve: true }, meta)
          : await decideRevision(actor, input.revisionId, { approve: false, reason: input.reason }, meta);
  if (!result.ok) return json({ error: result.error }, { status: result.error === "errors.staleListing" ? 409 : 400 });
  return redirect(`/moderation?decided=${id}`);
}

/** Approve, or reject with a reason the owner will read; for a listing or for one of its revisions. */
function DecisionForms({
  approve,
  reject,
  idPrefix,
  revisionId,
}: {
  approve: { intent: string; label: string };
  reject: { intent: string; label: string };
  idPrefix: string;
  revisionId?: string;
}) {
  const { t } = useTranslation();
  const revision = revisionId ? <input type="hidden" name="revisionId" value={revisionId} /> : null;
  return (
    <>
      <Form method="post">
        {revision}
        <button type="submit" name="intent" value={approve.intent} className="button">
          {approve.label}
        </button>
      </Form>
      <Form method="post" className="stack">
        {revision}
        <label htmlFor={`${idPrefix}-reason`}>{t("moderation.reason")}</label>
        <textarea id={`${idPrefix}-reason`} name="reason" rows={3} required minLength={REASON_LENGTH.min} maxLength={REASON_LENGTH.max} />
        <button type="submit" name="intent" value={reject.intent} className="button button--ghost">
          {reject.label}
        </button>
      </Form>
    </>
  );
}

export default function ReviewListingPage() {
  const { listing: l, revision, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <article className="review">
      <p className="breadcrumbs">
        <Link to="/moderation">{t("moderation.title")}</Link>
      </p>
      <span className={`badge badge--status-${l.status.toLowerCase()}`}>{t(`listingStatus.${l.status}`)}</span>{" "}
      <span className={`badge badge--${l.type.toLowerCase()}`}>{t(`listingType.${l.type}`)}</span>
      <h1 dir="auto" lang={l.language}>
        {l.title}
      </h1>
      <p className="muted">
        {l.organisation.name} · {t(`orgKind.${l.organisation.kind}`)}
        {l.submittedAt ? ` · ${t("moderation.submitted", { date: formatDate(l.submittedAt, locale) })}` : ""}
      </p>
      <ErrorList errors={result?.error ? [result.error] : undefined} />

      {l.status === "PENDING_REVIEW" ? (
        <div className="card decision">
          <DecisionForms approve={{ intent: "approve", label: t("moderation.approve") }} reject={{ intent: "reject", label: t("moderation.reject") }} idPrefix="listing" />
        </div>
      ) : null}

      {revision ? (
        <section className="card decision stack" aria-labelledby="revision-title">
          <h2 id="revision-title">{t("moderation.revisionTitle", { date: formatDate(revision.createdAt, locale) })}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("moderation.field")}</th>
                <th scope="col">{t("moderation.before")}</th>
                <th scope="col">{t("moderation.after")}</th>
              </tr>
            </thead>
            <tbody>
              {revision.changes.map((c) => (
                <tr key={c.field}>
                  <td>{t(`listingForm.${c.field}`)}</td>
                  <td dir="auto" className="pre-line">
                    {c.before}
                  </td>
                  <td dir="auto" className="pre-line">
                    {c.after}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <DecisionForms
            approve={{ intent: "approve-revision", label: t("moderation.approveRevision") }}
            reject={{ intent: "reject-revision", label: t("moderation.rejectRevision") }}
            idPrefix="revision"
            revisionId={revision.id}
          />
        </section>
      ) : null}

      <section className="prose section" lang={l.language} dir="auto">
        <p className="lead">{l.summary}</p>
        {l.problemStatement ? <p className="pre-line">{l.problemStatement}</p> : null}
        <div dangerouslySetInnerHTML={{ __html: l.descriptionHtml }} />
        {l.confidential ? (
          <>
            <h2>{t("moderation.confidential")}</h2>
            <p className="pre-line">{l.confidential}</p>
          </>
        ) : null}
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
