import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Fragment } from "react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { ROLE_NAMES } from "~/modules/auth/permissions.ts";
import { grantRole, listUsersWithRoles, revokeRole } from "~/modules/auth/roles.server.ts";

const querySchema = z.object({ q: z.string().trim().max(100).default(""), page: z.coerce.number().int().min(1).max(10_000).default(1) });
const roleSchema = z.object({ intent: z.enum(["grant", "revoke"]), userId: z.string().min(1), role: z.enum(ROLE_NAMES) });

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(parsed.success, "Bad query");
  return json(await listUsersWithRoles(actor, parsed.data.q, parsed.data.page));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const submission = parseWithZod(await readForm(request), { schema: roleSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const { intent, userId, role } = submission.value;
  const result = intent === "grant" ? await grantRole(actor, userId, role, { ipAddress: context.clientIp }) : await revokeRole(actor, userId, role, { ipAddress: context.clientIp });
  if (!result.ok) return json(submission.reply({ formErrors: [result.error] }), { status: 400 });
  return json(submission.reply());
}

export default function AdminUsersPage() {
  const { users, total, page, pageSize } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <section>
      <div className="section__head">
        <h1>{t("admin.usersTitle")}</h1>
        <Link to="/admin/search">{t("nav.searchJobs")}</Link>
      </div>
      <Form method="get" className="form-inline">
        <label htmlFor="q" className="visually-hidden">
          {t("admin.search")}
        </label>
        <input id="q" name="q" type="search" placeholder={t("admin.search")} />
        <button type="submit" className="button button--small">
          {t("admin.searchSubmit")}
        </button>
      </Form>
      <ErrorList errors={lastResult?.error?.[""]} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("fields.name")}</th>
            <th scope="col">{t("fields.email")}</th>
            <th scope="col">{t("admin.organisations")}</th>
            <th scope="col">{t("admin.roles")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const held = new Set(u.roles.map((r) => r.role.name));
            return (
              <tr key={u.id}>
                <td dir="auto">{u.name}</td>
                <td dir="auto">{u.email}</td>
                <td>
                  {u.memberships.map((m, i) => (
                    <Fragment key={m.organisation.name + i}>
                      {i > 0 ? ", " : null}
                      <bdi>{m.organisation.name}</bdi>
                    </Fragment>
                  ))}
                </td>
                <td className="table__actions">
                  {ROLE_NAMES.map((role) => (
                    <Form method="post" key={role}>
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="role" value={role} />
                      <button
                        type="submit"
                        name="intent"
                        value={held.has(role) ? "revoke" : "grant"}
                        className={held.has(role) ? "chip chip--on" : "chip"}
                        aria-pressed={held.has(role)}
                      >
                        {t(`role.${role}`)}
                      </button>
                    </Form>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">{t("admin.pageOf", { page, pages: Math.max(1, Math.ceil(total / pageSize)), total })}</p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
