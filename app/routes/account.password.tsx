import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { changePassword } from "~/modules/account/account.server.ts";
import { passwordChangeSchema } from "~/modules/account/schema.ts";
import { currentSessionId, requireUserId } from "~/modules/auth/session.server.ts";

const HIDDEN = ["currentPassword", "newPassword", "confirmPassword"];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserId(request);
  return null;
}

/** Needs the current password; ends every other session (this one stays signed in). */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: passwordChangeSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: HIDDEN }), { status: 400 });
  const result = await changePassword(userId, await currentSessionId(request), submission.value, { ipAddress: context.clientIp });
  if (!result.ok) return json(submission.reply({ fieldErrors: { [result.field]: [result.error] }, hideFields: HIDDEN }), { status: 400 });
  return redirect(`/account/password?changed=${result.endedSessions}`);
}

export default function AccountPasswordPage() {
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "account-password",
    lastResult,
    constraint: getZodConstraint(passwordChangeSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passwordChangeSchema }),
  });
  const changed = params.get("changed");
  return (
    <div className="form-page">
      <p className="muted">{t("account.password.intro")}</p>
      {changed !== null && !lastResult ? (
        <p className="notice notice--ok" role="status">
          {t("account.password.changed", { count: Math.max(0, Number(changed) || 0) })}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="stack">
        <Field
          label={t("account.password.current")}
          required
          errors={fields.currentPassword.errors}
          inputProps={{ ...getInputProps(fields.currentPassword, { type: "password" }), autoComplete: "current-password" }}
        />
        <Field
          label={t("account.password.new")}
          hint={t("account.password.newHint")}
          required
          errors={fields.newPassword.errors}
          inputProps={{ ...getInputProps(fields.newPassword, { type: "password" }), autoComplete: "new-password" }}
        />
        <Field
          label={t("account.password.confirm")}
          required
          errors={fields.confirmPassword.errors}
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("account.password.save")}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
