import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Stripe from "stripe";
import { STRIPE_API_VERSION } from "../../app/lib/stripe.server.ts";

/**
 * A small stand-in for api.stripe.com at the network edge: the real `stripe` SDK
 * talks to it over HTTP. It answers the endpoints Techex calls with objects shaped
 * like Stripe's own fixtures (tests/fixtures/stripe/fixtures3.json, copied from shared/stripe), records every request
 * (Idempotency-Key included), replays a repeated idempotency key as Stripe does, and
 * serves a hosted "checkout page" that pays, posts the signed
 * checkout.session.completed webhook to the app and redirects to success_url.
 */

type Json = Record<string, unknown>;
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/stripe/fixtures3.json");
const resources = (JSON.parse(readFileSync(FIXTURES, "utf8")) as { resources: Record<string, Json> }).resources;
const fixture = (name: string) => structuredClone(resources[name]!) as Json;

export const TEST_SECRET_KEY = "sk_test_techex_local_0000000000000000";
export const TEST_WEBHOOK_SECRET = "whsec_techex_local_test_secret_0000000000";

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  authorization: string | null;
  stripeVersion: string | null;
  body: Json;
}

const newId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/** Stripe's form encoding (a[b][0][c]=v) back into an object. */
export function parseStripeForm(body: string): Json {
  const out: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const slot = node as Record<string, unknown>;
      if (last) slot[part] = value;
      else node = (slot[part] ??= nextIsIndex ? [] : {}) as Record<string, unknown>;
    });
  }
  return out;
}

export function stripeEvent(type: string, object: Json, options: { id?: string; created?: number } = {}): Stripe.Event {
  return {
    ...fixture("event"),
    id: options.id ?? newId("evt").replace("_test", ""),
    type,
    api_version: STRIPE_API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  } as unknown as Stripe.Event;
}

/** The Stripe-Signature header Stripe would send for this exact body. */
export function signPayload(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? TEST_WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
}

/** A charge (fixture-shaped) refunded in full or in part. */
export function refundedCharge(session: Json, options: { amountRefunded?: number } = {}): Json {
  const amount = session.amount_total as number;
  const refunded = options.amountRefunded ?? amount;
  return {
    ...fixture("charge"),
    id: newId("ch"),
    amount,
    amount_captured: amount,
    amount_refunded: refunded,
    refunded: refunded >= amount,
    captured: true,
    paid: true,
    currency: session.currency,
    payment_intent: session.payment_intent,
    metadata: {},
    transfer_data: null,
    source: null,
  };
}

