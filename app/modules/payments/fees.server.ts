import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { paymentsConfigured, stripeClient } from "~/lib/stripe.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { can, holds, type Actor } from "~/modules/auth/permissions.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { openCheckoutSession, type CheckoutResult } from "./checkout.server.ts";
import { MAX_AMOUNT, MIN_AMOUNT, percentOf, type PaymentCurrency } from "./money.ts";
import { applyRetrievedSession } from "./processing.server.ts";
import type { IssueFeeInput } from "./schema.ts";

/** Fees are issued once the parties agree (and may still be issued after completion). */
export const FEE_STAGES = ["AGREEMENT_REACHED", "COMPLETED"] as const;

const dealSelect = {
  id: true,
  title: true,
  stage: true,
  agreedValue: true,
  agreedCurrency: true,
  providerOrgId: true,
  seekerOrgId: true,
  assignedBrokerId: true,
  providerOrg: { select: { id: true, name: true } },
  seekerOrg: { select: { id: true, name: true } },
} satisfies Prisma.DealSelect;
type FeeDeal = Prisma.DealGetPayload<{ select: typeof dealSelect }>;

function canReadDeal(actor: Actor, deal: FeeDeal) {
  return (
    can(actor, "deal:read", { organisationId: deal.providerOrgId }) ||
    can(actor, "deal:read", { organisationId: deal.seekerOrgId }) ||
    can(actor, "deal:read", { assignedUserId: deal.assignedBrokerId })
  );
}

/** The deal's assigned broker, or an admin. */
export function canIssueFee(actor: Actor, deal: { assignedBrokerId: string | null }) {
  return (deal.assignedBrokerId !== null && can(actor, "fee:create", { assignedUserId: deal.assignedBrokerId })) || holds(actor, "deal:update:any");
}

async function requireReadableDeal(actor: Actor, dealId: string) {
  const deal = await prisma.deal.findUnique({ where: { id: dealId }, select: dealSelect });
  if (!deal || !canReadDeal(actor, deal)) throw notFound();
  return deal;
}

/**
 * The fees panel of a deal page: the fees the actor may see (brokers and
 * admins all of them, a party only those it pays), who may pay which, and
 * whether the actor may issue one now. JSON-ready (amounts as numbers of whole units).
 */
export async function loadDealFees(actor: Actor, dealId: string) {
  const deal = await requireReadableDeal(actor, dealId);
  const seesAll = can(actor, "fee:read", {}) || can(actor, "fee:read", { assignedUserId: deal.assignedBrokerId });
  const fees = await prisma.brokerageFee.findMany({
    where: { dealId, ...(seesAll ? {} : { payerOrganisationId: { in: [...actor.organisationIds] } }) },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      basis: true,
      percentBps: true,
      amount: true,
      currency: true,
      description: true,
      status: true,
      createdAt: true,
      payerOrganisationId: true,
      payerOrganisation: { select: { name: true } },
      payment: { select: { id: true, status: true, paidAt: true, refundedAt: true, organisationId: true } },
    },
  });
  const canIssue = canIssueFee(actor, deal);
  return {
    dealId: deal.id,
    configured: paymentsConfigured(),
    canIssue,
    issueOpen: canIssue && (FEE_STAGES as readonly string[]).includes(deal.stage),
    agreedValue: deal.agreedValue === null ? null : Number(deal.agreedValue),
    agreedCurrency: deal.agreedCurrency,
    parties: {
      PROVIDER: { id: deal.providerOrg.id, name: deal.providerOrg.name },
      SEEKER: { id: deal.seekerOrg.id, name: deal.seekerOrg.name },
    },
    fees: fees.map((f) => {
      const isPayer = can(actor, "payment:create", { organisationId: f.payerOrganisationId }) && actor.organisationIds.includes(f.payerOrganisationId);
      return {
        id: f.id,
        basis: f.basis,
        percentBps: f.percentBps,
        amount: Number(f.amount),
        currency: f.currency,
        description: f.description,
        status: f.status,
        createdAt: f.createdAt.toISOString(),
        payer: { id: f.payerOrganisationId, name: f.payerOrganisation.name, role: f.payerOrganisationId === deal.providerOrgId ? ("PROVIDER" as const) : ("SEEKER" as const) },
        paidAt: f.payment?.paidAt?.toISOString() ?? null,
        refundedAt: f.payment?.refundedAt?.toISOString() ?? null,
        processing: f.status === "ISSUED" && f.payment?.status === "PENDING",
        canPay: isPayer && f.status === "ISSUED",
        receiptId: f.payment && (isPayer || holds(actor, "payment:read:any")) ? f.payment.id : null,
      };
    }),
  };
}
export type DealFees = Awaited<ReturnType<typeof loadDealFees>>;

export type IssueFeeResult = { ok: true; feeId: string; dealId: string } | { ok: false; fieldErrors: Record<string, string[]> };

