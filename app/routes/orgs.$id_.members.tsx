import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { inviteMember, listOpenInvitations, revokeInvitation } from "~/modules/orgs/invitations.server.ts";
import { listMembers, updateMembership } from "~/modules/orgs/organisations.server.ts";
import { inviteMemberSchema, MEMBERSHIP_ROLES, membersActionSchema } from "~/modules/orgs/schema.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const organisationId = params.id ?? "";
  const page = await listMembers(actor, organisationId);
  const invitations = page.canManage ? await listOpenInvitations(organisationId) : [];
  return json({ ...page, invitations, now: new Date().toISOString(), locale: await getLocale(request) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const organisationId = params.id ?? "";
  const submission = parseWithZod(await readForm(request), { schema: membersActionSchema });
  const intent = typeof submission.payload.intent === "string" ? submission.payload.intent : "";
  // `invited` is the address as typed: the answer is the same whether an account uses it or not.
  const answer = (lastResult: ReturnType<typeof submission.reply>, invited: string | null = null) => ({ intent, lastResult, invited });
  if (submission.status !== "success") return json(answer(submission.reply()), { status: 400 });
  const input = submission.value;
  const meta = { ipAddress: context.clientIp };
  if (input.intent === "invite") {
    const result = await inviteMember(actor, organisationId, input, meta);
    if (result.ok) return json(answer(submission.reply({ resetForm: true }), input.email));
    if (result.reason === "rate-limited") {
      return json(answer(submission.reply({ formErrors: ["invitations.tooMany"] })), { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } });
    }
    return json(answer(submission.reply({ fieldErrors: { email: ["errors.alreadyMember"] } })), { status: 400 });
  }
  if (input.intent === "revoke-invitation") {
    await revokeInvitation(actor, organisationId, input.invitationId, meta);
    return json(answer(submission.reply()));
  }
  const result = await updateMembership(actor, organisationId, input.membershipId, input.intent === "remove-member" ? { remove: true } : { role: input.role });
  if (!result.ok) return json(answer(submission.reply({ formErrors: [result.error] })), { status: 400 });
  return json(answer(submission.reply()));
}

export default function MembersPage() {
  const { organisation, members, canManage, invitations, now, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "invite",
    lastResult: actionData?.intent === "invite" ? actionData.lastResult : undefined,
    constraint: getZodConstraint(inviteMemberSchema),
    // Also what the form goes back to after an invitation is sent.
    defaultValue: { role: "MEMBER" },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteMemberSchema }),
  });
  const otherErrors = actionData && actionData.intent !== "invite" ? actionData.lastResult.error?.[""] : null;
  return (
    <section>
      <p className="breadcrumbs">
        <Link to="/dashboard">{t("nav.dashboard")}</Link> / <Link to={`/orgs/${organisation.id}`}>{organisation.name}</Link>
      </p>
      <h1>{t("members.title", { name: organisation.name })}</h1>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("fields.name")}</th>
            <th scope="col">{t("fields.email")}</th>
            <th scope="col">{t("members.role")}</th>
            {canManage ? <th scope="col">{t("members.actions")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.user.name}</td>
              <td>{m.user.email}</td>
              <td>{t(`membershipRole.${m.role}`)}</td>
              {canManage ? (
                <td className="table__actions">
                  <Form method="post">
                    <input type="hidden" name="membershipId" value={m.id} />
                    <input type="hidden" name="role" value={m.role === "OWNER" ? "MEMBER" : "OWNER"} />
                    <button type="submit" name="intent" value="change-role" className="link-button">
                      {m.role === "OWNER" ? t("members.makeMember") : t("members.makeOwner")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="membershipId" value={m.id} />
                    <button type="submit" name="intent" value="remove-member" className="link-button link-button--danger">
                      {t("members.remove")}
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorList errors={otherErrors} />
      {canManage ? (
        <>
          {actionData?.invited ? (
            <p className="notice notice--ok" role="status">
              {t("invitations.sent", { email: actionData.invited })}
            </p>
          ) : null}
          <Form method="post" {...getFormProps(form)} className="card stack form-inline">
            <h2>{t("invitations.invite")}</h2>
            <p className="muted">{t("invitations.inviteLead")}</p>
            <input type="hidden" name="intent" value="invite" />
            <Field label={t("fields.email")} errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "off" }} />
            <SelectField
              label={t("members.role")}
              errors={fields.role.errors}
              selectProps={getSelectProps(fields.role)}
              options={MEMBERSHIP_ROLES.map((r) => ({ value: r, label: t(`membershipRole.${r}`) }))}
            />
            <ErrorList id={form.errorId} errors={form.errors} />
            <button type="submit" className="button">
              {t("invitations.submit")}
            </button>
          </Form>
          <h2>{t("invitations.open")}</h2>
          {invitations.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("invitations.address")}</th>
                  <th scope="col">{t("members.role")}</th>
                  <th scope="col">{t("invitations.invitedBy")}</th>
                  <th scope="col">{t("invitations.expires")}</th>
                  <th scope="col">{t("members.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id}>
                    <td>{i.email}</td>
                    <td>{t(`membershipRole.${i.role}`)}</td>
                    <td>{i.invitedBy?.name ?? ""}</td>
                    <td>
                      {i.expiresAt <= now ? `${t("invitations.expired")} · ` : ""}
                      <time dateTime={i.expiresAt}>{formatDate(i.expiresAt, locale)}</time>
                    </td>
                    <td className="table__actions">
                      <Form method="post">
                        <input type="hidden" name="invitationId" value={i.id} />
                        <button type="submit" name="intent" value="revoke-invitation" className="link-button link-button--danger">
                          {t("invitations.revoke")}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t("invitations.none")}</p>
          )}
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
