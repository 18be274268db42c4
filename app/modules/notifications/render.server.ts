import type { TFunction } from "i18next";
import { env } from "~/lib/env.server.ts";
import { safeRedirectPath } from "~/lib/redirect.ts";
import { formatDate, formatNumber, numberFormat } from "~/modules/i18n/format.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { fixedT } from "./translate.server.ts";
import type { NotificationKind, NotificationPayloads } from "./types.ts";

/** The public origin for links in e-mails: APP_URL, or this machine's port. */
export function appOrigin(): string {
  const { APP_URL, PORT } = env();
  return (APP_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, "");
}

/** An absolute URL for a path in the app. */
export function absoluteUrl(path: string): string {
  return `${appOrigin()}${path.startsWith("/") ? path : `/${path}`}`;
}

/** Only in-app paths are followed (safeRedirectPath): "/x", never "//host", "/\\host" or "https://…". */
export function safeAppPath(url: string | null | undefined): string | null {
  return safeRedirectPath(url) ?? null;
}

export interface StoredNotification {
  type: NotificationKind;
  data: unknown;
  url: string | null;
}

export interface RenderedNotification {
  /** One line: the in-app title and the e-mail subject. */
  title: string;
  /** One or more sentences, plain text. */
  body: string;
  /** Extra lines under the body (a digest's listings), each with an optional path. */
  items: { text: string; path: string | null }[];
  /** The path the notification leads to, if any. */
  path: string | null;
}

function money(amount: string, currency: "VND" | "USD", locale: Locale) {
  // Amounts are strings because they may exceed 2^53; Intl formats a bigint exactly.
  const value = /^-?\d+$/.test(amount) ? BigInt(amount) : Number(amount);
  return numberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
}

const stage = (t: TFunction, value: string | null) => (value ? t(`notifications.dealStage.${value}`, { defaultValue: value }) : "");

type Renderer<K extends NotificationKind> = (data: NotificationPayloads[K], t: TFunction, locale: Locale) => Omit<RenderedNotification, "path">;

const renderers: { [K in NotificationKind]: Renderer<K> } = {
  INQUIRY_RECEIVED: (d, t) => ({
    title: t("notifications.types.INQUIRY_RECEIVED.title", { listingTitle: d.listingTitle }),
    body: t("notifications.types.INQUIRY_RECEIVED.body", { listingTitle: d.listingTitle, fromOrganisation: d.fromOrganisation }),
    items: [],
  }),
  INQUIRY_ANSWERED: (d, t) => ({
    title: t("notifications.types.INQUIRY_ANSWERED.title", { listingTitle: d.listingTitle }),
    body: t("notifications.types.INQUIRY_ANSWERED.body", { listingTitle: d.listingTitle, byOrganisation: d.byOrganisation }),
    items: [],
  }),
  MODERATION_DECISION: (d, t) => {
    const kind = `${d.revision ? "revision" : "listing"}${d.decision === "APPROVED" ? "Approved" : "Rejected"}`;
    const body = t(`notifications.types.MODERATION_DECISION.${kind}Body`, { listingTitle: d.listingTitle });
    return {
      title: t(`notifications.types.MODERATION_DECISION.${kind}Title`, { listingTitle: d.listingTitle }),
      body: d.reason ? `${body} ${t("notifications.types.MODERATION_DECISION.reason", { reason: d.reason })}` : body,
      items: [],
    };
  },
  MATCH_SUGGESTED: (d, t) => ({
    title: t("notifications.types.MATCH_SUGGESTED.title", { listingTitle: d.listingTitle }),
    body: t("notifications.types.MATCH_SUGGESTED.body", { listingTitle: d.listingTitle, otherTitle: d.otherTitle }),
    items: [],
  }),
  MATCH_DIGEST: (d, t, locale) => {
    const shown = d.matches.slice(0, 10);
    const items: RenderedNotification["items"] = shown.map((m) => ({
      text: t("notifications.types.MATCH_DIGEST.item", { title: m.title, score: formatNumber(Math.round(m.score * 100), locale) }),
      path: `/listings/${m.listingId}`,
    }));
    const more = d.count - shown.length;
    if (more > 0) items.push({ text: t("notifications.types.MATCH_DIGEST.more", { count: more, formatted: formatNumber(more, locale) }), path: null });
    const counted = { count: d.count, formatted: formatNumber(d.count, locale), listingTitle: d.listingTitle };
    return { title: t("notifications.types.MATCH_DIGEST.title", counted), body: t("notifications.types.MATCH_DIGEST.body", counted), items };
  },
  DEAL_STAGE_CHANGED: (d, t) => {
    const toStage = stage(t, d.toStage);
    const body = d.fromStage
      ? t("notifications.types.DEAL_STAGE_CHANGED.body", { dealTitle: d.dealTitle, fromStage: stage(t, d.fromStage), toStage })
      : t("notifications.types.DEAL_STAGE_CHANGED.bodyOpened", { dealTitle: d.dealTitle, toStage });
    return {
      title: t("notifications.types.DEAL_STAGE_CHANGED.title", { dealTitle: d.dealTitle, toStage }),
      body: d.comment ? `${body} ${t("notifications.types.DEAL_STAGE_CHANGED.comment", { comment: d.comment })}` : body,
      items: [],
    };
  },
  PAYMENT_RECEIVED: (d, t, locale) => {
    const amount = money(d.amount, d.currency, locale);
    const kind = d.purpose === "FEATURED_PLACEMENT" ? "featured" : "fee";
    return {
      title: t(`notifications.types.PAYMENT_RECEIVED.${kind}Title`, { amount }),
      body: t(`notifications.types.PAYMENT_RECEIVED.${kind}Body`, { amount, listingTitle: d.listingTitle ?? "", dealTitle: d.dealTitle ?? "" }),
      items: [],
    };
  },
  SAVED_SEARCH_ALERT: (d, t, locale) => {
    const shown = d.listings.slice(0, 10);
    const items: RenderedNotification["items"] = shown.map((l) => ({ text: l.title, path: `/listings/${l.id}` }));
    const more = d.count - shown.length;
    if (more > 0) items.push({ text: t("notifications.types.SAVED_SEARCH_ALERT.more", { count: more, formatted: formatNumber(more, locale) }), path: null });
    return {
      title: t("notifications.types.SAVED_SEARCH_ALERT.title", { count: d.count, formatted: formatNumber(d.count, locale), searchName: d.searchName }),
      body: t("notifications.types.SAVED_SEARCH_ALERT.body", { count: d.count, formatted: formatNumber(d.count, locale), searchName: d.searchName }),
      items,
    };
  },
  LISTING_EXPIRING: (d, t, locale) => {
    const date = formatDate(d.expiresAt, locale, "long");
    return {
      title: t("notifications.types.LISTING_EXPIRING.title", { listingTitle: d.listingTitle, date }),
      body: t("notifications.types.LISTING_EXPIRING.body", { listingTitle: d.listingTitle, date }),
      items: [],
    };
  },
  ORGANISATION_VERIFICATION: (d, t) => {
    const kind = d.decision === "VERIFIED" ? "verified" : "rejected";
    const body = t(`notifications.types.ORGANISATION_VERIFICATION.${kind}Body`, { organisationName: d.organisationName });
    return {
      title: t(`notifications.types.ORGANISATION_VERIFICATION.${kind}Title`, { organisationName: d.organisationName }),
      body: d.reason ? `${body} ${t("notifications.types.ORGANISATION_VERIFICATION.reason", { reason: d.reason })}` : body,
      items: [],
    };
  },
};

