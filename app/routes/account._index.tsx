import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { getProfile, updateProfile } from "~/modules/account/account.server.ts";
import { profileSchema } from "~/modules/account/schema.ts";
import { requireUserId } from "~/modules/auth/session.server.ts";
import { SUPPORTED_LOCALES } from "~/modules/i18n/config.ts";
import { localeCookie } from "~/modules/i18n/i18n.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  const profile = await getProfile(userId);
  invariantResponse(profile, "Not found", { status: 404 });
  return json({ profile: { name: profile.name, email: profile.email, phone: profile.phone ?? "", locale: profile.locale } });
}

/** Saves name, phone and language; the language also becomes the site's (the switcher's cookie). */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: profileSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  await updateProfile(userId, submission.value, { ipAddress: context.clientIp });
  return redirect("/account?saved=1", { headers: { "Set-Cookie": await localeCookie.serialize(submission.value.locale) } });
}

export default function AccountProfilePage() {
  const { profile } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "account-profile",
    lastResult,
    defaultValue: profile,
    constraint: getZodConstraint(profileSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
  });
  return (
    <div className="form-page">
      <p className="muted">{t("account.profile.intro")}</p>
      {params.get("saved") && !lastResult ? (
        <p className="notice notice--ok" role="status">
          {t("account.profile.saved")}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="stack">
        <Field label={t("account.profile.email")} hint={t("account.profile.emailHint")} inputProps={{ id: "account-email", value: profile.email, readOnly: true, type: "email" }} />
        <Field label={t("account.profile.name")} required errors={fields.name.errors} inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "name" }} />
        <Field
          label={t("account.profile.phone")}
          hint={t("account.profile.phoneHint")}
          errors={fields.phone.errors}
          inputProps={{ ...getInputProps(fields.phone, { type: "tel" }), autoComplete: "tel" }}
        />
        <SelectField
          label={t("account.profile.language")}
          errors={fields.locale.errors}
          selectProps={getSelectProps(fields.locale)}
          options={SUPPORTED_LOCALES.map((locale) => ({ value: locale, label: t(`language.${locale}`) }))}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("account.profile.save")}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
