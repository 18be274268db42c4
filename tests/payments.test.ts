import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { loadDealFees } from "~/modules/payments/fees.server.ts";
import { MAX_AMOUNT, percentOf, toStripeAmount } from "~/modules/payments/money.ts";
import { recordStripeEvent } from "~/modules/payments/processing.server.ts";
import { nextPaymentStatus } from "~/modules/payments/status.ts";
import { reconcilePendingPayments, resyncEndedFeatured } from "~/modules/payments/tasks.server.ts";
import { loader as adminLoader } from "~/routes/admin.payments.tsx";
import { action as issueAction } from "~/routes/deals.$id_.fees.tsx";
import { action as payAction } from "~/routes/fees.$id.pay.tsx";
import { action as featureAction, loader as featureLoader } from "~/routes/listings.$id_.feature.tsx";
import { loader as receiptLoader } from "~/routes/payments.$id.tsx";
import { createDeal, createListing, createMemberWithOrganisation, createMembership, createOrganisation, createPayment, createUser } from "./factories/index.ts";
import { sessionEvents, startFeaturedPayment } from "./factories/payments.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";
import { refundedCharge, startStripeServer, stripeEvent } from "./setup/stripe-server.ts";

const stripe = await startStripeServer();
Object.assign(process.env, stripe.env);
afterAll(() => stripe.close());

const DAY = 24 * 60 * 60 * 1000;

async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}
async function post<T>(fn: T, url: string, fields: Record<string, string>, cookie: string, params: Record<string, string> = {}) {
  return settle(call(fn as never, await formRequest(url, fields, { cookie, withHoneypot: false }), { params }));
}
async function get<T>(fn: T, url: string, cookie: string, params: Record<string, string> = {}) {
  return settle(call(fn as never, getRequest(url, cookie), { params }));
}

describe("money and status rules", () => {
  it("converts whole units to Stripe's smallest unit: VND is zero-decimal, USD has cents", () => {
    expect(toStripeAmount(500_000n, "VND")).toBe(500_000);
    expect(toStripeAmount(20, "USD")).toBe(2_000);
    expect(MAX_AMOUNT.USD * 100).toBeLessThanOrEqual(99_999_999);
  });
  it("rounds a percentage of the deal value half up to whole units", () => {
    expect(percentOf(1_000_000_000n, 250)).toBe(25_000_000n);
    expect(percentOf(1_001n, 5_000)).toBe(501n); // 500.5 → 501
    expect(percentOf(1_003n, 5_000)).toBe(502n); // 501.5 → 502
    expect(percentOf(999n, 5_000)).toBe(500n); // 499.5 → 500
    expect(percentOf(997n, 5_000)).toBe(499n); // 498.5 → 499
  });
  it("moves a payment's status only up the ladder", () => {
    expect(nextPaymentStatus("PENDING", "PAID")).toBe("PAID");
    expect(nextPaymentStatus("PAID", "EXPIRED")).toBe("PAID");
    expect(nextPaymentStatus("PAID", "FAILED")).toBe("PAID");
    expect(nextPaymentStatus("FAILED", "PAID")).toBe("PAID");
    expect(nextPaymentStatus("REFUNDED", "PAID")).toBe("REFUNDED");
    expect(nextPaymentStatus("FAILED", "EXPIRED")).toBe("FAILED");
    expect(nextPaymentStatus("EXPIRED", "FAILED")).toBe("EXPIRED");
  });
});

