import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HoneypotInputs } from "~/components/honeypot.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField, TextareaField } from "~/components/forms.tsx";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { requireVerifiedEmail } from "~/modules/auth/verification.server.ts";
import { isSpam } from "~/modules/auth/honeypot.server.ts";
import inquiriesStylesheet from "~/modules/inquiries/components/inquiries.css";
import { checkInquiryRateLimits, createInquiry, getInquiryFormContext } from "~/modules/inquiries/inquiries.server.ts";
import { INQUIRY_LIMITS, inquirySchema } from "~/modules/inquiries/schema.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: inquiriesStylesheet }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.listing.title} — Techex` : "Techex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const context = await getInquiryFormContext(actor, params.id ?? "");
  invariantResponse(context, "Not found", { status: 404 });
  // One organisation that already asks about this listing: its thread is the place to continue.
  const [only] = context.organisations;
  if (context.organisations.length === 1 && only?.openInquiryId) throw redirect(`/inquiries/${only.openInquiryId}?notice=existing`);
  return json(context);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const listingId = params.id ?? "";
  const formData = await readForm(request);
  if (await isSpam(formData)) return json({ status: "error" as const, error: { "": ["errors.spam"] } }, { status: 400 });
  const submission = parseWithZod(formData, { schema: inquirySchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const limit = await checkInquiryRateLimits(actor, context.clientIp);
  if (!limit.allowed) {
    return json(submission.reply({ formErrors: ["errors.tooManyAttempts"] }), { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } });
  }
  const result = await createInquiry(actor, listingId, submission.value, { ipAddress: context.clientIp });
  if (!result.ok) {
    invariantResponse(result.status !== 404, "Not found", { status: 404 });
    return json(submission.reply({ fieldErrors: result.fieldErrors }), { status: 400 });
  }
  return redirect(`/inquiries/${result.id}?notice=${result.existing ? "existing" : "sent"}`);
}

export default function InquirePage() {
  const { listing, organisations, isOwner } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "inquiry",
    lastResult,
    constraint: getZodConstraint(inquirySchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { organisationId: organisations.length === 1 ? organisations[0]!.id : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inquirySchema }),
  });
  const available = organisations.filter((o) => !o.openInquiryId);
  const asking = organisations.filter((o) => o.openInquiryId);

  return (
    <section className="form-page form-page--wide">
      <p className="breadcrumbs">
        <Link to={`/listings/${listing.id}`} dir="auto">
          {listing.title}
        </Link>{" "}
        / {t("inquiries.form.breadcrumb")}
      </p>
      <h1>{t("inquiries.form.title")}</h1>
      <p className="lead">
        {t("inquiries.form.lead", { organisation: listing.organisation.name })}
      </p>

      {asking.map((o) => (
        <p key={o.id} className="notice">
          {t("inquiries.form.alreadyAsking", { organisation: o.name })}{" "}
          <Link to={`/inquiries/${o.openInquiryId}`}>{t("inquiries.form.openThread")}</Link>
        </p>
      ))}

      {available.length === 0 ? (
        <div className="empty">
          {isOwner && organisations.length === 0 ? (
            <p>{t("inquiries.form.ownListing")}</p>
          ) : organisations.length === 0 ? (
            <>
              <p>{t("inquiries.form.needOrganisation")}</p>
              <Link to="/orgs/new" className="button">
                {t("dashboard.newOrganisation")}
              </Link>
            </>
          ) : (
            <p>{t("inquiries.form.allAsking")}</p>
          )}
        </div>
      ) : (
        <Form method="post" {...getFormProps(form)} className="card stack">
          <HoneypotInputs label={t("inquiries.form.honeypot")} />
          {available.length === 1 ? (
            <>
              <input type="hidden" name={fields.organisationId.name} value={available[0]!.id} />
              <p className="muted">{t("inquiries.form.asOrganisation", { organisation: available[0]!.name })}</p>
              <ErrorList errors={fields.organisationId.errors} />
            </>
          ) : (
            <SelectField
              label={t("inquiries.fields.organisation")}
              hint={t("inquiries.hints.organisation")}
              errors={fields.organisationId.errors}
              required
              placeholder={t("inquiries.form.chooseOrganisation")}
              options={available.map((o) => ({ value: o.id, label: o.name }))}
              selectProps={getSelectProps(fields.organisationId)}
            />
          )}
          <TextareaField
            label={t("inquiries.fields.message")}
            hint={t("inquiries.hints.message", INQUIRY_LIMITS.message)}
            errors={fields.message.errors}
            required
            textareaProps={{ ...getTextareaProps(fields.message), rows: 6 }}
          />
          <TextareaField
            label={t("inquiries.fields.need")}
            hint={t("inquiries.hints.need")}
            errors={fields.need.errors}
            required
            textareaProps={{ ...getTextareaProps(fields.need), rows: 3 }}
          />
          <TextareaField
            label={t("inquiries.fields.intendedUse")}
            hint={t("inquiries.hints.intendedUse")}
            errors={fields.intendedUse.errors}
            required
            textareaProps={{ ...getTextareaProps(fields.intendedUse), rows: 3 }}
          />
          <Field
            label={t("inquiries.fields.timeline")}
            hint={t("inquiries.hints.timeline")}
            errors={fields.timeline.errors}
            required
            inputProps={getInputProps(fields.timeline, { type: "text" })}
          />
          <ErrorList id={form.errorId} errors={form.errors} />
          <div className="form-actions">
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {t("inquiries.form.submit")}
            </button>
            <Link to={`/listings/${listing.id}`}>{t("inquiries.form.cancel")}</Link>
          </div>
        </Form>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
