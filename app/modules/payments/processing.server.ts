import { createHash } from "node:crypto";
import type { PaymentStatus } from "~/generated/prisma/enums.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { stripeWebhooks, stripeWebhookSecret, WEBHOOK_TOLERANCE_SECONDS, type Stripe } from "~/lib/stripe.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { addFeaturedPlacement, revokeFeaturedPlacement } from "~/modules/listings/featured.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { stripeCurrency, toStripeAmount } from "./money.ts";
import { nextPaymentStatus } from "./status.ts";
import { checkStripeEvent, type ChargeFacts, type CheckoutSessionFacts, type StripeEventFacts } from "./stripe-events.server.ts";

/**
 * Stripe webhooks (DESIGN.md §4): verified, stored once, processed in the same
 * transaction as what they grant. Stripe delivers late, twice and out of order;
 * each handler records facts (paid, failed, expired, refunded) that only move a
 * payment up the status ladder in status.ts, then brings the grants in line with
 * those facts, so any order of the same events ends in the same state.
 */

export type WebhookOutcome = { status: number; body: { received?: true; duplicate?: boolean; error?: string } };

/** What a handler reports: an error is kept on the event row for admins (nothing granted). */
type Handled = { error?: string };

const TRANSACTION = { maxWait: 10_000, timeout: 20_000 };

export async function receiveStripeWebhook(rawBody: string, signature: string | null, now = new Date()): Promise<WebhookOutcome> {
  const secret = stripeWebhookSecret();
  if (!secret) return { status: 503, body: { error: "Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET is not set)" } };
  if (!signature) return { status: 400, body: { error: "Missing Stripe-Signature header" } };
  const refusal = signatureRefusal(rawBody, signature, secret, now);
  if (refusal) {
    logger.warn("stripe webhook refused", { reason: refusal });
    return { status: 400, body: { error: "Invalid or expired Stripe signature" } };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    logger.warn("stripe webhook refused", { reason: "signed body is not JSON" });
    await recordUnreadableStripeBody(rawBody, "the signed body is not JSON", now);
    return { status: 400, body: { error: "The body is not JSON" } };
  }
  try {
    const recorded = await recordStripeEvent(body, now);
    if (recorded.malformed) {
      logger.warn("stripe webhook refused", { eventId: recorded.eventId, reason: recorded.error });
      if (recorded.eventId === null) await recordUnreadableStripeBody(rawBody, recorded.error ?? "not a Stripe event", now);
      return { status: 400, body: { error: recorded.error ?? "Not a Stripe event" } };
    }
    return { status: 200, body: { received: true, duplicate: recorded.duplicate } };
  } catch (error) {
    // Nothing was stored: Stripe retries the delivery, so the payment is not lost.
    const { id, type } = (body ?? {}) as { id?: unknown; type?: unknown };
    logger.error("stripe webhook processing failed", { eventId: String(id), type: String(type), err: error });
    return { status: 500, body: { error: "Processing failed; Stripe will retry" } };
  }
}

/**
 * Why a signature must be refused, or null. The SDK checks the signature and that it is
 * at most the tolerance old; a timestamp in the future passes it, however far ahead, so
 * one signed (or replayed from a clock set wrong) an hour ahead would be good for an hour
 * and five minutes. Both sides of now get the same tolerance.
 */
