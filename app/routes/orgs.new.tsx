import { readForm } from "~/lib/http.server.ts";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field, SelectField, TextareaField } from "~/components/forms.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { createOrganisation } from "~/modules/orgs/organisations.server.ts";
import { ORGANISATION_KINDS, organisationSchema } from "~/modules/orgs/schema.ts";
import { listProvinces } from "~/modules/reference/reference.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireActor(request);
  return json({ provinces: await listProvinces(), locale: await getLocale(request) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const submission = parseWithZod(await readForm(request), { schema: organisationSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const organisation = await createOrganisation(actor, submission.value, { ipAddress: context.clientIp });
  return redirect(`/dashboard?created=${organisation.id}`);
}

export default function NewOrganisationPage() {
  const { provinces, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "new-organisation",
    lastResult,
    constraint: getZodConstraint(organisationSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: organisationSchema }),
  });
  return (
    <section className="form-page">
      <h1>{t("orgForm.title")}</h1>
      <p className="lead">{t("orgForm.lead")}</p>
      <Form method="post" {...getFormProps(form)} className="stack card">
        <Field label={t("orgForm.name")} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: "text" })} />
        <SelectField
          label={t("orgForm.kind")}
          errors={fields.kind.errors}
          selectProps={getSelectProps(fields.kind)}
          placeholder={t("orgForm.choose")}
          options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))}
        />
        <SelectField
          label={t("orgForm.province")}
          errors={fields.provinceCode.errors}
          selectProps={getSelectProps(fields.provinceCode)}
          placeholder={t("orgForm.choose")}
          options={provinces.map((p) => ({ value: p.code, label: locale === "en" ? p.nameEn : p.shortNameVi }))}
        />
        <TextareaField label={t("orgForm.description")} errors={fields.description.errors} textareaProps={{ ...getTextareaProps(fields.description), rows: 4 }} />
        <div className="field-row">
          <Field label={t("orgForm.website")} errors={fields.website.errors} inputProps={{ ...getInputProps(fields.website, { type: "url" }), placeholder: "https://" }} />
          <Field label={t("orgForm.email")} errors={fields.email.errors} inputProps={getInputProps(fields.email, { type: "email" })} />
        </div>
        <div className="field-row">
          <Field label={t("orgForm.phone")} errors={fields.phone.errors} inputProps={getInputProps(fields.phone, { type: "tel" })} />
          <Field label={t("orgForm.taxCode")} errors={fields.taxCode.errors} inputProps={getInputProps(fields.taxCode, { type: "text" })} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button">
          {t("orgForm.submit")}
        </button>
      </Form>
    </section>
  );
}
