import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { addMember, listMembers, updateMembership } from "~/modules/orgs/organisations.server.ts";
import { addMemberSchema, MEMBERSHIP_ROLES, membersActionSchema } from "~/modules/orgs/schema.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return json(await listMembers(actor, params.id ?? ""));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const organisationId = params.id ?? "";
  const submission = parseWithZod(await request.formData(), { schema: membersActionSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const input = submission.value;
  const result =
    input.intent === "add-member"
      ? await addMember(actor, organisationId, input)
      : await updateMembership(actor, organisationId, input.membershipId, input.intent === "remove-member" ? { remove: true } : { role: input.role });
  if (!result.ok) {
    const key = result.field === "email" ? "email" : "";
    return json(submission.reply({ fieldErrors: { [key]: [result.error] } }), { status: 400 });
  }
  return json(submission.reply({ resetForm: true }));
}

export default function MembersPage() {
  const { organisation, members, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "add-member",
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addMemberSchema }),
  });
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
      {lastResult?.error?.[""] ? <ErrorList errors={lastResult.error[""]} /> : null}
      {canManage ? (
        <Form method="post" {...getFormProps(form)} className="card stack form-inline">
          <h2>{t("members.add")}</h2>
          <input type="hidden" name="intent" value="add-member" />
          <Field label={t("fields.email")} errors={fields.email.errors} inputProps={getInputProps(fields.email, { type: "email" })} />
          <SelectField
            label={t("members.role")}
            errors={fields.role.errors}
            selectProps={{ ...getSelectProps(fields.role), defaultValue: "MEMBER" }}
            options={MEMBERSHIP_ROLES.map((r) => ({ value: r, label: t(`membershipRole.${r}`) }))}
          />
          <button type="submit" className="button">
            {t("members.addSubmit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
