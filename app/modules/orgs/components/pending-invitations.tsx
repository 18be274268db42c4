import { Form } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate } from "~/modules/i18n/format.ts";

export interface PendingInvitation {
  id: string;
  role: "OWNER" | "MEMBER";
  expiresAt: string;
  organisation: { id: string; name: string };
}

/** The signed-in person's open invitations (verified address only), each with Accept and Decline. */
export function PendingInvitations({ invitations, locale }: { invitations: PendingInvitation[]; locale: Locale }) {
  const { t } = useTranslation();
  if (!invitations.length) return null;
  return (
    <section className="section" aria-labelledby="pending-invitations">
      <h2 id="pending-invitations">{t("invitations.forYou")}</h2>
      <ul className="stack">
        {invitations.map((i) => (
          <li key={i.id} className="card">
            <p>
              <Trans i18nKey="invitations.forYouItem" values={{ role: t(`membershipRole.${i.role}`) }} components={{ org: <bdi>{i.organisation.name}</bdi> }} />
            </p>
            <p className="muted">
              {t("invitations.expires")}: <time dateTime={i.expiresAt}>{formatDate(i.expiresAt, locale)}</time>
            </p>
            <Form method="post" action="/invitations?index" className="form-actions">
              <input type="hidden" name="invitationId" value={i.id} />
              <button type="submit" name="intent" value="accept" className="button button--small">
                {t("invitations.accept")}
              </button>
              <button type="submit" name="intent" value="decline" className="button button--small button--ghost">
                {t("invitations.decline")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}
