import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { consumeRateLimit } from "~/modules/auth/rate-limit.server.ts";
import { recordListingView } from "~/modules/listings/queries.server.ts";

/**
 * The listing page reports a view with a POST once it is shown (no state changes
 * on GET); one view per address and listing per hour counts.
 */
export async function action({ params, context, request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ counted: false }, { status: 405 });
  const id = params.id ?? "";
  const limit = await consumeRateLimit("listingView", `${context.clientIp}:${id}`);
  const counted = limit.allowed ? await recordListingView(id) : false;
  return json({ counted }, { headers: { "Cache-Control": "no-store" } });
}
