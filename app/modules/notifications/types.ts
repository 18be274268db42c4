/**
 * What each notification carries, by type. The text is written from this data
 * in the recipient's language when it is shown or e-mailed, so a notification
 * stays readable after a language switch. Keep values JSON-plain (strings, numbers).
 */
export interface NotificationPayloads {
  /** Someone sent an inquiry about the recipient organisation's listing. */
  INQUIRY_RECEIVED: { inquiryId: string; listingId: string; listingTitle: string; fromOrganisation: string };
  /** A new message in an inquiry thread the recipient takes part in. */
  INQUIRY_ANSWERED: { inquiryId: string; listingTitle: string; byOrganisation: string };
  MODERATION_DECISION: {
    listingId: string;
    listingTitle: string;
    decision: "APPROVED" | "REJECTED";
    reason?: string;
    /** True when the decision was about an edit of a published listing, not the listing itself. */
    revision?: boolean;
  };
  /** A match involving the recipient organisation's listing. */
  MATCH_SUGGESTED: { matchId: string; listingId: string; listingTitle: string; otherListingId: string; otherTitle: string; score: number };
  /**
   * The digest of new suggestions for one of the recipient organisation's listings: at most one
   * per listing per day. `count` counts them all; `matches` lists the best few (score in [0, 1]).
   */
  MATCH_DIGEST: { listingId: string; listingTitle: string; count: number; matches: { listingId: string; title: string; score: number }[] };
  DEAL_STAGE_CHANGED: { dealId: string; dealTitle: string; fromStage: string | null; toStage: string; comment?: string };
  /** amount in whole units of currency, as a string (it may exceed 2^53). */
  PAYMENT_RECEIVED: {
    paymentId: string;
    purpose: "FEATURED_PLACEMENT" | "BROKERAGE_FEE";
    amount: string;
    currency: "VND" | "USD";
    listingTitle?: string;
    dealTitle?: string;
  };
  SAVED_SEARCH_ALERT: { savedSearchId: string; searchName: string; count: number; listings: { id: string; title: string }[] };
  LISTING_EXPIRING: { listingId: string; listingTitle: string; expiresAt: string };
  /** A broker verified or refused the recipient organisation's registration (reason when refused). */
  ORGANISATION_VERIFICATION: { organisationId: string; organisationName: string; decision: "VERIFIED" | "REJECTED"; reason?: string };
}

export type NotificationKind = keyof NotificationPayloads;

export type NotificationInput = {
  [K in NotificationKind]: { type: K; data: NotificationPayloads[K]; /** Path in the app, e.g. /inquiries/abc */ url: string };
}[NotificationKind];
