import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorList, Field } from "~/components/forms.tsx";
import { HoneypotInputs } from "~/components/honeypot.tsx";
import { readForm } from "~/lib/http.server.ts";
import { refuseSpam, tooManyAttempts } from "~/modules/auth/guards.server.ts";
import { requestPasswordReset } from "~/modules/auth/password-reset.server.ts";
import { forgotPasswordSchema } from "~/modules/auth/schema.ts";

/**
 * /forgot-password: asks for a reset link. Every address gets the same answer, whether an
 * account uses it or not; only the per-IP limit is ever said (429).
 */
export const meta: MetaFunction = () => [{ title: "Techex" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const spam = await refuseSpam(formData);
  if (spam) return spam;
  const submission = parseWithZod(formData, { schema: forgotPasswordSchema });
  if (submission.status !== "success") return json({ ...submission.reply(), sentTo: null }, { status: 400 });
  const limit = await requestPasswordReset(submission.value.email, { ipAddress: context.clientIp });
  if (!limit.allowed) return tooManyAttempts(limit.retryAfterSeconds);
  return json({ ...submission.reply({ resetForm: true }), sentTo: submission.value.email });
}

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const sentTo = lastResult && "sentTo" in lastResult ? lastResult.sentTo : null;
  const [form, fields] = useForm({
    id: "forgot-password",
    lastResult,
    constraint: getZodConstraint(forgotPasswordSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
  });
  return (
    <section className="auth-card stack">
      <h1>{t("accounts.forgot.title")}</h1>
      {sentTo ? (
        <p className="notice notice--ok" role="status">
          {t("accounts.forgot.sent", { email: sentTo })}
        </p>
      ) : (
        <p className="lead">{t("accounts.forgot.lead")}</p>
      )}
      <Form method="post" {...getFormProps(form)} className="stack">
        <HoneypotInputs label={t("signup.honeypot")} />
        <Field label={t("fields.email")} errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("accounts.forgot.submit")}
        </button>
      </Form>
      <p className="muted">
        <Link to="/login">{t("accounts.backToLogin")}</Link>
      </p>
    </section>
  );
}
