import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface NotificationView {
  id: string;
  type: string;
  title: string;
  body: string;
  items: { text: string; path: string | null }[];
  path: string | null;
  read: boolean;
  when: string;
}

/**
 * The notification centre's list, newest first. An unread notification is
 * highlighted and says so in words; opening it marks it read and follows its
 * link (a POST, so no state changes on GET), and works without JavaScript.
 */
export function NotificationList({ notifications, action }: { notifications: NotificationView[]; action: string }) {
  const { t } = useTranslation();
  return (
    <ol className="notification-list">
      {notifications.map((n) => (
        <li key={n.id} className={n.read ? "notification" : "notification notification--unread"}>
          <div className="notification__main">
            <p className="notification__title">
              {n.read ? null : <span className="notification__badge">{t("notifications.unread")}</span>}
              <strong dir="auto">{n.title}</strong>
            </p>
            <p className="notification__body" dir="auto">
              {n.body}
            </p>
            {n.items.length ? (
              <ul className="notification__items">
                {n.items.map((item, i) =>
                  item.path ? (
                    <li key={i}>
                      <a href={item.path} dir="auto">
                        {item.text}
                      </a>
                    </li>
                  ) : (
                    <li key={i} className="muted">
                      {item.text}
                    </li>
                  ),
                )}
              </ul>
            ) : null}
            <p className="notification__meta muted">
              <time>{n.when}</time>
            </p>
          </div>
          <div className="notification__actions">
            {n.path ? (
              <Form method="post" action={action}>
                <input type="hidden" name="id" value={n.id} />
                <input type="hidden" name="follow" value="1" />
                <button type="submit" name="intent" value="read" className="button button--small">
                  {t("notifications.open")}
                </button>
              </Form>
            ) : null}
            {n.read ? null : (
              <Form method="post" action={action}>
                <input type="hidden" name="id" value={n.id} />
                <button type="submit" name="intent" value="read" className="link-button">
                  {t("notifications.markRead")}
                </button>
              </Form>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
