import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { action as webhookAction, loader as webhookLoader } from "~/routes/webhooks.stripe.ts";
import { createMembership, createUser } from "./factories/index.ts";
import { sessionEvents, startFeaturedPayment } from "./factories/payments.ts";
import { expectConsoleError } from "./setup/console-errors.ts";
import { call, settle } from "./setup/requests.ts";
import { refundedCharge, signPayload, startStripeServer, stripeEvent, TEST_WEBHOOK_SECRET } from "./setup/stripe-server.ts";
import type Stripe from "stripe";

// The SDK is pointed at the local server before the app first reads its environment.
const stripe = await startStripeServer();
Object.assign(process.env, stripe.env);
afterAll(() => stripe.close());

const DAY = 24 * 60 * 60 * 1000;

/** One delivery as Stripe makes it: the exact JSON bytes and their signature. */
async function deliver(event: Stripe.Event | Record<string, unknown> | unknown[], options: { secret?: string; timestamp?: number; body?: string; raw?: string } = {}) {
  const payload = options.raw ?? JSON.stringify(event);
  const headers = { "Content-Type": "application/json", "Stripe-Signature": signPayload(payload, { secret: options.secret ?? TEST_WEBHOOK_SECRET, timestamp: options.timestamp }) };
  const request = new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body: options.body ?? payload });
  const response = await settle(call(webhookAction, request));
  return { status: response.status, body: (await response.json()) as { received?: boolean; duplicate?: boolean; error?: string } };
}

/** What a person or the search index would see of a payment's outcome. */
async function outcome(paymentId: string) {
  const payment = await prisma.payment.findUniqueOrThrow({ where: { id: paymentId }, include: { featuredPlacement: true, listing: { select: { featuredUntil: true } } } });
  const placement = payment.featuredPlacement;
  return {
    status: payment.status,
    paid: payment.paidAt !== null,
    refunded: payment.refundedAt !== null,
    placement: placement ? { revoked: placement.revokedAt !== null, days: Math.round((placement.endsAt.getTime() - placement.startsAt.getTime()) / DAY) } : null,
    featured: payment.listing?.featuredUntil ? payment.listing.featuredUntil > new Date() : false,
    notifications: await prisma.notification.count({ where: { type: "PAYMENT_RECEIVED", data: { path: ["paymentId"], equals: paymentId } } }),
    audits: (await prisma.auditLog.findMany({ where: { entityId: paymentId }, select: { action: true }, orderBy: { action: "asc" } })).map((a) => a.action),
  };
}

