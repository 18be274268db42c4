import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { peekAccountToken } from "~/modules/auth/tokens.server.ts";
import { verifyEmail } from "~/modules/auth/verification.server.ts";

/**
 * /verify-email/<token>: the link of a verification e-mail. GET only shows the address and a
 * button (mail scanners follow links, and GET changes nothing); the POST uses the link once.
 */
export const meta: MetaFunction = () => [{ title: "Techex" }, { name: "robots", content: "noindex" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await peekAccountToken(params.token ?? "", ["VERIFY_EMAIL"]);
  if (!link) return json({ state: "invalid" as const, email: null }, { status: 404 });
  return json({ state: "ready" as const, email: link.user.email });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const userId = await verifyEmail(params.token ?? "", { ipAddress: context.clientIp });
  if (!userId) return json({ invalid: true }, { status: 404 });
  return redirect("/verify-email?done=1");
}

export default function VerifyEmailLinkPage() {
  const { t } = useTranslation();
  const { state, email } = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  if (state === "invalid" || acted?.invalid) {
    return (
      <section className="auth-card stack">
        <h1>{t("accounts.verify.invalid.title")}</h1>
        <p>{t("accounts.verify.invalid.body")}</p>
        <p>
          <Link to="/verify-email" className="button">
            {t("accounts.verify.invalid.again")}
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="auth-card stack">
      <h1>{t("accounts.verify.title")}</h1>
      <p className="lead">{t("accounts.verify.confirmLead", { email })}</p>
      <Form method="post">
        <button type="submit" className="button">
          {t("accounts.verify.confirm")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
