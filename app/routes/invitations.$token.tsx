import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList } from "~/components/forms.tsx";
import { readForm } from "~/lib/http.server.ts";
import { getUserId, requireUserId } from "~/modules/auth/session.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { acceptInvitation, declineInvitation, invitationPage, type InvitationPage } from "~/modules/orgs/invitations.server.ts";
import { invitationAnswerSchema } from "~/modules/orgs/schema.ts";

/**
 * /invitations/<token>: the link in an invitation e-mail. GET only shows the invitation (mail
 * scanners follow links); the signed-in invitee accepts or declines with a POST. Unknown,
 * expired, revoked and answered links all get the same page.
 */
export const meta: MetaFunction = () => [{ title: "Techex" }, { name: "robots", content: "noindex" }];

const STATUS: Record<InvitationPage["state"], number> = { invalid: 404, "wrong-account": 403, "signed-out": 200, ready: 200 };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const page = await invitationPage(params.token ?? "", await getUserId(request));
  return json({ page, locale: await getLocale(request) }, { status: STATUS[page.state] });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: invitationAnswerSchema });
  if (submission.status !== "success") return json({ state: "bad-request" as const, errors: submission.reply().error?.intent ?? null }, { status: 400 });
  const ref = { token: params.token ?? "" };
  const meta = { ipAddress: context.clientIp };
  const accepting = submission.value.intent === "accept";
  const result = accepting ? await acceptInvitation(userId, ref, meta) : await declineInvitation(userId, ref, meta);
  if (!result.ok) return json({ state: result.reason, errors: null }, { status: STATUS[result.reason] });
  return redirect(accepting ? `/orgs/${result.organisationId}` : "/dashboard");
}

export default function InvitationPage() {
  const { page: loaded, locale } = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const location = useLocation();
  // After a refused answer the action's verdict stands, whatever the page showed before.
  if (acted && acted.state !== "bad-request") return <Refused state={acted.state} />;
  if (loaded.state === "invalid" || loaded.state === "wrong-account") return <Refused state={loaded.state} />;
  const page = loaded;
  // The organisation's name goes in as an element, never into the markup Trans parses, and isolated (decision 012).
  const values = { role: t(`membershipRole.${page.role}`) };
  const named = { org: <bdi>{page.organisation.name}</bdi> };
  const here = location.pathname;
  return (
    <section className="auth-card stack" aria-labelledby="invitation-title">
      <h1 id="invitation-title">
        <Trans i18nKey="invitations.page.title" values={values} components={named} />
      </h1>
      <p className="lead">
        <Trans i18nKey="invitations.page.lead" values={values} components={named} />
      </p>
      <p className="muted">{t("invitations.page.validUntil", { date: formatDate(page.expiresAt, locale, "long") })}</p>
      {page.state === "signed-out" ? (
        <>
          <p>{t("invitations.page.signInLead")}</p>
          <p className="form-actions">
            <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="button">
              {t("invitations.page.signIn")}
            </Link>
            <Link to={`/signup?redirectTo=${encodeURIComponent(here)}`} className="button button--ghost">
              {t("invitations.page.signUp")}
            </Link>
          </p>
        </>
      ) : (
        <Form method="post" action={here} className="form-actions">
          <button type="submit" name="intent" value="accept" className="button">
            {t("invitations.page.accept")}
          </button>
          <button type="submit" name="intent" value="decline" className="button button--ghost">
            {t("invitations.page.decline")}
          </button>
        </Form>
      )}
      <ErrorList errors={acted?.errors} />
    </section>
  );
}

/** One page for every link that cannot be used, and one for an account with another address: neither says more. */
function Refused({ state }: { state: "invalid" | "wrong-account" }) {
  const { t } = useTranslation();
  const key = state === "invalid" ? "invalid" : "wrongAccount";
  return (
    <section className="auth-card stack" aria-labelledby="invitation-title">
      <h1 id="invitation-title">{t(`invitations.page.${key}Title`)}</h1>
      <p>{t(`invitations.page.${key}`)}</p>
      <p>
        <Link to="/" className="button button--ghost">
          {t("errorPage.home")}
        </Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
