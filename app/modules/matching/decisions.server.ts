import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { openDeal } from "~/modules/deals/open.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";

export type MatchDecisionResult =
  | { ok: true; dealId?: string }
  /** gone: no such match; decided: someone introduced or dismissed it first; unpublished: a side left the exchange. */
  | { ok: false; error: "gone" | "decided" | "unpublished" };

const sideSelect = { id: true, title: true, organisationId: true, status: true, expiresAt: true } as const;

function isPublic(listing: { status: string; expiresAt: Date | null }, now: Date) {
  return listing.status === "PUBLISHED" && (listing.expiresAt === null || listing.expiresAt > now);
}

/** Only brokers and admins decide on matches; anyone else is told the match does not exist. */
function requireBroker(actor: Actor) {
  if (!holds(actor, "match:introduce:any")) throw notFound();
}

/**
 * A broker introduces the two sides: in one transaction the match becomes
 * INTRODUCED, a deal opens at INTRODUCED (notifying both organisations) with the
 * broker assigned, and the audit log records it. The conditional update claims the
 * match, so two brokers clicking at once open one deal; the second is told it is decided.
 */
export async function introduceMatch(actor: Actor, matchId: string, ipAddress: string | null = null): Promise<MatchDecisionResult> {
  requireBroker(actor);
  return prisma.$transaction(async (tx) => {
    const match = await tx.match.findUnique({
      where: { id: matchId },
      select: { id: true, status: true, score: true, offerListing: { select: sideSelect }, requestListing: { select: sideSelect } },
    });
    if (!match) return { ok: false, error: "gone" } as const;
    if (match.status !== "SUGGESTED") return { ok: false, error: "decided" } as const;
    const now = new Date();
    if (!isPublic(match.offerListing, now) || !isPublic(match.requestListing, now)) return { ok: false, error: "unpublished" } as const;
    const claimed = await tx.match.updateMany({
      where: { id: match.id, status: "SUGGESTED" },
      data: { status: "INTRODUCED", introducedById: actor.id, introducedAt: now },
    });
    if (claimed.count === 0) return { ok: false, error: "decided" } as const;
    const { offerListing: offer, requestListing: need } = match;
    const deal = await openDeal(tx, {
      title: `${offer.title} ↔ ${need.title}`.slice(0, 300),
      stage: "INTRODUCED",
      providerOrgId: offer.organisationId,
      seekerOrgId: need.organisationId,
      offerListingId: offer.id,
      requestListingId: need.id,
      matchId: match.id,
      assignedBrokerId: actor.id,
      actorId: actor.id,
      ipAddress,
    });
    await recordAudit(
      { actorId: actor.id, action: "match.introduce", entityType: "Match", entityId: match.id, data: { dealId: deal.id, score: match.score }, ipAddress },
      tx,
    );
    return { ok: true, dealId: deal.id } as const;
  });
}

/** A broker dismisses a suggestion; recomputing never brings it back. */
export async function dismissMatch(actor: Actor, matchId: string, ipAddress: string | null = null): Promise<MatchDecisionResult> {
  requireBroker(actor);
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.match.updateMany({
      where: { id: matchId, status: "SUGGESTED" },
      data: { status: "DISMISSED", dismissedById: actor.id, dismissedAt: new Date() },
    });
    if (claimed.count === 0) {
      const exists = await tx.match.findUnique({ where: { id: matchId }, select: { id: true } });
      return { ok: false, error: exists ? "decided" : "gone" } as const;
    }
    await recordAudit({ actorId: actor.id, action: "match.dismiss", entityType: "Match", entityId: matchId, ipAddress }, tx);
    return { ok: true } as const;
  });
}

/** Whether both listings of a match are public now (for pages that show a match's sides). */
export const bothPublic = (now = new Date()) => ({ offerListing: publicListingWhere(now), requestListing: publicListingWhere(now) });
