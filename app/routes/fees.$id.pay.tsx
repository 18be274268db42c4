import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { requireVerifiedEmail } from "~/modules/auth/verification.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { checkoutRefusalStatus, publicOrigin } from "~/modules/payments/checkout.server.ts";
import { payFee } from "~/modules/payments/fees.server.ts";

/** POST: a member of the paying organisation is sent to Stripe Checkout for the fee. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  await requireVerifiedEmail(actor.id);
  const result = await payFee(actor, params.id ?? "", { origin: publicOrigin(request), locale: await getLocale(request) });
  if (result.ok) return redirect(result.url, 303);
  // Back to the deal, which explains why (the panel reads ?feeError=).
  if (result.dealId && (request.headers.get("Accept") ?? "").includes("text/html")) return redirect(`/deals/${result.dealId}?feeError=${result.reason}#fees`, 303);
  return json({ error: `payments.errors.${result.reason}` }, { status: checkoutRefusalStatus(result.reason) });
}
