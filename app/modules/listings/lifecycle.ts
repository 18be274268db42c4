/**
 * The listing lifecycle (DESIGN.md §2) as one pure table: which action moves a
 * listing from which status to which, and who may take it. Services consult it;
 * nothing else decides a transition.
 */
export const LISTING_STATUSES = ["DRAFT", "PENDING_REVIEW", "PUBLISHED", "REJECTED", "ARCHIVED", "EXPIRED"] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export type LifecycleAction = "submit" | "approve" | "reject" | "archive" | "renew" | "expire" | "restore";
export type Actor = "owner" | "moderator" | "system";

interface Rule {
  from: readonly ListingStatus[];
  to: ListingStatus;
  by: readonly Actor[];
}

export const LIFECYCLE: Record<LifecycleAction, Rule> = {
  submit: { from: ["DRAFT", "REJECTED"], to: "PENDING_REVIEW", by: ["owner"] },
  approve: { from: ["PENDING_REVIEW"], to: "PUBLISHED", by: ["moderator"] },
  reject: { from: ["PENDING_REVIEW"], to: "REJECTED", by: ["moderator"] },
  archive: { from: ["DRAFT", "PENDING_REVIEW", "PUBLISHED", "REJECTED", "EXPIRED"], to: "ARCHIVED", by: ["owner", "moderator"] },
  renew: { from: ["PUBLISHED", "EXPIRED"], to: "PUBLISHED", by: ["owner"] },
  expire: { from: ["PUBLISHED"], to: "EXPIRED", by: ["system"] },
  restore: { from: ["ARCHIVED"], to: "DRAFT", by: ["owner"] },
};

export type TransitionResult = { ok: true; to: ListingStatus } | { ok: false; reason: "not-allowed-from-status" | "not-allowed-for-actor" };

export function transition(action: LifecycleAction, from: ListingStatus, by: Actor): TransitionResult {
  const rule = LIFECYCLE[action];
  if (!rule.by.includes(by)) return { ok: false, reason: "not-allowed-for-actor" };
  if (!rule.from.includes(from)) return { ok: false, reason: "not-allowed-from-status" };
  return { ok: true, to: rule.to };
}

/** The actions an owner can take on a listing in `status` (for buttons). */
export function ownerActions(status: ListingStatus): LifecycleAction[] {
  return (Object.keys(LIFECYCLE) as LifecycleAction[]).filter((a) => transition(a, status, "owner").ok);
}

/** Whether the owner may edit the fields directly; a published listing's edits go through review. */
export function editMode(status: ListingStatus): "direct" | "revision" | "locked" {
  if (status === "DRAFT" || status === "REJECTED" || status === "PENDING_REVIEW") return "direct";
  if (status === "PUBLISHED") return "revision";
  return "locked";
}

export const PUBLICATION_MONTHS = 12;

/** A published listing expires 12 months after publication or renewal. */
export function expiryFrom(date: Date): Date {
  const expires = new Date(date);
  expires.setUTCMonth(expires.getUTCMonth() + PUBLICATION_MONTHS);
  return expires;
}

/** A moderator's reason, shown to the owner: long enough to be useful. */
export const REASON_LENGTH = { min: 10, max: 2000 } as const;

/** At least the minimum once trimmed (the form's schema caps the length). */
export function isUsableReason(reason: string | undefined | null): reason is string {
  return (reason?.trim().length ?? 0) >= REASON_LENGTH.min;
}
