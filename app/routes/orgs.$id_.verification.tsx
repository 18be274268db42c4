import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { readAttachmentForm } from "~/modules/listings/attachments.server.ts";
import { REGISTRATION_KINDS, verificationSubmissionSchema } from "~/modules/orgs/schema.ts";
import { getVerificationPage, requireVerificationSubmitter, submitVerification } from "~/modules/orgs/verification.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.organisation.name} — Techex` : "Techex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const page = await getVerificationPage(actor, params.id ?? "");
  return json({ ...page, locale: await getLocale(request) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const organisationId = params.id ?? "";
  // 404 or 403 before reading a body that may be large.
  await requireVerificationSubmitter(actor, organisationId);
  const form = await readAttachmentForm(request);
  if (!form.ok) return json({ status: "error" as const, error: { "": form.errors.map((e) => e.message) } }, { status: form.status });
  const submission = parseWithZod(form.formData, { schema: verificationSubmissionSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const files = form.formData.getAll("files").filter((v): v is File => typeof v !== "string");
  const result = await submitVerification(actor, organisationId, submission.value, files, { ipAddress: context.clientIp });
  if (!result.ok) return json(submission.reply({ formErrors: [result.error] }), { status: result.error === "verification.errors.alreadyPending" ? 409 : 400 });
  return redirect(`/orgs/${organisationId}/verification?submitted=1`);
}

export default function OrganisationVerificationPage() {
  const { organisation: o, submissions, canSubmit, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "verification",
    lastResult: lastResult && "initialValue" in lastResult ? lastResult : undefined,
    constraint: getZodConstraint(verificationSubmissionSchema),
    defaultValue: { registrationKind: o.kind === "ENTERPRISE" ? "ENTERPRISE_CODE" : undefined, registeredName: o.name, registrationNumber: o.taxCode ?? undefined },
    shouldValidate: "onBlur",
    // An error goes as soon as the field is right, not on blur: the button must not move under a click.
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: verificationSubmissionSchema }),
  });
  const uploadErrors = lastResult && !("initialValue" in lastResult) ? lastResult.error?.[""] : undefined;
  return (
    <section className="form-page">
      <p className="breadcrumbs">
        <Link to="/dashboard">{t("nav.dashboard")}</Link> / <Link to={`/orgs/${o.id}`}>{o.name}</Link>
      </p>
      <h1 dir="auto">{t("verification.title", { name: o.name })}</h1>
      <p className="lead">{t("verification.lead")}</p>
      {searchParams.get("submitted") ? (
        <p className="notice notice--ok" role="status">
          {t("verification.form.submitted")}
        </p>
      ) : null}
      <p>
        {t("verification.status.label")}:{" "}
        <strong className={`badge verification-status verification-status--${o.verificationStatus.toLowerCase()}`}>{t(`verification.status.${o.verificationStatus}`)}</strong>
      </p>
      <p className="muted">{t(`verification.statusLead.${o.verificationStatus}`, { date: o.verifiedAt ? formatDate(o.verifiedAt, locale) : "" })}</p>

      {canSubmit ? (
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="stack card">
          <h2>{t("verification.form.title")}</h2>
          <SelectField
            label={t("verification.form.kind")}
            hint={t("verification.form.kindHint")}
            errors={fields.registrationKind.errors}
            selectProps={getSelectProps(fields.registrationKind)}
            options={REGISTRATION_KINDS.map((k) => ({ value: k, label: t(`verification.kind.${k}`) }))}
          />
          <Field
            label={t("verification.form.number")}
            hint={t("verification.form.numberHint")}
            errors={fields.registrationNumber.errors}
            inputProps={{ ...getInputProps(fields.registrationNumber, { type: "text" }), autoComplete: "off" }}
          />
          <Field label={t("verification.form.name")} errors={fields.registeredName.errors} inputProps={getInputProps(fields.registeredName, { type: "text" })} />
          <Field
            label={t("verification.form.document")}
            hint={t("verification.form.documentHint")}
            required
            inputProps={{ id: "verification-document", name: "files", type: "file", accept: "application/pdf,image/jpeg,image/png", required: true }}
          />
          <ErrorList id={form.errorId} errors={form.errors ?? uploadErrors} />
          <button type="submit" className="button">
            {t("verification.form.submit")}
          </button>
        </Form>
      ) : null}

      <section className="section" aria-labelledby="verification-history">
        <h2 id="verification-history">{t("verification.history")}</h2>
        {submissions.length === 0 ? <p className="empty">{t("verification.noSubmissions")}</p> : null}
        <ol className="list">
          {submissions.map((s) => (
            <li key={s.id} className="list__item card">
              <p>
                <span className={`badge verification-status verification-status--${s.status.toLowerCase()}`}>{t(`verification.status.${s.status}`)}</span>{" "}
                {t(`verification.kind.${s.registrationKind}`)}: <strong>{s.registrationNumber}</strong> · <span dir="auto">{s.registeredName}</span>
              </p>
              <p className="muted">
                {t("verification.submittedBy", { name: s.submittedBy?.name ?? "—", date: formatDate(s.createdAt, locale) })}
                {s.decidedAt ? ` · ${t("verification.decidedOn", { date: formatDate(s.decidedAt, locale) })}` : ""}
              </p>
              {s.rejectionReason ? (
                <p className="pre-line" dir="auto">
                  {t("verification.reason", { reason: s.rejectionReason })}
                </p>
              ) : null}
              <p>
                {t("verification.document")}:{" "}
                <a href={`/orgs/${o.id}/verification/${s.id}`} dir="auto">
                  {s.documentName}
                </a>
              </p>
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
