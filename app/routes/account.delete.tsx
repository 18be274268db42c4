import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { deleteAccount } from "~/modules/account/account.server.ts";
import { deleteAccountSchema } from "~/modules/account/schema.ts";
import { endSession, getUserId, requireUserId } from "~/modules/auth/session.server.ts";

/** The form for a signed-in person; the farewell after deletion, when they are signed out. */
export async function loader({ request }: LoaderFunctionArgs) {
  const done = new URL(request.url).searchParams.get("done") === "1";
  if (done && !(await getUserId(request))) return json({ done: true });
  await requireUserId(request);
  return json({ done: false });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: deleteAccountSchema });
  if (submission.status !== "success") return json({ ...submission.reply({ hideFields: ["password"] }), blocked: null }, { status: 400 });
  const result = await deleteAccount(userId, submission.value.password, { ipAddress: context.clientIp });
  if (result.ok) return redirect("/account/delete?done=1", { headers: { "Set-Cookie": await endSession(request) } });
  if (result.error === "wrong-password") {
    return json({ ...submission.reply({ fieldErrors: { password: ["account.errors.wrongPassword"] }, hideFields: ["password"] }), blocked: null }, { status: 400 });
  }
  // Refused until the person hands over what only they hold: 409, the account's state is in the way.
  const blocked: { reason: "lastAdmin" | "lastOwner"; organisations: { id: string; name: string }[] } =
    result.error === "last-admin" ? { reason: "lastAdmin", organisations: [] } : { reason: "lastOwner", organisations: result.organisations };
  return json({ ...submission.reply({ hideFields: ["password"] }), blocked }, { status: 409 });
}

export default function AccountDeletePage() {
  const { done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "account-delete",
    lastResult: result,
    constraint: getZodConstraint(deleteAccountSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: deleteAccountSchema }),
  });
  if (done) {
    return (
      <section className="auth-card stack">
        <h1>{t("account.delete.done")}</h1>
        <p>{t("account.delete.doneBody")}</p>
        <Link to="/" className="button">
          {t("account.delete.home")}
        </Link>
      </section>
    );
  }
  const blocked = result?.blocked;
  return (
    <div className="form-page">
      <p>{t("account.delete.intro")}</p>
      {blocked ? (
        <p className="notice notice--warn" role="alert">
          {blocked.reason === "lastAdmin"
            ? t("account.delete.lastAdmin")
            : t("account.delete.lastOwner", { organisations: blocked.organisations.map((o) => `“${o.name}”`).join(", ") })}
          {blocked.organisations.map((o) => (
            <span key={o.id}>
              {" "}
              <Link to={`/orgs/${o.id}/members`}>{o.name}</Link>
            </span>
          ))}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="stack">
        <Field
          label={t("account.delete.password")}
          required
          errors={fields.password.errors}
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
        />
        <div className="field">
          <label className="check">
            <input {...getInputProps(fields.confirm, { type: "checkbox", value: "yes" })} />
            <span>{t("account.delete.confirm")}</span>
          </label>
          <ErrorList id={`${fields.confirm.id}-error`} errors={fields.confirm.errors} />
        </div>
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button button--danger" disabled={navigation.state === "submitting"}>
          {t("account.delete.submit")}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
