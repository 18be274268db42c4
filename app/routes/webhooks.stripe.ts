import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { receiveStripeWebhook } from "~/modules/payments/processing.server.ts";

/** Stripe's webhook endpoint (DESIGN.md §8b). The signature covers the exact bytes, so the body is read raw. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
  const outcome = await receiveStripeWebhook(await request.text(), request.headers.get("Stripe-Signature"));
  return json(outcome.body, { status: outcome.status });
}

export function loader() {
  return json({ error: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
}
