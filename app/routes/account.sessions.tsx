import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { signOutOtherSessions, signOutSession } from "~/modules/account/account.server.ts";
import { describeDevice } from "~/modules/account/device.server.ts";
import { sessionsActionSchema } from "~/modules/account/schema.ts";
import { currentSessionId, listActiveSessions, requireUserId } from "~/modules/auth/session.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { dateTimeFormat } from "~/modules/i18n/format.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  const [sessions, current, locale] = await Promise.all([listActiveSessions(userId), currentSessionId(request), getLocale(request)]);
  return json({
    locale,
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === current,
      device: describeDevice(s.userAgent),
      ipAddress: s.ipAddress,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt?.toISOString() ?? null,
    })),
  });
}

/** "Sign out everywhere else", or one session; this device's session is never ended here (log out does that). */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const parsed = sessionsActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ errors: ["errors.chooseOne"] }, { status: 400 });
  const current = await currentSessionId(request);
  const meta = { ipAddress: context.clientIp };
  if (parsed.data.intent === "sign-out-others") {
    const ended = await signOutOtherSessions(userId, current, meta);
    return redirect(`/account/sessions?ended=${ended}`);
  }
  const ended = await signOutSession(userId, parsed.data.sessionId, current, meta);
  return redirect(`/account/sessions${ended ? "?endedOne=1" : ""}`);
}

const when = (iso: string, locale: Locale) => dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(iso));

export default function AccountSessionsPage() {
  const { sessions, locale } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const ended = params.get("ended");
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div>
      <p className="muted">{t("account.sessions.intro")}</p>
      {ended !== null ? (
        <p className="notice notice--ok" role="status">
          {t("account.sessions.signedOutOthers", { count: Math.max(0, Number(ended) || 0) })}
        </p>
      ) : params.get("endedOne") ? (
        <p className="notice notice--ok" role="status">
          {t("account.sessions.signedOutOne")}
        </p>
      ) : null}
      <ErrorList errors={failed?.errors} />
      <div className="stack">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("account.sessions.device")}</th>
              <th scope="col">{t("account.sessions.signedIn")}</th>
              <th scope="col">{t("account.sessions.lastSeen")}</th>
              <th scope="col">{t("account.sessions.address")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("account.sessions.signOut")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => {
              const device = s.device ?? t("account.sessions.unknownDevice");
              return (
                <tr key={s.id} data-session={s.current ? "current" : "other"}>
                  <td>
                    {device}
                    {s.current ? (
                      <>
                        {" "}
                        <strong className="badge">{t("account.sessions.thisDevice")}</strong>
                      </>
                    ) : null}
                  </td>
                  <td>{when(s.createdAt, locale)}</td>
                  <td>{s.lastSeenAt ? when(s.lastSeenAt, locale) : t("account.sessions.never")}</td>
                  <td>{s.ipAddress ?? t("account.sessions.never")}</td>
                  <td>
                    {s.current ? null : (
                      <Form method="post">
                        <input type="hidden" name="sessionId" value={s.id} />
                        <button type="submit" name="intent" value="sign-out-session" className="link-button" aria-label={t("account.sessions.signOutLabel", { device, date: when(s.createdAt, locale) })}>
                          {t("account.sessions.signOut")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {others > 0 ? (
          <Form method="post">
            <button type="submit" name="intent" value="sign-out-others" className="button">
              {t("account.sessions.signOutOthers")}
            </button>
          </Form>
        ) : (
          <p className="muted">{t("account.sessions.onlyThis")}</p>
        )}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
