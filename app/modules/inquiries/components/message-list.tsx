import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDateTime } from "../format.ts";

export interface MessageItem {
  id: string;
  body: string;
  createdAt: string | Date;
  authorName: string | null;
  organisationName: string | null;
  side: "inquirer" | "owner" | "centre";
  mine: boolean;
  unread: boolean;
}

/** A thread's messages in order, each with its author, the side they spoke for and the time. */
export function MessageList({ messages, locale }: { messages: MessageItem[]; locale: Locale }) {
  const { t } = useTranslation();
  if (!messages.length) return <p className="empty">{t("inquiries.thread.noMessages")}</p>;
  return (
    <ol className="thread" aria-label={t("inquiries.thread.messages")}>
      {messages.map((m, index) => {
        const classes = ["message", m.mine ? "message--mine" : "", m.side === "centre" ? "message--centre" : "", m.unread ? "message--unread" : ""];
        return (
          <li key={m.id} id={index === messages.length - 1 ? "latest" : undefined} className={classes.filter(Boolean).join(" ")}>
            <p className="message__head">
              <span className="message__author">{m.authorName ?? t("inquiries.thread.formerUser")}</span>
              <span dir="auto">{m.side === "centre" ? t("inquiries.thread.centre") : m.organisationName}</span>
              <time dateTime={new Date(m.createdAt).toISOString()}>{formatDateTime(m.createdAt, locale)}</time>
              {m.unread ? <span className="badge">{t("inquiries.thread.new")}</span> : null}
            </p>
            <p className="message__body" dir="auto">
              {m.body}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
