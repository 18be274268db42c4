import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { stripeClient } from "~/lib/stripe.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { loadDealFees } from "~/modules/payments/fees.server.ts";
import { reconcilePendingPayments } from "~/modules/payments/tasks.server.ts";
import { action as payAction } from "~/routes/fees.$id.pay.tsx";
import { action as featureAction, loader as featureLoader } from "~/routes/listings.$id_.feature.tsx";
import { action as webhookAction } from "~/routes/webhooks.stripe.ts";
import { createBrokerageFee, createDeal, createListing, createMemberWithOrganisation, createPayment } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

// This file runs with no Stripe settings at all.
delete process.env.STRIPE_SECRET_KEY;
delete process.env.STRIPE_WEBHOOK_SECRET;

async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}

describe("without STRIPE_SECRET_KEY", () => {
  it("renders the feature page saying payments are not configured, and the button creates nothing", async () => {
    expect(stripeClient()).toBeNull();
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const cookie = await cookieFor(user.id);
    const page = await settle(call(featureLoader, getRequest(`/listings/${listing.id}/feature`, cookie), { params: { id: listing.id } }));
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ configured: false, prices: { VND: 500_000, USD: 20 } });
    const submit = await settle(call(featureAction, await formRequest(`/listings/${listing.id}/feature`, { currency: "VND" }, { cookie, withHoneypot: false }), { params: { id: listing.id } }));
    expect(submit.status).toBe(503);
    expect(await submit.json()).toEqual({ error: "payments.errors.not-configured" });
    expect(await prisma.payment.count()).toBe(0);
  });

  it("answers the webhook with 503 and a clear message, storing nothing", async () => {
    const request = new Request("http://localhost/webhooks/stripe", { method: "POST", headers: { "Stripe-Signature": "t=1,v1=abc" }, body: "{}" });
    const response = await settle(call(webhookAction, request));
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatch(/not configured/);
    expect(await prisma.stripeEvent.count()).toBe(0);
  });

  it("shows fees with payment disabled and refuses to start one", async () => {
    const provider = await createMemberWithOrganisation();
    const seeker = await createMemberWithOrganisation();
    const deal = await createDeal(provider.organisation.id, seeker.organisation.id, { stage: "AGREEMENT_REACHED" });
    const fee = await createBrokerageFee(deal.id, seeker.organisation.id);
    const fees = await loadDealFees((await loadActor(seeker.user.id))!, deal.id);
    expect(fees).toMatchObject({ configured: false, fees: [{ id: fee.id, canPay: true }] });
    const response = await settle(call(payAction, await formRequest(`/fees/${fee.id}/pay`, {}, { cookie: await cookieFor(seeker.user.id), withHoneypot: false }), { params: { id: fee.id } }));
    expect(response.status).toBe(503);
    expect(await prisma.payment.count()).toBe(0);
  });

  it("reconciles without calling Stripe", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const stale = await createPayment(organisation.id, { status: "PENDING", stripeCheckoutSessionId: "cs_test_unreachable", createdAt: new Date(Date.now() - 3 * 86_400_000) });
    expect(await reconcilePendingPayments()).toMatchObject({ checked: 1, updated: 0, failed: 0 });
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("PENDING");
  });
});
