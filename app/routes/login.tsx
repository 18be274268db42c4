import { readForm } from "~/lib/http.server.ts";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HoneypotInputs } from "~/components/honeypot.tsx";
import { ErrorList, Field } from "~/components/forms.tsx";
import { logIn } from "~/modules/auth/accounts.server.ts";
import { refuseSpam, tooManyAttempts } from "~/modules/auth/guards.server.ts";
import { loginSchema } from "~/modules/auth/schema.ts";
import { getUserId, startSession } from "~/modules/auth/session.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUserId(request)) throw redirect("/dashboard");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const spam = await refuseSpam(formData);
  if (spam) return spam;
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const result = await logIn(submission.value, { ipAddress: context.clientIp });
  if (!result.ok && result.reason === "rate-limited") return tooManyAttempts(result.retryAfterSeconds);
  if (!result.ok) {
    // One answer for an unknown e-mail and a wrong password.
    return json(submission.reply({ formErrors: ["errors.badCredentials"], hideFields: ["password"] }), { status: 400 });
  }
  const userId = result.userId;
  const cookie = await startSession(userId, request, context);
  return redirect(submission.value.redirectTo ?? "/dashboard", { headers: { "Set-Cookie": cookie } });
}

export default function LoginPage() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "login",
    lastResult,
    constraint: getZodConstraint(loginSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
  });
  return (
    <section className="auth-card">
      <h1>{t("login.title")}</h1>
      <Form method="post" {...getFormProps(form)} className="stack">
        <HoneypotInputs label={t("signup.honeypot")} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label={t("fields.email")} errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} />
        <Field
          label={t("fields.password")}
          errors={fields.password.errors}
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
      <p className="muted">
        <Link to="/forgot-password">{t("accounts.forgot.link")}</Link>
      </p>
      <p className="muted">
        {t("login.noAccount")} <Link to="/signup">{t("nav.signup")}</Link>
      </p>
    </section>
  );
}
