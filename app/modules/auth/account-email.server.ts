import type { AccountTokenPurpose } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { sendMail } from "~/lib/mailer.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { absoluteUrl } from "~/modules/notifications/render.server.ts";
import { fixedT, recipientLocale } from "~/modules/notifications/translate.server.ts";
import { issueAccountToken } from "./tokens.server.ts";

/**
 * The e-mails that carry a one-time link: "reset your password" and "confirm your address".
 * They are sent by a job queued in the request's transaction; the job draws the token when it
 * sends, so the token is in no table and no job payload, and a retried job sends a new link.
 */
export const ACCOUNT_EMAIL_TASK = "auth:account-email";
export type EmailedPurpose = Extract<AccountTokenPurpose, "RESET_PASSWORD" | "VERIFY_EMAIL">;
const EMAIL_MAX_ATTEMPTS = 10;

/** The page a link opens. */
export const linkPath = (purpose: AccountTokenPurpose, token: string) => (purpose === "VERIFY_EMAIL" ? `/verify-email/${token}` : `/password/${token}`);

/** One e-mail job per account and purpose: asking again before it ran sends one e-mail (same job key). */
export async function queueAccountEmail(tx: Tx, userId: string, purpose: EmailedPurpose) {
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    ${ACCOUNT_EMAIL_TASK},
    json_build_object('userId', ${userId}::text, 'purpose', ${purpose}::text),
    job_key := ${`account-email:${userId}:${purpose}`},
    max_attempts := ${EMAIL_MAX_ATTEMPTS}
  )`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** One account e-mail in one language, plain text and HTML with the same content. */
export function renderAccountEmail(purpose: EmailedPurpose, input: { name: string; link: string; expiresAt: Date }, locale: Locale) {
  const t = fixedT(locale);
  const key = purpose === "VERIFY_EMAIL" ? "verify" : "reset";
  const values = { name: input.name, date: formatDate(input.expiresAt, locale, "long"), time: input.expiresAt.toLocaleTimeString(locale === "vi" ? "vi-VN" : "en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }) };
  const subject = t(`accounts.email.${key}.subject`);
  const greeting = t("accounts.email.greeting", values);
  const body = t(`accounts.email.${key}.body`);
  const open = t(`accounts.email.${key}.open`);
  const expiry = t(`accounts.email.${key}.expiry`, values);
  const ignore = t(`accounts.email.${key}.ignore`);
  const text = [greeting, "", body, "", `${open}: ${input.link}`, "", expiry, ignore, "", "-- ", t("notifications.email.signature"), ""].join("\n");
  const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2530;line-height:1.5;max-width:600px;margin:0 auto;padding:16px">
<p dir="auto">${escapeHtml(greeting)}</p>
<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#0b5cad;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(open)}</a></p>
<p style="color:#5b6472;font-size:13px">${escapeHtml(expiry)} ${escapeHtml(ignore)}</p>
<hr style="border:none;border-top:1px solid #d9dee5">
<p style="color:#5b6472;font-size:13px">${escapeHtml(t("notifications.email.signature"))}</p>
</body>
</html>
`;
  return { subject, text, html };
}

export type AccountEmailOutcome = "sent" | "skipped";

/**
 * The e-mail job: issues the link and sends it in the account's language. Nothing is sent to a
 * disabled account, nor a verification link to an address already verified. A transport
 * failure throws and the job is retried with a new link (the failed one was never seen).
 */
export async function sendAccountEmail(userId: string, purpose: EmailedPurpose): Promise<AccountEmailOutcome> {
  const user = await prisma.user.findFirst({ where: { id: userId, disabledAt: null }, select: { email: true, name: true, locale: true, emailVerifiedAt: true } });
  if (!user || (purpose === "VERIFY_EMAIL" && user.emailVerifiedAt)) return "skipped";
  const { token, expiresAt } = await issueAccountToken(userId, purpose);
  const locale = recipientLocale(user.locale);
  const email = renderAccountEmail(purpose, { name: user.name, link: absoluteUrl(linkPath(purpose, token)), expiresAt }, locale);
  const sent = await sendMail({
    to: user.email,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: { "Content-Language": locale, "X-Techex-Notification": purpose },
  });
  logger.info("account e-mail sent", { userId, purpose, messageId: sent.messageId });
  return "sent";
}
