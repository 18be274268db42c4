import type Stripe from "stripe";
import { prisma } from "../../app/lib/db.server.ts";
import { loadActor } from "../../app/modules/auth/actor.server.ts";
import { startFeaturedCheckout } from "../../app/modules/payments/featured.server.ts";
import { createListing, createMemberWithOrganisation } from "./index.ts";
import { stripeEvent, type StripeTestServer } from "../setup/stripe-server.ts";

/**
 * An owner with a published listing who has clicked "Feature this listing": a
 * PENDING payment and its Checkout Session on the local Stripe server.
 */
export async function startFeaturedPayment(stripe: StripeTestServer, options: { currency?: "VND" | "USD"; listingId?: string; userId?: string } = {}) {
  let userId = options.userId;
  let listingId = options.listingId;
  if (!userId || !listingId) {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    userId = user.id;
    listingId = listing.id;
  }
  const actor = (await loadActor(userId))!;
  const result = await startFeaturedCheckout(actor, listingId, { currency: options.currency ?? "VND" }, { origin: "http://localhost", locale: "vi" });
  if (!result.ok) throw new Error(`checkout failed: ${result.reason}`);
  const payment = await prisma.payment.findUniqueOrThrow({ where: { id: result.paymentId } });
  const session = stripe.sessions.get(payment.stripeCheckoutSessionId!)!;
  return { userId, listingId, payment, session, url: result.url };
}

/** The events Stripe sends for one Checkout Session, built from the session as it stands. */
export function sessionEvents(stripe: StripeTestServer, sessionId: string) {
  return {
    completed: (paymentStatus: "paid" | "unpaid" = "paid") => stripeEvent("checkout.session.completed", stripe.completeSession(sessionId, { paymentStatus })),
    asyncSucceeded: () => stripeEvent("checkout.session.async_payment_succeeded", stripe.completeSession(sessionId, { paymentStatus: "paid" })),
    asyncFailed: () => stripeEvent("checkout.session.async_payment_failed", { ...stripe.completeSession(sessionId, { paymentStatus: "unpaid" }) }),
    expired: () => stripeEvent("checkout.session.expired", stripe.expireSession(sessionId)),
  };
}

export type { Stripe };
