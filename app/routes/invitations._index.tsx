import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { readForm } from "~/lib/http.server.ts";
import { requireUserId } from "~/modules/auth/session.server.ts";
import { acceptInvitation, declineInvitation } from "~/modules/orgs/invitations.server.ts";
import { pendingInvitationAnswerSchema } from "~/modules/orgs/schema.ts";

/**
 * POST /invitations?index: the in-app answer to an invitation listed on the dashboard
 * (PendingInvitations). Pending invitations are shown there; this route has no page.
 */
export function loader() {
  return redirect("/dashboard");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request);
  const submission = parseWithZod(await readForm(request), { schema: pendingInvitationAnswerSchema });
  // This route has no page of its own: a bad form is the error boundary's 400, with the field messages.
  if (submission.status !== "success") throw json({ message: "Bad request", error: submission.reply().error }, { status: 400 });
  const { intent, invitationId } = submission.value;
  const meta = { ipAddress: context.clientIp };
  const result = intent === "accept" ? await acceptInvitation(userId, { invitationId }, meta) : await declineInvitation(userId, { invitationId }, meta);
  // Another address's invitation, or one no longer open: the same 404 as a made-up id.
  if (!result.ok) throw json({ message: "Not found" }, { status: 404 });
  return redirect(intent === "accept" ? `/orgs/${result.organisationId}` : "/dashboard");
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