export async function startStripeServer(options: { webhookSecret?: string } = {}) {
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, Json>();
  const replays = new Map<string, { status: number; body: Json }>();
  let webhookUrl: string | null = null;
  let failCreates = 0;
  const deliveries: { eventId: string; type: string; status: number }[] = [];

  const send = (res: ServerResponse, status: number, body: Json | string, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json", "Request-Id": newId("req"), ...headers });
    res.end(text);
  };
  const stripeError = (res: ServerResponse, status: number, message: string, code = "resource_missing") =>
    send(res, status, { error: { type: status >= 500 ? "api_error" : "invalid_request_error", code, message } }, { "Stripe-Should-Retry": "false" });

  function createSession(params: Json): Json {
    const id = newId("cs");
    const items = (params.line_items as { quantity: string; price_data: { currency: string; unit_amount: string } }[]) ?? [];
    const amount = items.reduce((sum, item) => sum + Number(item.price_data.unit_amount) * Number(item.quantity), 0);
    const now = Math.floor(Date.now() / 1000);
    const session: Json = {
      ...fixture("checkout.session"),
      id,
      object: "checkout.session",
      amount_subtotal: amount,
      amount_total: amount,
      currency: items[0]?.price_data.currency ?? null,
      client_reference_id: params.client_reference_id ?? null,
      metadata: params.metadata ?? {},
      customer_email: params.customer_email ?? null,
      locale: params.locale ?? null,
      mode: params.mode,
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      created: now,
      expires_at: now + 24 * 3600,
      livemode: false,
      shipping_address_collection: null,
      shipping_cost: null,
      currency_conversion: null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      url: `${base()}/checkout/${id}`,
    };
    sessions.set(id, session);
    return session;
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, raw: string) {
    const body = req.method === "POST" ? parseStripeForm(raw) : Object.fromEntries(url.searchParams);
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    requests.push({
      method: req.method!,
      path: url.pathname,
      idempotencyKey,
      authorization: (req.headers.authorization as string | undefined) ?? null,
      stripeVersion: (req.headers["stripe-version"] as string | undefined) ?? null,
      body,
    });
    if (!req.headers.authorization?.startsWith("Bearer sk_test_")) return stripeError(res, 401, "Invalid API Key provided", "api_key_invalid");
    const replayKey = idempotencyKey ? `${req.method} ${url.pathname} ${idempotencyKey}` : null;
    if (replayKey && replays.has(replayKey)) {
      const replay = replays.get(replayKey)!;
      return send(res, replay.status, replay.body, { "Idempotent-Replayed": "true" });
    }
    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      if (failCreates > 0) {
        failCreates--;
        return stripeError(res, 500, "An unknown error occurred", "api_error");
      }
      const session = createSession(body);
      if (replayKey) replays.set(replayKey, { status: 200, body: session });
      return send(res, 200, session);
    }
    const match = url.pathname.match(/^\/v1\/checkout\/sessions\/([^/]+)$/);
    if (req.method === "GET" && match) {
      const session = sessions.get(match[1]!);
      return session ? send(res, 200, session) : stripeError(res, 404, `No such checkout.session: '${match[1]}'`);
    }
    return stripeError(res, 404, `Unrecognized request URL (${req.method}: ${url.pathname})`, "url_invalid");
  }

  function checkoutPage(session: Json) {
    const amount = session.amount_total as number;
    const currency = String(session.currency).toUpperCase();
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test checkout</title></head><body>
      <h1>Test checkout</h1><p id="amount">${currency === "USD" ? (amount / 100).toFixed(2) : amount} ${currency}</p>
      <form method="post" action="/checkout/${session.id}/pay"><button type="submit">Pay</button></form>
      <p><a href="${session.cancel_url}">Cancel</a></p></body></html>`;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", base());
      const run = async () => {
        if (url.pathname.startsWith("/v1/")) return api(req, res, url, raw);
        const page = url.pathname.match(/^\/checkout\/([^/]+)(\/pay)?$/);
        const session = page ? sessions.get(page[1]!) : undefined;
        if (!page || !session) return send(res, 404, "<h1>Not found</h1>");
        if (!page[2]) return send(res, 200, checkoutPage(session));
        if (req.method !== "POST") return send(res, 405, "<h1>Method not allowed</h1>");
        const paid = completeSession(session.id as string);
        await deliver(stripeEvent("checkout.session.completed", paid));
        const location = String(paid.success_url).replace("{CHECKOUT_SESSION_ID}", String(paid.id));
        res.writeHead(303, { Location: location });
        res.end();
      };
      run().catch((error: unknown) => send(res, 500, { error: { type: "api_error", message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const base = () => `http://127.0.0.1:${port}`;

  /** Marks a session paid (or still processing, for delayed methods) as Checkout would. */
  function completeSession(id: string, options: { paymentStatus?: "paid" | "unpaid" } = {}): Json {
    const session = sessions.get(id);
    if (!session) throw new Error(`no session ${id}`);
    Object.assign(session, { status: "complete", payment_status: options.paymentStatus ?? "paid", payment_intent: session.payment_intent ?? newId("pi") });
    return structuredClone(session);
  }

  function expireSession(id: string): Json {
    const session = sessions.get(id)!;
    Object.assign(session, { status: "expired", url: null });
    return structuredClone(session);
  }

  /** POSTs a signed event to the app's webhook endpoint, as Stripe does. */
  async function deliver(event: Stripe.Event, delivery: { timestamp?: number } = {}) {
    if (!webhookUrl) throw new Error("setWebhookUrl() first");
    const payload = JSON.stringify(event);
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signPayload(payload, { secret: options.webhookSecret ?? TEST_WEBHOOK_SECRET, timestamp: delivery.timestamp }) },
      body: payload,
    });
    deliveries.push({ eventId: event.id, type: event.type, status: response.status });
    return response;
  }

  return {
    url: base(),
    port,
    requests,
    sessions,
    deliveries,
    setWebhookUrl(url: string) {
      webhookUrl = url;
    },
    /** The next `count` session creations answer 500. */
    failNextCreates(count = 1) {
      failCreates = count;
    },
    completeSession,
    expireSession,
    deliver,
    /** Points the app's Stripe settings at this server (before the app reads its environment). */
    env: { STRIPE_SECRET_KEY: TEST_SECRET_KEY, STRIPE_WEBHOOK_SECRET: options.webhookSecret ?? TEST_WEBHOOK_SECRET, STRIPE_API_URL: base() },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type StripeTestServer = Awaited<ReturnType<typeof startStripeServer>>;