describe("POST /webhooks/stripe", () => {
  it("marks a featured payment paid, features the listing for 30 days and tells the organisation", async () => {
    const { payment, session, listingId, userId } = await startFeaturedPayment(stripe);
    const colleague = await createUser();
    await createMembership(colleague.id, payment.organisationId);
    const event = sessionEvents(stripe, session.id as string).completed();
    const before = Date.now();

    const response = await deliver(event);
    expect(response).toEqual({ status: 200, body: { received: true, duplicate: false } });

    const paid = await prisma.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { featuredPlacement: true } });
    expect(paid.status).toBe("PAID");
    expect(paid.stripePaymentIntentId).toBe((event.data.object as { payment_intent: string }).payment_intent);
    const placement = paid.featuredPlacement!;
    expect(placement.startsAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(placement.endsAt.getTime() - placement.startsAt.getTime()).toBe(30 * DAY);
    const listing = await prisma.listing.findUniqueOrThrow({ where: { id: listingId } });
    expect(listing.featuredUntil?.getTime()).toBe(placement.endsAt.getTime());
    // The search boost goes through the outbox, committed with the payment.
    const jobs = await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE key IN (${`listing:${listingId}`}, ${`listing-featured-end:${listingId}`}) ORDER BY key`;
    expect(jobs.map((j) => j.key)).toEqual([`listing-featured-end:${listingId}`, `listing:${listingId}`]);
    const notified = await prisma.notification.findMany({ where: { type: "PAYMENT_RECEIVED" }, select: { userId: true, data: true, url: true } });
    expect(notified.map((n) => n.userId).sort()).toEqual([userId, colleague.id].sort());
    expect(notified[0]!.data).toMatchObject({ paymentId: payment.id, purpose: "FEATURED_PLACEMENT", amount: "500000", currency: "VND" });
    expect(notified[0]!.url).toBe(`/payments/${payment.id}`);
    expect(await prisma.auditLog.count({ where: { action: "payment.paid", entityId: payment.id } })).toBe(1);
    const stored = await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(stored).toMatchObject({ type: "checkout.session.completed", error: null });
    expect(stored.processedAt).not.toBeNull();
  });

  it("refuses a bad signature with 400 and changes nothing", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    const wrongSecret = await deliver(event, { secret: "whsec_not_ours_0000000000000000" });
    expect(wrongSecret.status).toBe(400);
    // The signature covers the exact bytes: a changed amount breaks it.
    const tampered = await deliver(event, { body: JSON.stringify(event).replace('"amount_total":500000', '"amount_total":5') });
    expect(tampered.status).toBe(400);
    const unsigned = await settle(call(webhookAction, new Request("http://localhost/webhooks/stripe", { method: "POST", body: JSON.stringify(event) })));
    expect(unsigned.status).toBe(400);
    expect(await prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    expect((await outcome(payment.id)).status).toBe("PENDING");
    expect(await prisma.featuredPlacement.count({ where: { paymentId: payment.id } })).toBe(0);
  });

  it("refuses a signature older than five minutes, accepts one just inside", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(event, { timestamp: now - 301 })).status).toBe(400);
    expect(await prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    expect((await outcome(payment.id)).status).toBe("PENDING");
    expect((await deliver(event, { timestamp: now - 240 })).status).toBe(200);
    expect((await outcome(payment.id)).status).toBe("PAID");
  });

  it("refuses a signature dated more than five minutes ahead, accepts one just inside", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [4_000, 301]) {
      expect((await deliver(event, { timestamp: now + ahead })).status, `${ahead} s ahead`).toBe(400);
      expect(await prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    }
    expect((await outcome(payment.id)).status).toBe("PENDING");
    expect((await deliver(event, { timestamp: now + 240 })).status).toBe(200);
    expect((await outcome(payment.id)).status).toBe("PAID");
  });

  it("answers 400, not 500, to a signed body that is no event, and keeps it once with the reason under a key of its hash", async () => {
    const unreadable = () => prisma.stripeEvent.findMany({ where: { type: "unreadable" }, orderBy: { id: "asc" } });
    const before = (await unreadable()).length;
    const bodies = [{}, [], { id: "evt_1", type: "checkout.session.completed" }, { id: null, type: "charge.refunded", created: 1 }];
    for (const body of bodies) {
      const response = await deliver(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toMatch(/^not a Stripe event: /);
    }
    expect(await deliver({}, { raw: "{not json\u0000" })).toEqual({ status: 400, body: { error: "The body is not JSON" } });
    // Retried by Stripe: the same rows, not new ones.
    await deliver({});
    await deliver({}, { raw: "{not json\u0000" });
    const kept = await unreadable();
    expect(kept.length - before).toBe(bodies.length + 1);
    for (const row of kept) {
      expect(row.id).toMatch(/^unreadable_[0-9a-f]{40}$/);
      expect(row.error).toMatch(/not a Stripe event|not JSON/);
    }
    expect(kept.map((row) => (row.payload as { body: string }).body)).toContain("{not json\uFFFD");
  });

  it("answers 400 to an event without its object, or a session without an id, and keeps it with the reason", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const completed = sessionEvents(stripe, session.id as string).completed();
    const noObject = { ...completed, data: {} };
    const nullId = { ...completed, id: "evt_null_session_id", data: { object: { ...(completed.data.object as object), id: null } } };
    const otherWithoutObject = { ...stripeEvent("customer.created", {}), id: "evt_customer_no_object", data: {} };
    for (const [event, reason] of [
      [noObject, /^malformed checkout.session.completed event: data.object: Required/],
      [nullId, /^malformed checkout.session.completed event: data.object.id: Expected string, received null/],
      [otherWithoutObject, /^malformed customer.created event: data.object: Required/],
    ] as const) {
      const first = await deliver(event);
      expect(first.status, event.id).toBe(400);
      expect(first.body.error).toMatch(reason);
      // Stripe retries a 400 too: the retry is refused the same way and stored once.
      expect((await deliver(event)).status).toBe(400);
      const stored = await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
      expect(stored.error).toMatch(reason);
      expect(stored.type).toBe(event.type);
    }
    expect(await outcome(payment.id)).toMatchObject({ status: "PENDING", placement: null, notifications: 0, audits: [] });
  });

  it("answers 400 to a refund whose charge lacks what a refund needs", async () => {
    const { session } = await startFeaturedPayment(stripe);
    const charge = refundedCharge(stripe.sessions.get(session.id as string)!);
    const event = stripeEvent("charge.refunded", { ...charge, amount_refunded: "all" });
    expect((await deliver(event)).status).toBe(400);
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toMatch(/data.object.amount_refunded: Expected number, received string/);
  });

  it("processes a repeated delivery once", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    expect((await deliver(event)).body.duplicate).toBe(false);
    const first = await outcome(payment.id);
    expect((await deliver(event)).body).toEqual({ received: true, duplicate: true });
    expect(await outcome(payment.id)).toEqual(first);
    expect(first).toMatchObject({ status: "PAID", notifications: 1, audits: ["payment.paid"], placement: { revoked: false, days: 30 } });
    expect(await prisma.featuredPlacement.count({ where: { paymentId: payment.id } })).toBe(1);
  });

  it("lets exactly one of two simultaneous deliveries of an event win", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    const [a, b] = await Promise.all([deliver(event), deliver(event)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    expect(await outcome(payment.id)).toMatchObject({ status: "PAID", notifications: 1, audits: ["payment.paid"] });
    expect(await prisma.featuredPlacement.count({ where: { paymentId: payment.id } })).toBe(1);
  });

  it("stores unknown event types and answers 200", async () => {
    const event = stripeEvent("customer.created", { id: "cus_test_1", object: "customer" });
    expect((await deliver(event)).status).toBe(200);
    expect(await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ type: "customer.created", error: null });
  });

  it("answers 405 to a GET", async () => {
    const response = await settle(webhookLoader());
    expect(response.status).toBe(405);
  });
});

describe("events out of order end where in-order delivery ends", () => {
  type Step = "completed" | "completedUnpaid" | "asyncSucceeded" | "asyncFailed" | "expired" | "refunded";

  /** Builds every event first (as Stripe would have), then delivers them in `order`. */
  async function run(steps: Step[], order: number[]) {
    const { payment, session } = await startFeaturedPayment(stripe);
    const events = sessionEvents(stripe, session.id as string);
    const built = steps.map((step) => {
      switch (step) {
        case "completed":
          return events.completed();
        case "completedUnpaid":
          return events.completed("unpaid");
        case "asyncSucceeded":
          return events.asyncSucceeded();
        case "asyncFailed":
          return events.asyncFailed();
        case "expired":
          return events.expired();
        case "refunded":
          return stripeEvent("charge.refunded", refundedCharge(stripe.sessions.get(session.id as string)!));
      }
    });
    for (const i of order) expect((await deliver(built[i]!)).status).toBe(200);
    return outcome(payment.id);
  }

  const cases: { name: string; steps: Step[]; final: Partial<Awaited<ReturnType<typeof run>>> }[] = [
    { name: "refund before the payment", steps: ["completed", "refunded"], final: { status: "REFUNDED", featured: false, placement: { revoked: true, days: 30 }, audits: ["payment.paid", "payment.refunded"] } },
    { name: "expiry after completion", steps: ["completed", "expired"], final: { status: "PAID", featured: true, placement: { revoked: false, days: 30 } } },
    { name: "delayed payment succeeding", steps: ["completedUnpaid", "asyncSucceeded"], final: { status: "PAID", featured: true } },
    { name: "delayed payment failing", steps: ["completedUnpaid", "asyncFailed"], final: { status: "FAILED", featured: false, placement: null, notifications: 0 } },
    { name: "failure reported after success", steps: ["asyncSucceeded", "asyncFailed"], final: { status: "PAID", featured: true } },
    { name: "refund of a delayed payment", steps: ["completedUnpaid", "asyncSucceeded", "refunded"], final: { status: "REFUNDED", featured: false, placement: { revoked: true, days: 30 } } },
  ];

  for (const c of cases) {
    it(`${c.name}: every order gives the same state`, async () => {
      const orders = permutations(c.steps.map((_, i) => i));
      const results = [];
      for (const order of orders) results.push(await run(c.steps, order));
      expect(results[0]).toMatchObject(c.final);
      for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    });
  }

  function permutations(items: number[]): number[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  }
});

describe("refunds", () => {
  it("revokes a refunded placement and moves the next one back into the freed days", async () => {
    const first = await startFeaturedPayment(stripe);
    const firstEvents = sessionEvents(stripe, first.session.id as string);
    await deliver(firstEvents.completed());
    const second = await startFeaturedPayment(stripe, { listingId: first.listingId, userId: first.userId });
    await deliver(sessionEvents(stripe, second.session.id as string).completed());

    const placements = () => prisma.featuredPlacement.findMany({ where: { listingId: first.listingId }, orderBy: { createdAt: "asc" } });
    const [a, b] = await placements();
    // Buying again extends from the current end.
    expect(b!.startsAt.getTime()).toBe(a!.endsAt.getTime());
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: first.listingId } })).featuredUntil?.getTime()).toBe(b!.endsAt.getTime());

    await deliver(stripeEvent("charge.refunded", refundedCharge(stripe.sessions.get(first.session.id as string)!)));
    const [revoked, moved] = await placements();
    expect(revoked!.revokedAt).not.toBeNull();
    expect(moved!.startsAt.getTime()).toBe(moved!.createdAt.getTime());
    expect(moved!.endsAt.getTime() - moved!.startsAt.getTime()).toBe(30 * DAY);
    const listing = await prisma.listing.findUniqueOrThrow({ where: { id: first.listingId } });
    expect(listing.featuredUntil?.getTime()).toBe(moved!.endsAt.getTime());
    expect(await outcome(first.payment.id)).toMatchObject({ status: "REFUNDED", audits: ["payment.paid", "payment.refunded"] });
    expect((await outcome(second.payment.id)).status).toBe("PAID");

    // Refunding the second too leaves the listing unfeatured.
    await deliver(stripeEvent("charge.refunded", refundedCharge(stripe.sessions.get(second.session.id as string)!)));
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: first.listingId } })).featuredUntil).toBeNull();
  });

  it("records a partial refund for an admin and revokes nothing", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    await deliver(sessionEvents(stripe, session.id as string).completed());
    const event = stripeEvent("charge.refunded", refundedCharge(stripe.sessions.get(session.id as string)!, { amountRefunded: 100_000 }));
    expect((await deliver(event)).status).toBe(200);
    expect(await outcome(payment.id)).toMatchObject({ status: "PAID", featured: true, placement: { revoked: false } });
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toMatch(/partial refund of 100000 of 500000 vnd/);
  });
});

describe("a session that does not match our record", () => {
  it("is refused when the amount differs: nothing granted, logged, kept on the event", async () => {
    const { payment, session } = await startFeaturedPayment(stripe);
    const event = sessionEvents(stripe, session.id as string).completed();
    (event.data.object as { amount_total: number }).amount_total = 5_000;
    expectConsoleError(1);
    expect((await deliver(event)).status).toBe(200);
    expect(await outcome(payment.id)).toMatchObject({ status: "PENDING", placement: null, featured: false, notifications: 0, audits: [] });
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toMatch(/amount mismatch.*5000 vnd.*expects 500000 vnd/);
  });

  it("is refused when the currency differs", async () => {
    const { payment, session } = await startFeaturedPayment(stripe, { currency: "USD" });
    expect(session.amount_total).toBe(2000);
    const event = sessionEvents(stripe, session.id as string).completed();
    (event.data.object as { currency: string }).currency = "vnd";
    expectConsoleError(1);
    await deliver(event);
    expect(await outcome(payment.id)).toMatchObject({ status: "PENDING", placement: null });
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toMatch(/amount mismatch.*2000 vnd.*expects 2000 usd/);
  });

  it("keeps an event for a session we never created, with the reason", async () => {
    const event = stripeEvent("checkout.session.completed", { ...(stripe.sessions.values().next().value as object), id: "cs_test_foreign", client_reference_id: null, metadata: {} });
    expect((await deliver(event)).status).toBe(200);
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).error).toBe("no payment for checkout session cs_test_foreign");
  });
});
