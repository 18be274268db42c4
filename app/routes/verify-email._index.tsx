import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { useTranslation } from "react-i18next";
import { readForm } from "~/lib/http.server.ts";
import { getAccountEmail } from "~/modules/auth/accounts.server.ts";
import { tooManyAttempts } from "~/modules/auth/guards.server.ts";
import { redirectToField } from "~/modules/auth/schema.ts";
import { getUserId, requireUserId } from "~/modules/auth/session.server.ts";
import { resendVerificationEmail } from "~/modules/auth/verification.server.ts";

/**
 * /verify-email: where the account's address stands, and the button that sends the link again
 * (also shown, posting here, wherever verification is required). ?done=1 after a link was used.
 */
export const meta: MetaFunction = () => [{ title: "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const done = new URL(request.url).searchParams.get("done") === "1";
  const userId = await getUserId(request);
  if (!userId && !done) throw redirect("/login?redirectTo=%2Fverify-email");
  const account = userId ? await getAccountEmail(userId) : null;
  return json({ done, signedIn: Boolean(userId), email: account?.email ?? null, verified: account?.verified ?? false });
}

const resendSchema = z.object({ redirectTo: redirectToField });

export async function action({ request }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const parsed = resendSchema.safeParse(Object.fromEntries(await readForm(request)));
  const result = await resendVerificationEmail(userId);
  if (!result.ok) return tooManyAttempts(result.retryAfterSeconds);
  return json({ sent: !result.alreadyVerified, back: parsed.success ? (parsed.data.redirectTo ?? null) : null });
}

export default function VerifyEmailPage() {
  const { t } = useTranslation();
  const { done, signedIn, email, verified } = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const [params] = useSearchParams();
  const limited = acted && "error" in acted;
  return (
    <section className="auth-card stack">
      <h1>{t("accounts.verify.title")}</h1>
      {done || verified ? (
        <p className="notice notice--ok" role="status">
          {t("accounts.verify.done")}
        </p>
      ) : (
        <>
          {acted && "sent" in acted && acted.sent ? (
            <p className="notice notice--ok" role="status">
              {t("accounts.verify.sent", { email })}
            </p>
          ) : (
            <p>{t("accounts.verify.checkInboxFor", { email })}</p>
          )}
          {limited ? (
            <p className="field-errors" role="alert">
              {t("errors.tooManyAttempts")}
            </p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
            <button type="submit" className="button">
              {t("accounts.verify.resend")}
            </button>
          </Form>
        </>
      )}
      <p className="muted">
        {acted && "back" in acted && acted.back ? (
          <Link to={acted.back}>{t("accounts.verify.back")}</Link>
        ) : signedIn ? (
          <Link to="/dashboard">{t("nav.dashboard")}</Link>
        ) : (
          <Link to="/login">{t("nav.login")}</Link>
        )}
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