/** A broker's fee on a deal at AGREEMENT_REACHED (or COMPLETED), billed to one party. */
export async function issueFee(actor: Actor, dealId: string, input: IssueFeeInput, options: { ipAddress?: string | null } = {}): Promise<IssueFeeResult> {
  const deal = await requireReadableDeal(actor, dealId);
  if (!canIssueFee(actor, deal)) throw notFound();
  if (!(FEE_STAGES as readonly string[]).includes(deal.stage)) return { ok: false, fieldErrors: { "": ["payments.errors.stage"] } };
  let amount: bigint;
  let currency: PaymentCurrency;
  let percentBps: number | null = null;
  if (input.basis === "FIXED") {
    amount = BigInt(input.amount);
    currency = input.currency;
  } else {
    if (deal.agreedValue === null || !deal.agreedCurrency) return { ok: false, fieldErrors: { percent: ["payments.errors.noAgreedValue"] } };
    currency = deal.agreedCurrency;
    percentBps = input.percent;
    amount = percentOf(deal.agreedValue, percentBps);
    if (amount < BigInt(MIN_AMOUNT[currency])) return { ok: false, fieldErrors: { percent: ["payments.errors.amountTooSmall"] } };
    if (amount > BigInt(MAX_AMOUNT[currency])) return { ok: false, fieldErrors: { percent: ["payments.errors.amountTooLarge"] } };
  }
  const payerOrganisationId = input.payer === "PROVIDER" ? deal.providerOrgId : deal.seekerOrgId;
  const fee = await prisma.$transaction(async (tx) => {
    const created = await tx.brokerageFee.create({
      data: { dealId, payerOrganisationId, issuedById: actor.id, basis: input.basis, percentBps, amount, currency, description: input.description },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "fee.issue",
        entityType: "BrokerageFee",
        entityId: created.id,
        data: { dealId, payerOrganisationId, basis: input.basis, percentBps, amount: amount.toString(), currency },
        ipAddress: options.ipAddress,
      },
      tx,
    );
    return created;
  });
  return { ok: true, feeId: fee.id, dealId };
}

export type PayFeeResult = CheckoutResult | { ok: false; reason: "not-payable" | "processing" };

/**
 * Sends a member of the paying organisation to Checkout for a fee. An open
 * session of an earlier click is reused; a new payment is created only when the
 * previous one ended unpaid (expired or failed), so a fee never has two live payments.
 */
export async function payFee(actor: Actor, feeId: string, options: { origin: string; locale: Locale; email?: string | null }): Promise<PayFeeResult & { dealId?: string }> {
  const fee = await prisma.brokerageFee.findUnique({
    where: { id: feeId },
    select: {
      id: true,
      dealId: true,
      status: true,
      amount: true,
      currency: true,
      description: true,
      payerOrganisationId: true,
      deal: { select: { title: true } },
      payment: { select: { id: true, status: true, stripeCheckoutSessionId: true } },
    },
  });
  if (!fee || !actor.organisationIds.includes(fee.payerOrganisationId) || !can(actor, "payment:create", { organisationId: fee.payerOrganisationId })) throw notFound();
  const dealId = fee.dealId;
  if (fee.status !== "ISSUED") return { ok: false, reason: "not-payable", dealId };
  if (!paymentsConfigured()) return { ok: false, reason: "not-configured", dealId };
  const previous = fee.payment;
  if (previous?.status === "PENDING" && previous.stripeCheckoutSessionId) {
    const stripe = stripeClient()!;
    try {
      const session = await stripe.checkout.sessions.retrieve(previous.stripeCheckoutSessionId);
      if (session.status === "open" && session.url) return { ok: true, url: session.url, paymentId: previous.id, dealId };
      const applied = await applyRetrievedSession(session);
      if (!applied.applied || applied.outcome === "paid" || applied.outcome === "processing") return { ok: false, reason: "processing", dealId };
    } catch (error) {
      logger.warn("stripe session lookup failed", { paymentId: previous.id, error: error instanceof Error ? error.message : String(error) });
      return { ok: false, reason: "stripe-unavailable", dealId };
    }
  }
  const payment = await prisma.$transaction(async (tx) => {
    const created = await tx.payment.create({
      data: { purpose: "BROKERAGE_FEE", status: "PENDING", amount: fee.amount, currency: fee.currency, organisationId: fee.payerOrganisationId, userId: actor.id },
      select: { id: true, amount: true, currency: true, purpose: true },
    });
    // Only if nobody re-pointed the fee meanwhile (a second click in another tab).
    const linked = await tx.brokerageFee.updateMany({ where: { id: fee.id, status: "ISSUED", paymentId: previous?.id ?? null }, data: { paymentId: created.id } });
    if (linked.count !== 1) throw new FeeChangedError();
    return created;
  }).catch((error) => {
    if (error instanceof FeeChangedError) return null;
    throw error;
  });
  if (!payment) return { ok: false, reason: "processing", dealId };
  const result = await openCheckoutSession(payment, {
    productName: `${options.locale === "vi" ? "Phí môi giới" : "Brokerage fee"}: ${fee.description} — ${fee.deal.title}`,
    origin: options.origin,
    locale: options.locale,
    cancelPath: `/deals/${dealId}`,
    customerEmail: options.email,
  });
  return { ...result, dealId };
}

class FeeChangedError extends Error {}
