import { prisma } from "~/lib/db.server.ts";
import { env } from "~/lib/env.server.ts";
import { paymentsConfigured } from "~/lib/stripe.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { can, type Actor } from "~/modules/auth/permissions.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { openCheckoutSession, type CheckoutResult } from "./checkout.server.ts";
import type { PaymentCurrency } from "./money.ts";

/** One purchase buys this many days of featured placement. */
export const FEATURED_DAYS = 30;

/** The configured price of one placement, in whole units. */
export function featuredPrice(currency: PaymentCurrency): bigint {
  return BigInt(currency === "VND" ? env().FEATURED_PRICE_VND : env().FEATURED_PRICE_USD);
}

/** A published listing of one of the actor's organisations, or 404. */
async function requireOwnPublishedListing(actor: Actor, listingId: string) {
  const listing = await prisma.listing.findUnique({
    where: { id: listingId },
    select: { id: true, title: true, language: true, status: true, organisationId: true, featuredUntil: true },
  });
  if (!listing || !can(actor, "payment:create", { organisationId: listing.organisationId })) throw notFound();
  return listing;
}

/** What the "Feature this listing" page shows. */
export async function getFeaturePage(actor: Actor, listingId: string) {
  const listing = await requireOwnPublishedListing(actor, listingId);
  const now = new Date();
  const [placements, pending] = await Promise.all([
    prisma.featuredPlacement.findMany({
      where: { listingId, revokedAt: null, endsAt: { gt: now } },
      orderBy: { startsAt: "asc" },
      select: { id: true, startsAt: true, endsAt: true, paymentId: true },
    }),
    prisma.payment.findFirst({
      where: { listingId, purpose: "FEATURED_PLACEMENT", status: "PENDING", stripeCheckoutSessionId: { not: null } },
      orderBy: { createdAt: "desc" },
      select: { id: true, createdAt: true },
    }),
  ]);
  const featuredUntil = listing.featuredUntil && listing.featuredUntil > now ? listing.featuredUntil : null;
  return {
    listing: { id: listing.id, title: listing.title, language: listing.language, published: listing.status === "PUBLISHED" },
    configured: paymentsConfigured(),
    days: FEATURED_DAYS,
    prices: { VND: Number(featuredPrice("VND")), USD: Number(featuredPrice("USD")) },
    featuredUntil,
    /** A new purchase starts here. */
    nextStart: featuredUntil ?? now,
    placements,
    pendingPaymentId: pending?.id ?? null,
  };
}

export type FeatureCheckout = CheckoutResult | { ok: false; reason: "not-published" };

/**
 * Creates a PENDING payment for 30 days of featured placement and its Stripe
 * Checkout Session; the caller redirects to the returned URL. The placement is
 * granted by the webhook, never here.
 */
export async function startFeaturedCheckout(
  actor: Actor,
  listingId: string,
  input: { currency: PaymentCurrency },
  options: { origin: string; locale: Locale; email?: string | null },
): Promise<FeatureCheckout> {
  const listing = await requireOwnPublishedListing(actor, listingId);
  if (listing.status !== "PUBLISHED") return { ok: false, reason: "not-published" };
  if (!paymentsConfigured()) return { ok: false, reason: "not-configured" };
  const payment = await prisma.payment.create({
    data: {
      purpose: "FEATURED_PLACEMENT",
      status: "PENDING",
      amount: featuredPrice(input.currency),
      currency: input.currency,
      organisationId: listing.organisationId,
      userId: actor.id,
      listingId: listing.id,
      featuredDays: FEATURED_DAYS,
    },
    select: { id: true, amount: true, currency: true, purpose: true },
  });
  const name = options.locale === "vi" ? `Tin nổi bật ${FEATURED_DAYS} ngày: ${listing.title}` : `Featured listing, ${FEATURED_DAYS} days: ${listing.title}`;
  return openCheckoutSession(payment, { productName: name, origin: options.origin, locale: options.locale, cancelPath: `/listings/${listing.id}/feature?cancelled=1`, customerEmail: options.email });
}
