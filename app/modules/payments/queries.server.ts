import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { can, holds, type Actor } from "~/modules/auth/permissions.ts";
import type { adminPaymentsQuery } from "./schema.ts";
import type { z } from "zod";

/** The receipt page: the payment and what it granted, for the paying organisation's members and admins. */
export async function getPaymentReceipt(actor: Actor, paymentId: string) {
  const payment = await prisma.payment.findUnique({
    where: { id: paymentId },
    select: {
      id: true,
      purpose: true,
      status: true,
      amount: true,
      currency: true,
      organisationId: true,
      organisation: { select: { name: true } },
      createdAt: true,
      paidAt: true,
      failedAt: true,
      refundedAt: true,
      listing: { select: { id: true, title: true, language: true, featuredUntil: true } },
      featuredPlacement: { select: { startsAt: true, endsAt: true, revokedAt: true } },
      fee: { select: { id: true, description: true, deal: { select: { id: true, title: true } } } },
    },
  });
  if (!payment || !can(actor, "payment:read", { organisationId: payment.organisationId })) throw notFound();
  const { amount, organisationId: _org, ...rest } = payment;
  return { ...rest, amount: Number(amount) };
}

type AdminFilters = z.infer<typeof adminPaymentsQuery>;

/** Admins: the latest payments and Stripe events, filtered; events with an error first-class. */
export async function listPaymentsForAdmin(actor: Actor, filters: AdminFilters) {
  if (!holds(actor, "payment:read:any")) throw forbidden();
  const paymentWhere: Prisma.PaymentWhereInput = {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.purpose ? { purpose: filters.purpose } : {}),
  };
  const eventWhere: Prisma.StripeEventWhereInput = {
    ...(filters.events === "errors" ? { error: { not: null } } : {}),
    ...(filters.type ? { type: filters.type } : {}),
  };
  const [payments, events, totals, errorCount] = await Promise.all([
    prisma.payment.findMany({
      where: paymentWhere,
      orderBy: { createdAt: "desc" },
      take: 100,
      select: {
        id: true,
        purpose: true,
        status: true,
        amount: true,
        currency: true,
        createdAt: true,
        paidAt: true,
        refundedAt: true,
        stripeCheckoutSessionId: true,
        stripePaymentIntentId: true,
        organisation: { select: { id: true, name: true } },
        listing: { select: { id: true, title: true } },
        fee: { select: { deal: { select: { id: true, title: true } } } },
      },
    }),
    prisma.stripeEvent.findMany({
      where: eventWhere,
      orderBy: { createdAt: "desc" },
      take: 100,
      select: { id: true, type: true, stripeCreatedAt: true, createdAt: true, processedAt: true, error: true },
    }),
    prisma.payment.groupBy({ by: ["status", "currency"], where: paymentWhere, _count: { _all: true }, _sum: { amount: true } }),
    prisma.stripeEvent.count({ where: { error: { not: null } } }),
  ]);
  return {
    payments: payments.map((p) => ({ ...p, amount: Number(p.amount) })),
    events,
    totals: totals.map((t) => ({ status: t.status, currency: t.currency, count: t._count._all, amount: Number(t._sum.amount ?? 0n) })),
    errorCount,
  };
}
