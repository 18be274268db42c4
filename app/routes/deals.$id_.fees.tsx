import { readForm } from "~/lib/http.server.ts";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { issueFee } from "~/modules/payments/fees.server.ts";
import { issueFeeSchema } from "~/modules/payments/schema.ts";

/** POST: a broker issues a brokerage fee on the deal (the form is the deal page's fees panel). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const submission = parseWithZod(await readForm(request), { schema: issueFeeSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const result = await issueFee(actor, params.id ?? "", submission.value, { ipAddress: context.clientIp });
  if (!result.ok) return json(submission.reply({ fieldErrors: result.fieldErrors }), { status: 400 });
  return redirect(`/deals/${result.dealId}?fee=${result.feeId}#fees`);
}

export function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/deals/${encodeURIComponent(params.id ?? "")}#fees`);
}
