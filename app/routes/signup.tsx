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
import { guardPublicForm } from "~/modules/auth/guards.server.ts";
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
  const blocked = await guardPublicForm("signup", formData, context.clientIp);
  if (blocked) return blocked;
  const submission = parseWithZod(formData, { schema: signupSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password", "confirmPassword"] }), { status: 400 });
  }
  const result = await signUp(submission.value, { ipAddress: context.clientIp, locale: await getLocale(request) });
  if (!result.ok) {
    return json(submission.reply({ fieldErrors: { email: ["errors.emailTaken"] }, hideFields: ["password", "confirmPassword"] }), {
      status: 400,
    });
  }
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
