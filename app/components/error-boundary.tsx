import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { VerifyEmailNotice } from "~/modules/auth/components/verify-email-notice.tsx";

/** One error page for every route: a helpful message per status. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "notFound" : status === 403 ? "forbidden" : status === 429 ? "tooMany" : status >= 500 ? "server" : "bad";
  if (!isRouteErrorResponse(error)) console.error(error);
  // An account that must verify its address first (posting, inquiring, paying): say so, with the resend button.
  if (status === 403 && isRouteErrorResponse(error) && (error.data as { reason?: string } | null)?.reason === "email-unverified") {
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{t("accounts.verify.title")}</h1>
        <VerifyEmailNotice />
      </section>
    );
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title">{t(`errorPage.${key}.title`)}</h1>
      <p>{t(`errorPage.${key}.body`)}</p>
      <p>
        <Link to="/" className="button">
          {t("errorPage.home")}
        </Link>
      </p>
    </section>
  );
}
