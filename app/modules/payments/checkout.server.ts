import type { Stripe } from "~/lib/stripe.server.ts";
import { prisma } from "~/lib/db.server.ts";
import { env } from "~/lib/env.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { stripeClient } from "~/lib/stripe.server.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { stripeCurrency, toStripeAmount, type PaymentCurrency } from "./money.ts";

/**
 * The HTTP status of a checkout that could not start: Stripe unreachable 502, payments not
 * configured 503, anything about our own record (not payable, not published, in progress) 409.
 */
export function checkoutRefusalStatus(reason: string) {
  return reason === "stripe-unavailable" ? 502 : reason === "not-configured" ? 503 : 409;
}

export type CheckoutResult = { ok: true; url: string; paymentId: string } | { ok: false; reason: "not-configured" | "stripe-unavailable" };

/** The public origin for Stripe's return URLs: APP_URL, else the origin the request came to. */
export function publicOrigin(request: Request) {
  return (env().APP_URL ?? new URL(request.url).origin).replace(/\/$/, "");
}

/** The Checkout Session's idempotency key: one session per Payment row, however often the call is retried. */
export const checkoutIdempotencyKey = (paymentId: string) => `techex-payment-${paymentId}-checkout`;

/**
 * Creates the Checkout Session for a PENDING payment that is already committed
 * (so a webhook can always find its row) and records the session id. A Stripe
 * failure marks the payment FAILED: the user retries with a new payment.
 */
export async function openCheckoutSession(
  payment: { id: string; amount: bigint; currency: PaymentCurrency; purpose: "FEATURED_PLACEMENT" | "BROKERAGE_FEE" },
  options: { productName: string; origin: string; locale: Locale; cancelPath: string; customerEmail?: string | null },
): Promise<CheckoutResult> {
  const stripe = stripeClient();
  if (!stripe) return { ok: false, reason: "not-configured" };
  const metadata = { paymentId: payment.id, purpose: payment.purpose };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        client_reference_id: payment.id,
        metadata,
        payment_intent_data: { metadata },
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: stripeCurrency(payment.currency),
              unit_amount: toStripeAmount(payment.amount, payment.currency),
              product_data: { name: options.productName.slice(0, 250) },
            },
          },
        ],
        locale: options.locale,
        ...(options.customerEmail ? { customer_email: options.customerEmail } : {}),
        success_url: `${options.origin}/payments/${payment.id}?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${options.origin}${options.cancelPath}`,
      },
      { idempotencyKey: checkoutIdempotencyKey(payment.id) },
    );
  } catch (error) {
    logger.warn("stripe checkout session failed", { paymentId: payment.id, error: error instanceof Error ? error.message : String(error) });
    await prisma.payment.update({ where: { id: payment.id }, data: { status: "FAILED", failedAt: new Date() } });
    return { ok: false, reason: "stripe-unavailable" };
  }
  await prisma.payment.update({ where: { id: payment.id }, data: { stripeCheckoutSessionId: session.id } });
  if (!session.url) return { ok: false, reason: "stripe-unavailable" };
  return { ok: true, url: session.url, paymentId: payment.id };
}
