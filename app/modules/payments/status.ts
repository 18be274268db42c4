import type { PaymentStatus } from "~/generated/prisma/enums.ts";

/**
 * Stripe may deliver a payment's events late, twice or in any order. A payment's
 * status therefore only ever moves up this ladder: whatever order the same set of
 * events arrives in, the highest status among them wins, so every order ends in
 * the state in-order delivery would reach.
 *
 *   PENDING < EXPIRED = FAILED < PAID < REFUNDED
 *
 * EXPIRED and FAILED share a rung: a session either expires unpaid or its payment
 * fails, never both, so the first one recorded stays.
 */
const RANK: Record<PaymentStatus, number> = { PENDING: 0, EXPIRED: 1, FAILED: 1, PAID: 2, REFUNDED: 3 };

/** The status after `incoming` is reported for a payment now at `current`. */
export function nextPaymentStatus(current: PaymentStatus, incoming: PaymentStatus): PaymentStatus {
  return RANK[incoming] > RANK[current] ? incoming : current;
}

/** Whether a status means the payment's grant (placement, fee) is in force. */
export const grants = (status: PaymentStatus) => status === "PAID";
