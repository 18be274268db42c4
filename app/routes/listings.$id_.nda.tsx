import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { acceptNda } from "~/modules/inquiries/nda.server.ts";
import { ndaAcceptSchema } from "~/modules/inquiries/schema.ts";

/** POST only: accepting happens from the NDA panel on the listing page. */
export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/listings/${encodeURIComponent(params.id ?? "")}#nda`);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const listingId = params.id ?? "";
  const parsed = ndaAcceptSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ status: "error" as const, error: parsed.error.flatten().fieldErrors }, { status: 400 });
  const result = await acceptNda(actor, listingId, parsed.data, { ipAddress: context.clientIp });
  if (result.ok) return redirect(`/listings/${listingId}?nda=accepted#confidential`);
  invariantResponse(result.status !== 404, "Not found", { status: 404 });
  // The text changed since the page was shown: show the new text to read again.
  if (result.status === 409) return redirect(`/listings/${listingId}?nda=changed#nda`, { status: 303 });
  return json({ status: "error" as const, error: { [result.field ?? ""]: [result.error] } }, { status: 400 });
}