function signatureRefusal(rawBody: string, header: string, secret: string, now: Date): string | null {
  try {
    stripeWebhooks.signature!.verifyHeader(rawBody, header, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, now.getTime());
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const signedAt = signatureTimestamp(header);
  if (signedAt === null) return "Unable to extract timestamp from header";
  if (signedAt - Math.floor(now.getTime() / 1000) > WEBHOOK_TOLERANCE_SECONDS) return "Timestamp in the future, outside the tolerance zone";
  return null;
}

/** The header's t=, read as the SDK reads it (the last one counts, parseInt), so it is the one the signature covered. */
function signatureTimestamp(header: string): number | null {
  let timestamp = Number.NaN;
  for (const item of header.split(",")) {
    const [key, value] = item.split("=");
    if (key === "t") timestamp = parseInt(value ?? "", 10);
  }
  return Number.isSafeInteger(timestamp) ? timestamp : null;
}

export type RecordedStripeEvent = {
  eventId: string | null;
  duplicate: boolean;
  error: string | null;
  /** The body is not the event its type says (or no event at all): the webhook answers 400. */
  malformed: boolean;
};

/** The payload as jsonb: PostgreSQL refuses NUL in text, and a NUL in a field we never read must not fail the delivery. */
const storablePayload = (body: unknown) => JSON.stringify(body, (_key, value: unknown) => (typeof value === "string" ? value.replaceAll("\u0000", "\uFFFD") : value));

/**
 * A signed body that is no event (not JSON, no id, not an object) is kept too, for admins to
 * see beside the refused events: under a key made from its hash ("unreadable_…", so the same
 * body retried is one row), with the reason and at most 64 KB of it.
 */
async function recordUnreadableStripeBody(rawBody: string, error: string, now: Date): Promise<void> {
  const id = `unreadable_${createHash("sha256").update(rawBody).digest("hex").slice(0, 40)}`;
  const payload = JSON.stringify({ body: rawBody.slice(0, 65_536).replaceAll("\u0000", "\uFFFD") });
  await prisma.$executeRaw`
    INSERT INTO "StripeEvent" (id, type, "stripeCreatedAt", payload, "processedAt", error, "createdAt", "updatedAt")
    VALUES (${id}, 'unreadable', ${now}, ${payload}::jsonb, ${now}, ${error}, ${now}, ${now})
    ON CONFLICT (id) DO NOTHING`;
}

/**
 * Stores the event (its id is the primary key) and processes it in one
 * transaction. A second delivery, even a simultaneous one, finds the row (the
 * INSERT waits for the first transaction and then does nothing) and changes nothing.
 * An event whose object is not what its type promises is stored with the reason and
 * processed no further; a body that is no event at all is kept by receiveStripeWebhook
 * under a key of its own (recordUnreadableStripeBody).
 */
export async function recordStripeEvent(body: unknown, now = new Date()): Promise<RecordedStripeEvent> {
  const checked = checkStripeEvent(body);
  if (!checked.envelope) return { eventId: null, duplicate: false, error: checked.error, malformed: true };
  const { id, type, created } = checked.envelope;
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO "StripeEvent" (id, type, "stripeCreatedAt", payload, "createdAt", "updatedAt")
      VALUES (${id}, ${type}, ${new Date(created * 1000)}, ${storablePayload(body)}::jsonb, ${now}, ${now})
      ON CONFLICT (id) DO NOTHING`;
    // The same body is refused the same way every time it comes back.
    if (inserted === 0) return { eventId: id, duplicate: true, error: checked.ok ? null : checked.error, malformed: !checked.ok };
    const { error = null } = checked.ok ? await handleEvent(tx, checked.facts, now) : { error: checked.error };
    await tx.stripeEvent.update({ where: { id }, data: { processedAt: now, error } });
    return { eventId: id, duplicate: false, error, malformed: !checked.ok };
  }, TRANSACTION);
}

const CHECKOUT_OUTCOME = {
  "checkout.session.async_payment_succeeded": "paid",
  "checkout.session.async_payment_failed": "failed",
  "checkout.session.expired": "expired",
} as const;

async function handleEvent(tx: Tx, facts: StripeEventFacts, now: Date): Promise<Handled> {
  switch (facts.kind) {
    case "checkout-session": {
      const { session, type } = facts;
      const outcome = type === "checkout.session.completed" ? (session.payment_status === "unpaid" ? "processing" : "paid") : CHECKOUT_OUTCOME[type];
      return applyCheckoutSession(tx, session, outcome, now);
    }
    case "charge-refunded":
      return applyRefund(tx, facts.charge, now);
    case "other":
      // Stored for the record; nothing to do.
      return {};
  }
}

export type SessionOutcome = "paid" | "processing" | "failed" | "expired";

/** What a retrieved session says happened (reconciliation), or null while it is still open. */
export function sessionOutcome(session: Stripe.Checkout.Session): SessionOutcome | null {
  if (session.status === "expired") return "expired";
  if (session.status === "complete") return session.payment_status === "unpaid" ? "processing" : "paid";
  return null;
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

/** Serialises everything that concerns one PaymentIntent (a refund may arrive before its payment). */
const lockPaymentIntent = (tx: Tx, paymentIntentId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stripe-pi:${paymentIntentId}`}))`;

async function lockedPayment(tx: Tx, paymentId: string) {
  await tx.$queryRaw`SELECT id FROM "Payment" WHERE id = ${paymentId} FOR UPDATE`;
  return tx.payment.findUniqueOrThrow({
    where: { id: paymentId },
    select: {
      id: true,
      purpose: true,
      status: true,
      amount: true,
      currency: true,
      organisationId: true,
      listingId: true,
      featuredDays: true,
      paidAt: true,
      refundedAt: true,
      failedAt: true,
      stripeCheckoutSessionId: true,
      stripePaymentIntentId: true,
      listing: { select: { title: true } },
      fee: { select: { id: true, status: true, deal: { select: { id: true, title: true } } } },
    },
  });
}
type LockedPayment = Awaited<ReturnType<typeof lockedPayment>>;

/** What applyCheckoutSession reads of a session: an event's, checked by checkStripeEvent, or one retrieved from Stripe. */
type SessionFacts = Pick<CheckoutSessionFacts, "id" | "client_reference_id" | "metadata" | "payment_intent" | "amount_total" | "currency">;

async function findPaymentForSession(tx: Tx, session: SessionFacts): Promise<{ paymentId: string } | { error: string }> {
  const bySession = await tx.payment.findUnique({ where: { stripeCheckoutSessionId: session.id }, select: { id: true } });
  if (bySession) return { paymentId: bySession.id };
  // The webhook can overtake the write of the session id: our id travels as client_reference_id.
  const reference = session.client_reference_id ?? session.metadata?.paymentId ?? null;
  const byReference = reference ? await tx.payment.findUnique({ where: { id: reference }, select: { id: true, stripeCheckoutSessionId: true } }) : null;
  if (byReference && byReference.stripeCheckoutSessionId === null) return { paymentId: byReference.id };
  if (byReference) return { error: `checkout session ${session.id} does not belong to payment ${byReference.id} (its session is ${byReference.stripeCheckoutSessionId})` };
  return { error: `no payment for checkout session ${session.id}` };
}

/**
 * Applies what a Checkout Session reports to its Payment: amount and currency
 * must match our record exactly, or nothing changes and the refusal is logged.
 */
export async function applyCheckoutSession(tx: Tx, session: SessionFacts, outcome: SessionOutcome, now: Date): Promise<Handled> {
  const found = await findPaymentForSession(tx, session);
  if ("error" in found) {
    logger.warn("stripe session without payment", { sessionId: session.id, error: found.error });
    return found;
  }
  const paymentIntentId = idOf(session.payment_intent);
  if (paymentIntentId) await lockPaymentIntent(tx, paymentIntentId);
  const payment = await lockedPayment(tx, found.paymentId);

  const expectedAmount = toStripeAmount(payment.amount, payment.currency);
  const expectedCurrency = stripeCurrency(payment.currency);
  if (session.amount_total !== expectedAmount || session.currency !== expectedCurrency) {
    const error = `amount mismatch: session ${session.id} is ${session.amount_total} ${session.currency}, payment ${payment.id} expects ${expectedAmount} ${expectedCurrency}; nothing granted`;
    logger.error("stripe payment refused", { paymentId: payment.id, sessionId: session.id, error });
    return { error };
  }

  const data: { stripeCheckoutSessionId?: string; stripePaymentIntentId?: string; status?: PaymentStatus; paidAt?: Date; failedAt?: Date; refundedAt?: Date; stripeChargeId?: string } = {};
  if (!payment.stripeCheckoutSessionId) data.stripeCheckoutSessionId = session.id;
  if (paymentIntentId && !payment.stripePaymentIntentId) data.stripePaymentIntentId = paymentIntentId;
  let status = payment.status;
  const firstPaid = outcome === "paid" && !payment.paidAt;
  let firstRefund = false;
  if (firstPaid) {
    data.paidAt = now;
    status = nextPaymentStatus(status, "PAID");
    // A full refund reported before we knew this payment intent.
    const early = paymentIntentId && !payment.refundedAt ? await storedFullRefund(tx, paymentIntentId) : null;
    if (early) {
      data.refundedAt = now;
      data.stripeChargeId = early.chargeId;
      status = nextPaymentStatus(status, "REFUNDED");
      firstRefund = true;
    }
  } else if (outcome === "failed") {
    status = nextPaymentStatus(status, "FAILED");
    if (!payment.failedAt) data.failedAt = now;
  } else if (outcome === "expired") {
    status = nextPaymentStatus(status, "EXPIRED");
  }
  if (status !== payment.status) data.status = status;
  if (Object.keys(data).length) await tx.payment.update({ where: { id: payment.id }, data });
  return settleGrants(tx, { ...payment, ...data, status }, { firstPaid, firstRefund, now });
}

async function storedFullRefund(tx: Tx, paymentIntentId: string) {
  const rows = await tx.$queryRaw<{ chargeId: string }[]>`
    SELECT payload->'data'->'object'->>'id' AS "chargeId" FROM "StripeEvent"
    WHERE type = 'charge.refunded'
      AND payload->'data'->'object'->>'payment_intent' = ${paymentIntentId}
      AND payload->'data'->'object'->>'refunded' = 'true'
    ORDER BY "stripeCreatedAt" LIMIT 1`;
  return rows[0] ?? null;
}

/**
 * A full refund removes what the payment granted. A partial refund is recorded
 * on the event for an admin and revokes nothing: the placement or fee stands.
 */
export async function applyRefund(tx: Tx, charge: ChargeFacts, now: Date): Promise<Handled> {
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return { error: `charge ${charge.id} has no payment intent: not one of our Checkout payments` };
  await lockPaymentIntent(tx, paymentIntentId);
  const match = await tx.payment.findUnique({ where: { stripePaymentIntentId: paymentIntentId }, select: { id: true } });
  if (!match) {
    // Kept: applyCheckoutSession finds this event when the payment is reported.
    return { error: `no payment for payment intent ${paymentIntentId} yet; the refund is applied when the payment is reported` };
  }
  if (!(charge.refunded || charge.amount_refunded >= charge.amount)) {
    logger.warn("partial stripe refund", { paymentId: match.id, chargeId: charge.id, refunded: charge.amount_refunded, amount: charge.amount });
    return { error: `partial refund of ${charge.amount_refunded} of ${charge.amount} ${charge.currency}: nothing revoked` };
  }
  const payment = await lockedPayment(tx, match.id);
  if (payment.refundedAt) return {};
  const data = { refundedAt: now, stripeChargeId: charge.id, status: nextPaymentStatus(payment.status, "REFUNDED") };
  await tx.payment.update({ where: { id: payment.id }, data });
  return settleGrants(tx, { ...payment, ...data }, { firstPaid: false, firstRefund: true, now });
}

/** Brings the placement or fee in line with the payment's facts, then audits and notifies what is new. */
async function settleGrants(tx: Tx, payment: LockedPayment, change: { firstPaid: boolean; firstRefund: boolean; now: Date }): Promise<Handled> {
  const { now } = change;
  let error: string | undefined;
  if (payment.purpose === "FEATURED_PLACEMENT") {
    if (payment.paidAt && payment.listingId) {
      const existing = await tx.featuredPlacement.findUnique({ where: { paymentId: payment.id }, select: { id: true } });
      if (!existing) await addFeaturedPlacement(tx, { listingId: payment.listingId, paymentId: payment.id, days: payment.featuredDays ?? 30, now });
    } else if (payment.paidAt) {
      error = `payment ${payment.id} is paid but its listing no longer exists: nothing to feature`;
    }
    if (payment.refundedAt) await revokeFeaturedPlacement(tx, { paymentId: payment.id, now });
  } else if (payment.fee) {
    const status = payment.refundedAt ? "REFUNDED" : payment.paidAt ? "PAID" : payment.fee.status;
    if (status !== payment.fee.status) await tx.brokerageFee.update({ where: { id: payment.fee.id }, data: { status } });
  } else if (payment.paidAt) {
    error = `payment ${payment.id} is paid but no brokerage fee points to it`;
  }
  const amount = payment.amount.toString();
  if (change.firstPaid) {
    await recordAudit({ actorId: null, action: "payment.paid", entityType: "Payment", entityId: payment.id, data: { amount, currency: payment.currency, purpose: payment.purpose } }, tx);
    await notifyOrganisations(tx, [payment.organisationId], {
      type: "PAYMENT_RECEIVED",
      data: {
        paymentId: payment.id,
        purpose: payment.purpose,
        amount,
        currency: payment.currency,
        ...(payment.listing ? { listingTitle: payment.listing.title } : {}),
        ...(payment.fee ? { dealTitle: payment.fee.deal.title } : {}),
      },
      url: `/payments/${payment.id}`,
    });
  }
  if (change.firstRefund) {
    await recordAudit({ actorId: null, action: "payment.refunded", entityType: "Payment", entityId: payment.id, data: { amount, currency: payment.currency, purpose: payment.purpose } }, tx);
  }
  if (error) logger.warn("stripe payment needs attention", { paymentId: payment.id, error });
  return error ? { error } : {};
}

/** Applies a retrieved session outside a webhook (reconciliation), in its own transaction. */
export async function applyRetrievedSession(session: Stripe.Checkout.Session, now = new Date()) {
  const outcome = sessionOutcome(session);
  if (!outcome) return { applied: false as const };
  const result = await prisma.$transaction((tx) => applyCheckoutSession(tx, session, outcome, now), TRANSACTION);
  return { applied: true as const, outcome, error: result.error ?? null };
}
