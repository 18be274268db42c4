import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { newPasswordProblem } from "~/modules/auth/password.server.ts";
import { setPasswordWithToken } from "~/modules/auth/password-reset.server.ts";
import { accountTokenParam, newPasswordSchema } from "~/modules/auth/schema.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { peekAccountToken } from "~/modules/auth/tokens.server.ts";

/**
 * /password/<token>: the link of a reset e-mail (an hour) or of `npm run users:create` (three
 * days). GET only shows the form (mail scanners follow links); the POST uses the link once,
 * sets the password, ends every session of the account and signs this browser in.
 */
export const meta: MetaFunction = () => [{ title: "Techex" }, { name: "robots", content: "noindex" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await peekAccountToken(params.token ?? "", ["RESET_PASSWORD", "SET_PASSWORD"]);
  if (!link) return json({ state: "invalid" as const }, { status: 404 });
  return json({ state: "ready" as const, purpose: link.purpose, email: link.user.email });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // A link that cannot be one is refused before the (deliberately slow) password hashing.
  if (!accountTokenParam.safeParse(params.token).success) return json({ status: "error" as const, invalid: true }, { status: 404 });
  const submission = parseWithZod(await readForm(request), { schema: newPasswordSchema });
  const hideFields = ["password", "confirmPassword"];
  if (submission.status !== "success") return json({ ...submission.reply({ hideFields }), invalid: false }, { status: 400 });
  const problem = newPasswordProblem(submission.value.password);
  if (problem) return json({ ...submission.reply({ fieldErrors: { password: [problem] }, hideFields }), invalid: false }, { status: 400 });
  const userId = await setPasswordWithToken(params.token ?? "", submission.value.password, { ipAddress: context.clientIp });
  if (!userId) return json({ ...submission.reply({ hideFields }), invalid: true }, { status: 404 });
  const cookie = await startSession(userId, request, context);
  return redirect("/dashboard", { headers: { "Set-Cookie": cookie } });
}

export default function PasswordPage() {
  const loaded = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  if (loaded.state === "invalid" || lastResult?.invalid) return <InvalidLink />;
  return <PasswordForm purpose={loaded.purpose} email={loaded.email} />;
}

function PasswordForm({ purpose, email }: { purpose: "RESET_PASSWORD" | "SET_PASSWORD" | "VERIFY_EMAIL"; email: string }) {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-password",
    lastResult,
    constraint: getZodConstraint(newPasswordSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
  });
  const key = purpose === "SET_PASSWORD" ? "set" : "reset";
  return (
    <section className="auth-card stack">
      <h1>{t(`accounts.password.${key}.title`)}</h1>
      <p className="lead">{t(`accounts.password.${key}.lead`, { email })}</p>
      <Form method="post" {...getFormProps(form)} className="stack">
        {/* For password managers: the account this password belongs to. */}
        <input type="text" name="username" value={email} autoComplete="username" readOnly hidden />
        <Field
          label={t("accounts.password.new")}
          hint={t("signup.passwordHint")}
          errors={fields.password.errors}
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "new-password" }}
        />
        <Field
          label={t("fields.confirmPassword")}
          errors={fields.confirmPassword.errors}
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
        />
        <p className="field-hint">{t("accounts.password.endsSessions")}</p>
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t(`accounts.password.${key}.submit`)}
        </button>
      </Form>
    </section>
  );
}

function InvalidLink() {
  const { t } = useTranslation();
  return (
    <section className="auth-card stack">
      <h1>{t("accounts.password.invalid.title")}</h1>
      <p>{t("accounts.password.invalid.body")}</p>
      <p>
        <Link to="/forgot-password" className="button">
          {t("accounts.password.invalid.again")}
        </Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
