import Stripe from "stripe";
import { env } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * The API version every call is made with. Pinned so a Stripe-side default
 * change cannot alter the shape of the objects we read; raise it together with
 * the `stripe` package and re-run the payment tests.
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** Seconds a webhook signature stays valid (Stripe's own default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function createClient(): Stripe | null {
  const { STRIPE_SECRET_KEY, STRIPE_API_URL } = env();
  if (!STRIPE_SECRET_KEY) return null;
  // Tests point the real SDK at a local server; production leaves the SDK's own host.
  const local = STRIPE_API_URL ? new URL(STRIPE_API_URL) : null;
  return new Stripe(STRIPE_SECRET_KEY, {
    apiVersion: STRIPE_API_VERSION,
    // Retries reuse the request's idempotency key, so a retried create never makes a second object.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "Techex" },
    ...(local
      ? {
          host: local.hostname,
          port: local.port || (local.protocol === "https:" ? 443 : 80),
          protocol: local.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {}),
  });
}

/** The process's Stripe client, or null when STRIPE_SECRET_KEY is not set (payments not configured). */
export function stripeClient(): Stripe | null {
  return singleton("stripe", createClient);
}

export function paymentsConfigured(): boolean {
  return Boolean(env().STRIPE_SECRET_KEY);
}

/** The signing secret of the webhook endpoint, or null when webhooks are not configured. */
export function stripeWebhookSecret(): string | null {
  return env().STRIPE_WEBHOOK_SECRET ?? null;
}

/** Signature checks need no API key, so they use the SDK's static helper. */
export const stripeWebhooks = Stripe.webhooks;

export type { Stripe };
