import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { notFound, readForm } from "~/lib/http.server.ts";
import { requireUserId } from "~/modules/auth/session.server.ts";
import { formatDate, formatNumber } from "~/modules/i18n/format.ts";
import { getLocale, i18nServer } from "~/modules/i18n/i18n.server.ts";
import { NotificationList } from "~/modules/notifications/components/notification-list.tsx";
import { listNotifications, markAllNotificationsRead, markNotificationRead } from "~/modules/notifications/notifications.server.ts";

const query = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });

const intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.string().min(1).max(40), follow: z.enum(["1"]).optional() }),
  z.object({ intent: z.literal("read-all") }),
]);

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} · Techex` : "Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  const { page } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [locale, t] = await Promise.all([getLocale(request), i18nServer.getFixedT(request)]);
  const data = await listNotifications(userId, page, locale);
  return json({ ...data, locale, title: t("notifications.title") });
}

export async function action({ request }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const parsed = intent.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: "errors.chooseOne", fields: parsed.error.flatten().fieldErrors }, { status: 400 });
  const back = new URL(request.url).searchParams.get("page");
  const here = back && /^\d+$/.test(back) ? `/notifications?page=${back}` : "/notifications";
  if (parsed.data.intent === "read-all") {
    await markAllNotificationsRead(userId);
    return redirect("/notifications?marked=all");
  }
  const result = await markNotificationRead(userId, parsed.data.id);
  if (!result) throw notFound();
  return redirect(parsed.data.follow && result.path ? result.path : here);
}

export default function NotificationsPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const pageQuery = data.page > 1 ? `?page=${data.page}` : "";
  return (
    <section className="notifications-page" aria-labelledby="notifications-title">
      <div className="section__head">
        <div>
          <h1 id="notifications-title">{t("notifications.title")}</h1>
          <p className="muted">{t("notifications.intro")}</p>
        </div>
        {data.unread > 0 ? (
          <Form method="post" action={`/notifications${pageQuery}`}>
            <button type="submit" name="intent" value="read-all" className="button button--ghost">
              {t("notifications.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {params.get("marked") === "all" ? (
        <p className="notice" role="status">
          {t("notifications.allMarked")}
        </p>
      ) : null}
      <p className="muted">{t("notifications.unreadCount", { count: data.unread, formatted: formatNumber(data.unread, data.locale) })}</p>
      {data.notifications.length === 0 ? (
        <div className="empty">
          <p>{t("notifications.empty")}</p>
        </div>
      ) : (
        <NotificationList
          notifications={data.notifications.map((n) => ({ ...n, when: formatDate(n.createdAt, data.locale, "medium") }))}
          action={`/notifications${pageQuery}`}
        />
      )}
      {data.pages > 1 ? (
        <nav className="pagination" aria-label={t("notifications.pagination")}>
          {data.page > 1 ? (
            <Link to={data.page === 2 ? "/notifications" : `/notifications?page=${data.page - 1}`} rel="prev">
              ← {t("notifications.newer")}
            </Link>
          ) : null}
          <span>{t("notifications.page", { page: data.page, pages: data.pages })}</span>
          {data.page < data.pages ? (
            <Link to={`/notifications?page=${data.page + 1}`} rel="next">
              {t("notifications.older")} →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
