/**
 * Money as Stripe sees it. Our records keep whole units (đồng, dollars); Stripe
 * wants the currency's smallest unit: VND is zero-decimal (×1), USD has cents (×100).
 * This is the one place that knows the difference.
 */
export type PaymentCurrency = "VND" | "USD";

const MINOR_UNITS: Record<PaymentCurrency, bigint> = { VND: 1n, USD: 100n };

/** Whole units → Stripe's smallest unit (the `unit_amount` / `amount_total` it uses). */
export function toStripeAmount(amount: bigint | number, currency: PaymentCurrency): number {
  const minor = BigInt(amount) * MINOR_UNITS[currency];
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount ${amount} ${currency} is too large`);
  return Number(minor);
}

/** Stripe's lower-case ISO code for our currency. */
export const stripeCurrency = (currency: PaymentCurrency) => currency.toLowerCase();

/**
 * Stripe accepts at most eight digits in the smallest unit for one payment
 * (99,999,999: $999,999.99 or 99,999,999 ₫), and at least the equivalent of
 * about 50 US cents.
 */
export const MAX_STRIPE_AMOUNT = 99_999_999;
export const MIN_AMOUNT: Record<PaymentCurrency, number> = { VND: 10_000, USD: 1 };
export const MAX_AMOUNT: Record<PaymentCurrency, number> = { VND: MAX_STRIPE_AMOUNT, USD: Math.floor(MAX_STRIPE_AMOUNT / 100) };

/** `bps` basis points (250 = 2.5 %) of `value`, rounded half up to a whole unit. */
export function percentOf(value: bigint, bps: number): bigint {
  return (value * BigInt(bps) + 5_000n) / 10_000n;
}