describe("featuring a listing", () => {
  it("shows the owner the price in đồng and dollars and what a purchase covers", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const response = await get(featureLoader, `/listings/${listing.id}/feature`, await cookieFor(user.id), { id: listing.id });
    const data = await response.json();
    expect(data).toMatchObject({ configured: true, days: 30, prices: { VND: 500_000, USD: 20 }, featuredUntil: null, listing: { id: listing.id, published: true } });
  });

  it("sends the owner to Checkout with a session for exactly the configured price, keyed by the payment id", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const cookie = await cookieFor(user.id);
    for (const [currency, unitAmount] of [["VND", "500000"], ["USD", "2000"]] as const) {
      const response = await post(featureAction, `/listings/${listing.id}/feature`, { currency }, cookie, { id: listing.id });
      expect(response.status).toBe(303);
      const payment = await prisma.payment.findFirstOrThrow({ where: { listingId: listing.id, currency }, orderBy: { createdAt: "desc" } });
      expect(payment).toMatchObject({ status: "PENDING", purpose: "FEATURED_PLACEMENT", organisationId: organisation.id, userId: user.id, featuredDays: 30, amount: currency === "VND" ? 500_000n : 20n });
      const created = stripe.requests.find((r) => r.method === "POST" && r.body.client_reference_id === payment.id)!;
      expect(created.idempotencyKey).toBe(`techex-payment-${payment.id}-checkout`);
      expect(created.stripeVersion).toBe("2026-10-28.endive");
      expect(created.body).toMatchObject({
        mode: "payment",
        metadata: { paymentId: payment.id, purpose: "FEATURED_PLACEMENT" },
        line_items: [{ quantity: "1", price_data: { currency: currency.toLowerCase(), unit_amount: unitAmount } }],
        success_url: `http://localhost/payments/${payment.id}?session_id={CHECKOUT_SESSION_ID}`,
      });
      expect(response.headers.get("Location")).toBe(stripe.sessions.get(payment.stripeCheckoutSessionId!)!.url);
    }
  });

  it("refuses a bad currency with 400, and a listing of someone else with 404, creating nothing", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const stranger = await createMemberWithOrganisation();
    const bad = await post(featureAction, `/listings/${listing.id}/feature`, { currency: "EUR" }, await cookieFor(user.id), { id: listing.id });
    expect(bad.status).toBe(400);
    const foreign = await post(featureAction, `/listings/${listing.id}/feature`, { currency: "VND" }, await cookieFor(stranger.user.id), { id: listing.id });
    expect(foreign.status).toBe(404);
    expect((await get(featureLoader, `/listings/${listing.id}/feature`, await cookieFor(stranger.user.id), { id: listing.id })).status).toBe(404);
    expect(await prisma.payment.count({ where: { listingId: listing.id } })).toBe(0);
  });

  it("refuses an unpublished listing", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const draft = await createListing(organisation.id, { status: "DRAFT" });
    const response = await post(featureAction, `/listings/${draft.id}/feature`, { currency: "VND" }, await cookieFor(user.id), { id: draft.id });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: "payments.errors.not-published" });
    expect(await prisma.payment.count({ where: { listingId: draft.id } })).toBe(0);
  });

  it("says so when Stripe cannot be reached, and marks that payment failed", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    stripe.failNextCreates(1);
    const response = await post(featureAction, `/listings/${listing.id}/feature`, { currency: "VND" }, await cookieFor(user.id), { id: listing.id });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: "payments.errors.stripe-unavailable" });
    expect((await prisma.payment.findFirstOrThrow({ where: { listingId: listing.id } })).status).toBe("FAILED");
  });

  it("shows the receipt to the paying organisation only: pending, then paid with the featured period", async () => {
    const { payment, session, userId } = await startFeaturedPayment(stripe);
    const cookie = await cookieFor(userId);
    const pending = await (await get(receiptLoader, `/payments/${payment.id}`, cookie, { id: payment.id })).json();
    expect(pending.payment).toMatchObject({ status: "PENDING", amount: 500_000, currency: "VND", featuredPlacement: null });
    await recordStripeEvent(sessionEvents(stripe, session.id as string).completed());
    const paid = await (await get(receiptLoader, `/payments/${payment.id}`, cookie, { id: payment.id })).json();
    expect(paid.payment.status).toBe("PAID");
    expect(new Date(paid.payment.featuredPlacement.endsAt).getTime() - new Date(paid.payment.featuredPlacement.startsAt).getTime()).toBe(30 * DAY);
    const other = await createMemberWithOrganisation();
    expect((await get(receiptLoader, `/payments/${payment.id}`, await cookieFor(other.user.id), { id: payment.id })).status).toBe(404);
    // The feature page now shows the end date, from which a new purchase starts.
    const page = await (await get(featureLoader, `/listings/${payment.listingId}/feature`, cookie, { id: payment.listingId! })).json();
    expect(page.featuredUntil).toBe(paid.payment.featuredPlacement.endsAt);
    expect(page.nextStart).toBe(paid.payment.featuredPlacement.endsAt);
  });
});

