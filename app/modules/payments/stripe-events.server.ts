import { z } from "zod";

/**
 * The shape of the Stripe events we act on, checked before anything is read from them. A
 * signed body that is not such an event (`{}`, `[]`, no `data.object`, a session without
 * an id) is a client error, answered 400: as a 500, Stripe would retry it for days and
 * every retry would fail the same way. Only the fields the handlers read are checked; the
 * rest of the payload is stored as it came.
 */

/** Stripe's ids are letters, digits and underscores (evt_…, cs_test_…, pi_…). */
const stripeId = z.string().regex(/^[A-Za-z0-9_]{1,255}$/, "not a Stripe id");
/** Text that PostgreSQL can store and compare (no NUL). */
const text = z
  .string()
  .max(5_000)
  .refine((v) => !v.includes("\u0000"), "contains a NUL character");
/** An expandable reference: the id, or the object carrying it. */
const reference = z.union([stripeId, z.object({ id: stripeId })]).nullable().default(null);

const envelopeSchema = z.object({
  id: stripeId,
  type: z.string().regex(/^[a-z0-9_.]{1,255}$/, "not a Stripe event type"),
  /** Seconds since 1970; at most 9999-12-31, the last day a Date and PostgreSQL both hold. */
  created: z.number().int().min(0).max(253_402_300_799),
});
export type StripeEventEnvelope = z.infer<typeof envelopeSchema>;

const checkoutSessionSchema = z.object({
  object: z.literal("checkout.session"),
  id: stripeId,
  client_reference_id: text.nullable().default(null),
  metadata: z.record(text).nullable().default(null),
  payment_intent: reference,
  amount_total: z.number().int().nullable(),
  currency: text.nullable(),
  payment_status: text,
});
/** What applyCheckoutSession reads of a session (a retrieved Stripe.Checkout.Session has it too). */
export type CheckoutSessionFacts = z.infer<typeof checkoutSessionSchema>;

const chargeSchema = z.object({
  object: z.literal("charge"),
  id: stripeId,
  payment_intent: reference,
  amount: z.number().int().min(0),
  amount_refunded: z.number().int().min(0),
  refunded: z.boolean(),
  currency: text,
});
export type ChargeFacts = z.infer<typeof chargeSchema>;

const CHECKOUT_EVENTS = ["checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed", "checkout.session.expired"] as const;
export type CheckoutEventType = (typeof CHECKOUT_EVENTS)[number];

const dataOf = <T extends z.ZodTypeAny>(object: T) => z.object({ data: z.object({ object }) });
// Events of other types are stored for the record; they still have to be events with an object.
const anyData = dataOf(z.record(z.unknown()));
const checkoutData = dataOf(checkoutSessionSchema);
const chargeData = dataOf(chargeSchema);

export type StripeEventFacts =
  | { kind: "checkout-session"; type: CheckoutEventType; session: CheckoutSessionFacts }
  | { kind: "charge-refunded"; charge: ChargeFacts }
  | { kind: "other" };

export type CheckedStripeEvent =
  /** Not an event at all: nothing to store it under. */
  | { ok: false; envelope: null; error: string }
  /** An event whose object is not what its type promises: stored with the error. */
  | { ok: false; envelope: StripeEventEnvelope; error: string }
  | { ok: true; envelope: StripeEventEnvelope; facts: StripeEventFacts };

const issuesText = (what: string, error: z.ZodError) =>
  `${what}: ${error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
    .join("; ")}`;

/** Checks a parsed webhook body against the shape of its event type. */
export function checkStripeEvent(body: unknown): CheckedStripeEvent {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, envelope: null, error: issuesText("not a Stripe event", envelope.error) };
  const { type } = envelope.data;
  const invalid = (error: z.ZodError) => ({ ok: false as const, envelope: envelope.data, error: issuesText(`malformed ${type} event`, error) });
  if ((CHECKOUT_EVENTS as readonly string[]).includes(type)) {
    const data = checkoutData.safeParse(body);
    if (!data.success) return invalid(data.error);
    return { ok: true, envelope: envelope.data, facts: { kind: "checkout-session", type: type as CheckoutEventType, session: data.data.data.object } };
  }
  if (type === "charge.refunded") {
    const data = chargeData.safeParse(body);
    return data.success ? { ok: true, envelope: envelope.data, facts: { kind: "charge-refunded", charge: data.data.data.object } } : invalid(data.error);
  }
  const data = anyData.safeParse(body);
  return data.success ? { ok: true, envelope: envelope.data, facts: { kind: "other" } } : invalid(data.error);
}
