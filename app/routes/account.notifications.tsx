import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, SelectField } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { requireUserId } from "~/modules/auth/session.server.ts";
import { getNotificationPreferences, setNotificationPreferences } from "~/modules/notifications/preferences.server.ts";
import { NOTIFICATION_CHANNELS, PREFERENCE_EVENTS, notificationPreferencesSchema } from "~/modules/notifications/schema.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const userId = await requireUserId(request);
  return json({ preferences: await getNotificationPreferences(userId) });
}

/** One channel per event type: in the app and by e-mail (the default), in the app only, or off. */
export async function action({ request }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: notificationPreferencesSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  await setNotificationPreferences(userId, submission.value);
  return redirect("/account/notifications?saved=1");
}

export default function AccountNotificationsPage() {
  const { preferences } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "account-notifications",
    lastResult,
    defaultValue: preferences,
    constraint: getZodConstraint(notificationPreferencesSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: notificationPreferencesSchema }),
  });
  const options = NOTIFICATION_CHANNELS.map((channel) => ({ value: channel, label: t(`account.notifications.channels.${channel}`) }));
  return (
    <div className="form-page">
      <p className="muted">{t("account.notifications.intro")}</p>
      {params.get("saved") && !lastResult ? (
        <p className="notice notice--ok" role="status">
          {t("account.notifications.saved")}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="stack">
        {PREFERENCE_EVENTS.map((event) => (
          <SelectField key={event} label={t(`account.notifications.events.${event}`)} errors={fields[event].errors} selectProps={getSelectProps(fields[event])} options={options} />
        ))}
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("account.notifications.save")}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