async function agreedDeal(overrides: Parameters<typeof createDeal>[2] = {}) {
  const provider = await createMemberWithOrganisation();
  const seeker = await createMemberWithOrganisation();
  const broker = await createUser({ roles: ["member", "broker"] });
  await createMembership(broker.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
  const deal = await createDeal(provider.organisation.id, seeker.organisation.id, {
    stage: "AGREEMENT_REACHED",
    agreedValue: 1_000_000_000n,
    agreedCurrency: "VND",
    agreedAt: new Date(),
    assignedBrokerId: broker.id,
    ...overrides,
  });
  return { provider, seeker, broker, deal };
}

describe("brokerage fees", () => {
  it("the assigned broker issues a percentage fee to the seeker, who pays it through Checkout; a refund shows on the deal", async () => {
    const { seeker, provider, broker, deal } = await agreedDeal();
    const brokerCookie = await cookieFor(broker.id);
    const issued = await post(issueAction, `/deals/${deal.id}/fees`, { intent: "issue", payer: "SEEKER", basis: "PERCENT", percent: "2,5", description: "Phí môi giới 2,5%" }, brokerCookie, { id: deal.id });
    expect(issued.status).toBe(302);
    const fee = await prisma.brokerageFee.findFirstOrThrow({ where: { dealId: deal.id } });
    expect(fee).toMatchObject({ basis: "PERCENT", percentBps: 250, amount: 25_000_000n, currency: "VND", status: "ISSUED", payerOrganisationId: seeker.organisation.id, issuedById: broker.id });
    expect(await prisma.auditLog.count({ where: { action: "fee.issue", entityId: fee.id, actorId: broker.id } })).toBe(1);

    // The provider's members neither see nor pay the seeker's fee.
    const providerActor = (await loadActor(provider.user.id))!;
    expect((await loadDealFees(providerActor, deal.id)).fees).toEqual([]);
    expect((await post(payAction, `/fees/${fee.id}/pay`, {}, await cookieFor(provider.user.id), { id: fee.id })).status).toBe(404);

    const seekerActor = (await loadActor(seeker.user.id))!;
    expect((await loadDealFees(seekerActor, deal.id)).fees).toMatchObject([{ id: fee.id, status: "ISSUED", canPay: true, amount: 25_000_000, percentBps: 250 }]);
    const seekerCookie = await cookieFor(seeker.user.id);
    const pay = await post(payAction, `/fees/${fee.id}/pay`, {}, seekerCookie, { id: fee.id });
    expect(pay.status).toBe(303);
    const linked = await prisma.brokerageFee.findUniqueOrThrow({ where: { id: fee.id }, include: { payment: true } });
    expect(linked.payment).toMatchObject({ purpose: "BROKERAGE_FEE", status: "PENDING", amount: 25_000_000n, currency: "VND", organisationId: seeker.organisation.id });
    const sessionId = linked.payment!.stripeCheckoutSessionId!;
    expect(pay.headers.get("Location")).toBe(stripe.sessions.get(sessionId)!.url);
    expect(stripe.requests.find((r) => r.body.client_reference_id === linked.paymentId)!.idempotencyKey).toBe(`techex-payment-${linked.paymentId}-checkout`);

    // A second click while the session is open goes back to the same session.
    const creates = stripe.requests.filter((r) => r.method === "POST").length;
    const again = await post(payAction, `/fees/${fee.id}/pay`, {}, seekerCookie, { id: fee.id });
    expect(again.headers.get("Location")).toBe(pay.headers.get("Location"));
    expect(stripe.requests.filter((r) => r.method === "POST").length).toBe(creates);

    await recordStripeEvent(sessionEvents(stripe, sessionId).completed());
    expect((await loadDealFees(seekerActor, deal.id)).fees).toMatchObject([{ status: "PAID", canPay: false, receiptId: linked.paymentId }]);
    expect((await loadDealFees((await loadActor(broker.id))!, deal.id)).fees).toMatchObject([{ status: "PAID" }]);
    expect(await prisma.notification.count({ where: { type: "PAYMENT_RECEIVED", userId: seeker.user.id } })).toBe(1);
    const paidAgain = await post(payAction, `/fees/${fee.id}/pay`, {}, seekerCookie, { id: fee.id });
    expect(paidAgain.status).toBe(409);

    await recordStripeEvent(stripeEvent("charge.refunded", refundedCharge(stripe.sessions.get(sessionId)!)));
    expect((await loadDealFees(seekerActor, deal.id)).fees).toMatchObject([{ status: "REFUNDED" }]);
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: linked.paymentId! } })).status).toBe("REFUNDED");
  });

  it("starts a new payment when the previous Checkout expired unpaid", async () => {
    const { seeker, broker, deal } = await agreedDeal();
    await post(issueAction, `/deals/${deal.id}/fees`, { intent: "issue", payer: "SEEKER", basis: "FIXED", amount: "15.000.000", currency: "VND", description: "Phí cố định" }, await cookieFor(broker.id), { id: deal.id });
    const fee = await prisma.brokerageFee.findFirstOrThrow({ where: { dealId: deal.id } });
    expect(fee).toMatchObject({ basis: "FIXED", amount: 15_000_000n, percentBps: null });
    const cookie = await cookieFor(seeker.user.id);
    await post(payAction, `/fees/${fee.id}/pay`, {}, cookie, { id: fee.id });
    const first = (await prisma.brokerageFee.findUniqueOrThrow({ where: { id: fee.id } })).paymentId!;
    stripe.expireSession((await prisma.payment.findUniqueOrThrow({ where: { id: first } })).stripeCheckoutSessionId!);
    const second = await post(payAction, `/fees/${fee.id}/pay`, {}, cookie, { id: fee.id });
    expect(second.status).toBe(303);
    const now = await prisma.brokerageFee.findUniqueOrThrow({ where: { id: fee.id } });
    expect(now.paymentId).not.toBe(first);
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: first } })).status).toBe("EXPIRED");
  });

  it("only the assigned broker or an admin issues, only at agreement, and bad input changes nothing", async () => {
    const { seeker, deal } = await agreedDeal();
    const otherBroker = await createUser({ roles: ["member", "broker"] });
    const fields = { intent: "issue", payer: "PROVIDER", basis: "FIXED", amount: "20000000", currency: "VND", description: "Phí môi giới" };
    expect((await post(issueAction, `/deals/${deal.id}/fees`, fields, await cookieFor(otherBroker.id), { id: deal.id })).status).toBe(404);
    expect((await post(issueAction, `/deals/${deal.id}/fees`, fields, await cookieFor(seeker.user.id), { id: deal.id })).status).toBe(404);
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    expect((await post(issueAction, `/deals/${deal.id}/fees`, fields, await cookieFor(admin.id), { id: deal.id })).status).toBe(302);
    expect(await prisma.brokerageFee.count({ where: { dealId: deal.id } })).toBe(1);

    const early = await agreedDeal({ stage: "NEGOTIATING", agreedValue: null, agreedCurrency: null, agreedAt: null });
    const refused = await post(issueAction, `/deals/${early.deal.id}/fees`, fields, await cookieFor(early.broker.id), { id: early.deal.id });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toEqual({ "": ["payments.errors.stage"] });

    const { broker, deal: other } = await agreedDeal();
    const cookie = await cookieFor(broker.id);
    const bad = await post(issueAction, `/deals/${other.id}/fees`, { intent: "issue", payer: "NOBODY", basis: "FIXED", amount: "12,5", currency: "EUR", description: "x" }, cookie, { id: other.id });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error).sort()).toEqual(["amount", "currency", "description", "payer"]);
    const tooBig = await post(issueAction, `/deals/${other.id}/fees`, { intent: "issue", payer: "SEEKER", basis: "PERCENT", percent: "50", description: "Nửa giá trị" }, cookie, { id: other.id });
    expect(tooBig.status).toBe(400);
    expect((await tooBig.json()).error).toEqual({ percent: ["payments.errors.amountTooLarge"] });
    expect(await prisma.brokerageFee.count({ where: { dealId: other.id } })).toBe(0);
  });

  it("shows the issue form to the assigned broker only, and hides the deal from strangers", async () => {
    const { broker, seeker, deal } = await agreedDeal();
    expect(await loadDealFees((await loadActor(broker.id))!, deal.id)).toMatchObject({ canIssue: true, issueOpen: true, configured: true, agreedValue: 1_000_000_000 });
    expect(await loadDealFees((await loadActor(seeker.user.id))!, deal.id)).toMatchObject({ canIssue: false, issueOpen: false });
    const stranger = await createMemberWithOrganisation();
    await expect(loadDealFees((await loadActor(stranger.user.id))!, deal.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("admin and background jobs", () => {
  it("shows admins payments and the Stripe events that failed, and nobody else", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    (event.data.object as { amount_total: number }).amount_total = 1;
    const { expectConsoleError } = await import("./setup/console-errors.ts");
    expectConsoleError(1);
    await recordStripeEvent(event);
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    const data = await (await get(adminLoader, "/admin/payments?events=errors", await cookieFor(admin.id))).json();
    expect(data.payments.some((p: { id: string }) => p.id === payment.id)).toBe(true);
    expect(data.events.map((e: { id: string }) => e.id)).toContain(event.id);
    expect(data.events.every((e: { error: string | null }) => e.error)).toBe(true);
    const paidOnly = await (await get(adminLoader, "/admin/payments?status=PAID", await cookieFor(admin.id))).json();
    expect(paidOnly.payments.every((p: { status: string }) => p.status === "PAID")).toBe(true);
    const broker = await createUser({ roles: ["member", "broker"] });
    expect((await get(adminLoader, "/admin/payments", await cookieFor(broker.id))).status).toBe(403);
  });

  it("reconciles payments pending for over a day with what Stripe says", async () => {
    const paid = await startFeaturedPayment(stripe);
    const expired = await startFeaturedPayment(stripe);
    const fresh = await startFeaturedPayment(stripe);
    stripe.completeSession(paid.session.id as string);
    stripe.expireSession(expired.session.id as string);
    stripe.completeSession(fresh.session.id as string);
    const { organisation } = await createMemberWithOrganisation();
    const orphan = await createPayment(organisation.id, { status: "PENDING" });
    const old = new Date(Date.now() - 2 * DAY);
    await prisma.payment.updateMany({ where: { id: { in: [paid.payment.id, expired.payment.id, orphan.id] } }, data: { createdAt: old } });

    const summary = await reconcilePendingPayments();
    expect(summary).toMatchObject({ checked: 3, updated: 3, failed: 0 });
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: paid.payment.id } })).status).toBe("PAID");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: paid.listingId } })).featuredUntil).not.toBeNull();
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: expired.payment.id } })).status).toBe("EXPIRED");
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: orphan.id } })).status).toBe("EXPIRED");
    // Younger than a day: left to its webhook.
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: fresh.payment.id } })).status).toBe("PENDING");
    expect(stripe.requests.some((r) => r.method === "GET" && r.path === `/v1/checkout/sessions/${paid.session.id}`)).toBe(true);
  });

  it("re-syncs listings whose featured placement ended so the search boost goes", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const ended = await createListing(organisation.id, { featuredUntil: new Date(Date.now() - 60 * 60 * 1000) });
    const running = await createListing(organisation.id, { featuredUntil: new Date(Date.now() + DAY) });
    const longAgo = await createListing(organisation.id, { featuredUntil: new Date(Date.now() - 5 * DAY) });
    await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
    expect(await resyncEndedFeatured()).toBeGreaterThanOrEqual(1);
    const keys = (await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'search:index-listing'`).map((j) => j.key);
    expect(keys).toContain(`listing:${ended.id}`);
    expect(keys).not.toContain(`listing:${running.id}`);
    expect(keys).not.toContain(`listing:${longAgo.id}`);
  });
});
