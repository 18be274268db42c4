import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { openDealFromInquiry } from "~/modules/deals/deals.server.ts";
import { openFromInquirySchema } from "~/modules/deals/schema.ts";

/** Deals are opened from an inquiry's page (a form posting here); there is nothing to show on GET. */
export async function loader() {
  return redirect("/deals");
}

/** Opens a deal from an inquiry, or goes to the deal it already has. */
export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const parsed = openFromInquirySchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: parsed.error.flatten().fieldErrors }, { status: 400 });
  const { id, created } = await openDealFromInquiry(actor, parsed.data.inquiryId, { ipAddress: context.clientIp });
  return redirect(`/deals/${id}${created ? "?opened=1" : ""}`);
}