/** A notification's text in one language, written from its data. */
export function renderNotification(notification: StoredNotification, locale: Locale): RenderedNotification {
  const t = fixedT(locale);
  const render = renderers[notification.type] as Renderer<NotificationKind>;
  return { ...render(notification.data as NotificationPayloads[NotificationKind], t, locale), path: safeAppPath(notification.url) };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** The absolute link the e-mail leads to. */
  link: string;
}

/**
 * The e-mail for a notification in the recipient's language: plain text and
 * HTML with the same content, and an absolute link into the app.
 * `unsubscribeUrl` adds the saved-search footer.
 */
export function renderEmail(
  notification: StoredNotification,
  recipient: { name: string; locale: Locale },
  options: { unsubscribeUrl?: string } = {},
): RenderedEmail {
  const { locale } = recipient;
  const t = fixedT(locale);
  const rendered = renderNotification(notification, locale);
  const link = absoluteUrl(rendered.path ?? "/notifications");
  const settings = absoluteUrl("/notifications");
  const greeting = t("notifications.email.greeting", { name: recipient.name });
  const footer = options.unsubscribeUrl
    ? t("notifications.email.alertFooter", { url: options.unsubscribeUrl })
    : t("notifications.email.footer", { url: settings });
  const textItems = rendered.items.map((item) => `- ${item.text}${item.path ? `\n  ${absoluteUrl(item.path)}` : ""}`);
  const text = [
    greeting,
    "",
    rendered.body,
    ...(textItems.length ? ["", ...textItems] : []),
    "",
    `${t("notifications.email.open")}: ${link}`,
    "",
    "-- ",
    t("notifications.email.signature"),
    footer,
    "",
  ].join("\n");
  const htmlItems = rendered.items.length
    ? `<ul style="padding-left:20px">${rendered.items
        .map((item) => `<li style="margin:4px 0">${item.path ? `<a href="${escapeHtml(absoluteUrl(item.path))}" dir="auto">${escapeHtml(item.text)}</a>` : escapeHtml(item.text)}</li>`)
        .join("")}</ul>`
    : "";
  const unsubscribe = options.unsubscribeUrl
    ? `<p style="color:#5b6472;font-size:13px">${escapeHtml(t("notifications.email.alertFooterHtml"))} <a href="${escapeHtml(options.unsubscribeUrl)}">${escapeHtml(t("notifications.email.unsubscribe"))}</a></p>`
    : `<p style="color:#5b6472;font-size:13px">${escapeHtml(t("notifications.email.footerHtml"))} <a href="${escapeHtml(settings)}">${escapeHtml(settings)}</a></p>`;
  const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${escapeHtml(rendered.title)}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2530;line-height:1.5;max-width:600px;margin:0 auto;padding:16px">
<p>${escapeHtml(greeting)}</p>
<p dir="auto">${escapeHtml(rendered.body)}</p>
${htmlItems}
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#0b5cad;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(t("notifications.email.open"))}</a></p>
<hr style="border:none;border-top:1px solid #d9dee5">
<p style="color:#5b6472;font-size:13px">${escapeHtml(t("notifications.email.signature"))}</p>
${unsubscribe}
</body>
</html>
`;
  return { subject: rendered.title, text, html, link };
}
