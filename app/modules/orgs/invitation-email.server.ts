import { logger } from "~/lib/logger.server.ts";
import { sendMail } from "~/lib/mailer.server.ts";
import { accountLocaleByEmail } from "~/modules/auth/accounts.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { absoluteUrl } from "~/modules/notifications/render.server.ts";
import { fixedT, recipientLocale } from "~/modules/notifications/translate.server.ts";
import { issueInvitationLink } from "./invitations.server.ts";

export interface InvitationEmailInput {
  organisationName: string;
  inviterName: string | null;
  role: "OWNER" | "MEMBER";
  link: string;
  expiresAt: Date;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The invitation e-mail in one language, plain text and HTML with the same content. */
export function renderInvitationEmail(input: InvitationEmailInput, locale: Locale) {
  const t = fixedT(locale);
  const values = {
    organisation: input.organisationName,
    inviter: input.inviterName ?? t("invitations.email.someone"),
    role: t(`membershipRole.${input.role}`),
    date: formatDate(input.expiresAt, locale, "long"),
  };
  const subject = t("invitations.email.subject", values);
  const body = t("invitations.email.body", values);
  const expiry = t("invitations.email.expiry", values);
  const ignore = t("invitations.email.ignore");
  const text = [body, "", `${t("invitations.email.open")}: ${input.link}`, "", expiry, ignore, "", "-- ", t("notifications.email.signature"), ""].join("\n");
  const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2530;line-height:1.5;max-width:600px;margin:0 auto;padding:16px">
<p dir="auto">${escapeHtml(body)}</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#0b5cad;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(t("invitations.email.open"))}</a></p>
<p style="color:#5b6472;font-size:13px">${escapeHtml(expiry)} ${escapeHtml(ignore)}</p>
<hr style="border:none;border-top:1px solid #d9dee5">
<p style="color:#5b6472;font-size:13px">${escapeHtml(t("notifications.email.signature"))}</p>
</body>
</html>
`;
  return { subject, text, html };
}

export type InvitationEmailOutcome = "sent" | "closed";

/**
 * The e-mail job: issues the invitation's link and sends it, in the language of the account
 * using the address if there is one, else the inviter's. A transport failure throws and the
 * job is retried; the retry issues another link (the one that failed was never seen).
 */
export async function sendInvitationEmail(invitationId: string): Promise<InvitationEmailOutcome> {
  const invitation = await issueInvitationLink(invitationId);
  if (!invitation) return "closed";
  const locale = recipientLocale((await accountLocaleByEmail(invitation.email)) ?? invitation.invitedBy?.locale);
  const email = renderInvitationEmail(
    {
      organisationName: invitation.organisation.name,
      inviterName: invitation.invitedBy?.name ?? null,
      role: invitation.role,
      link: absoluteUrl(`/invitations/${invitation.token}`),
      expiresAt: invitation.expiresAt,
    },
    locale,
  );
  const sent = await sendMail({
    to: invitation.email,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: { "Content-Language": locale, "X-Techex-Notification": "ORGANISATION_INVITATION" },
  });
  logger.info("invitation e-mail sent", { invitationId, messageId: sent.messageId });
  return "sent";
}
