import { readForm } from "~/lib/http.server.ts";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HoneypotInputs } from "~/components/honeypot.tsx";
import { ErrorList, Field } from "~/components/forms.tsx";
import { signUp } from "~/modules/auth/accounts.server.ts";
import { refuseSpam, tooManyAttempts } from "~/modules/auth/guards.server.ts";
import { newPasswordProblem } from "~/modules/auth/password.server.ts";
import { checkRateLimit, consumeRateLimit } from "~/modules/auth/rate-limit.server.ts";
import { signupSchema } from "~/modules/auth/schema.ts";
import { getUserId, startSession } from "~/modules/auth/session.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";

export const meta: MetaFunction = () => [{ title: "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUserId(request)) throw redirect("/dashboard");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const spam = await refuseSpam(formData);
  if (spam) return spam;
  const submission = parseWithZod(formData, { schema: signupSchema });
  const hideFields = ["password", "confirmPassword"];
  if (submission.status !== "success") return json(submission.reply({ hideFields }), { status: 400 });
  const passwordProblem = newPasswordProblem(submission.value.password);
  if (passwordProblem) return json(submission.reply({ fieldErrors: { password: [passwordProblem] }, hideFields }), { status: 400 });
  // Only accounts made (and addresses found taken) count: a room of people correcting their forms is not held back.
  const limit = await checkRateLimit("signup", context.clientIp);
  if (!limit.allowed) return tooManyAttempts(limit.retryAfterSeconds);
  const result = await signUp(submission.value, { ipAddress: context.clientIp, locale: await getLocale(request) });
  await consumeRateLimit("signup", context.clientIp);
  if (!result.ok) return json(submission.reply({ fieldErrors: { email: ["errors.emailTaken"] }, hideFields }), { status: 400 });
  const cookie = await startSession(result.userId, request, context);
  return redirect(submission.value.redirectTo ?? "/dashboard", { headers: { "Set-Cookie": cookie } });
}

export default function SignupPage() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "signup",
    lastResult,
    constraint: getZodConstraint(signupSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema }),
  });
  return (
    <section className="auth-card">
      <h1>{t("signup.title")}</h1>
      <p className="lead">{t("signup.lead")}</p>
      <Form method="post" {...getFormProps(form)} className="stack">
        <HoneypotInputs label={t("signup.honeypot")} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label={t("fields.name")} errors={fields.name.errors} inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "name" }} />
        <Field label={t("fields.email")} errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} />
        <Field
          label={t("fields.password")}
          hint={t("signup.passwordHint")}
          errors={fields.password.errors}
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "new-password" }}
        />
        <Field
          label={t("fields.confirmPassword")}
          errors={fields.confirmPassword.errors}
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
        />
        <div className={fields.consent.errors?.length ? "field field--invalid" : "field"}>
          <label className="check">
            <input
              type="checkbox"
              name={fields.consent.name}
              id={fields.consent.id}
              value="on"
              required
              aria-invalid={fields.consent.errors?.length ? true : undefined}
              aria-describedby={fields.consent.errors?.length ? `${fields.consent.id}-error` : undefined}
            />
            <span>
              {t("accounts.consent.before")} <Link to="/terms" target="_blank">{t("legal.terms.title")}</Link> {t("accounts.consent.and")}{" "}
              <Link to="/privacy" target="_blank">{t("legal.privacy.title")}</Link>
              {t("accounts.consent.after")}
            </span>
          </label>
          <ErrorList id={`${fields.consent.id}-error`} errors={fields.consent.errors} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("signup.submit")}
        </button>
      </Form>
      <p className="muted">
        {t("signup.haveAccount")} <Link to="/login">{t("nav.login")}</Link>
      </p>
    </section>
  );
}
