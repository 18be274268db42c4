import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { provinceLabel } from "~/modules/listings/labels.ts";
import { VERIFICATION_REASON_LENGTH, verificationDecisionSchema } from "~/modules/orgs/schema.ts";
import { decideVerification, listVerificationQueue, requireVerificationDecider } from "~/modules/orgs/verification.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [queue, locale] = await Promise.all([listVerificationQueue(actor), getLocale(request)]);
  return json({ ...queue, locale });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  requireVerificationDecider(actor);
  const parsed = verificationDecisionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return json({ error: issue?.path[0] === "reason" ? issue.message : "errors.chooseOne", submissionId: null }, { status: 400 });
  }
  const input = parsed.data;
  const result = await decideVerification(actor, input.submissionId, input.intent === "verify" ? { verify: true } : { verify: false, reason: input.reason }, { ipAddress: context.clientIp });
  if (!result.ok) return json({ error: result.error, submissionId: input.submissionId }, { status: 409 });
  return redirect(`/moderation/organisations?decided=${result.organisationId}`);
}

export default function OrganisationQueuePage() {
  const { pending, decided, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  return (
    <section>
      <p className="breadcrumbs">
        <Link to="/moderation">{t("moderation.title")}</Link>
      </p>
      <h1>{t("verification.queue.title")}</h1>
      <p className="lead">{t("verification.queue.lead")}</p>
      {params.get("decided") ? (
        <p className="notice notice--ok" role="status">
          {t("verification.queue.decided")}
        </p>
      ) : null}
      <ErrorList errors={result?.error ? [result.error] : undefined} />

      <h2>{t("verification.queue.pending", { count: pending.length })}</h2>
      {pending.length === 0 ? <p className="empty">{t("verification.queue.empty")}</p> : null}
      <ol className="queue">
        {pending.map((s) => (
          <li key={s.id} className="card queue__item stack" aria-labelledby={`org-${s.id}`}>
            <p className="eyebrow">{t(`orgKind.${s.organisation.kind}`)}</p>
            <h3 id={`org-${s.id}`} dir="auto">
              <Link to={`/orgs/${s.organisation.id}`}>{s.organisation.name}</Link>
            </h3>
            <p className="muted">
              {[provinceLabel(s.organisation.province, locale), s.organisation.website, s.organisation.taxCode ? t("verification.queue.profileTaxCode", { taxCode: s.organisation.taxCode }) : null]
                .filter(Boolean)
                .join(" · ")}
            </p>
            <p>
              {t(`verification.kind.${s.registrationKind}`)}: <strong>{s.registrationNumber}</strong> · <span dir="auto">{s.registeredName}</span>
            </p>
            <p className="muted">
              {t("verification.submittedBy", { name: s.submittedBy ? `${s.submittedBy.name} <${s.submittedBy.email}>` : "—", date: formatDate(s.createdAt, locale) })} ·{" "}
              <a href={`/orgs/${s.organisation.id}/verification/${s.id}`} dir="auto">
                {t("verification.document")}: {s.documentName}
              </a>
            </p>
            <div className="decision">
              <Form method="post">
                <input type="hidden" name="submissionId" value={s.id} />
                <button type="submit" name="intent" value="verify" className="button">
                  {t("verification.queue.verify")}
                </button>
              </Form>
              <Form method="post" className="stack">
                <input type="hidden" name="submissionId" value={s.id} />
                <label htmlFor={`reason-${s.id}`}>{t("verification.queue.reasonLabel")}</label>
                <textarea id={`reason-${s.id}`} name="reason" rows={3} required minLength={VERIFICATION_REASON_LENGTH.min} maxLength={VERIFICATION_REASON_LENGTH.max} />
                <button type="submit" name="intent" value="reject" className="button button--ghost">
                  {t("verification.queue.reject")}
                </button>
              </Form>
            </div>
          </li>
        ))}
      </ol>

      <h2>{t("verification.queue.recent")}</h2>
      <ol className="list">
        {decided.map((s) => (
          <li key={s.id} className="list__item">
            <span className={`badge verification-status verification-status--${s.status.toLowerCase()}`}>{t(`verification.status.${s.status}`)}</span>{" "}
            <Link to={`/orgs/${s.organisation.id}/verification`} dir="auto">
              {s.organisation.name}
            </Link>{" "}
            <span className="muted">
              {s.registrationNumber} · {s.decidedAt ? t("verification.decidedOn", { date: formatDate(s.decidedAt, locale) }) : null}
              {s.decidedBy ? ` · ${s.decidedBy.name}` : ""}
            </span>
            {s.rejectionReason ? (
              <p className="pre-line muted" dir="auto">
                {t("verification.reason", { reason: s.rejectionReason })}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
