import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/**
 * What an account whose address is not verified sees where it would post, inquire or pay
 * (and on its dashboard): why, and a button that sends the link again.
 */
export function VerifyEmailNotice({ email }: { email?: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <div className="notice notice--warn stack" role="status">
      <p>
        <strong>{t("accounts.verify.required")}</strong>
      </p>
      <p>{email ? t("accounts.verify.checkInboxFor", { email }) : t("accounts.verify.checkInbox")}</p>
      <Form method="post" action="/verify-email">
        <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
        <button type="submit" className="button button--ghost">
          {t("accounts.verify.resend")}
        </button>
      </Form>
    </div>
  );
}
