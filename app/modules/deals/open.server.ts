import type { DealStage } from "~/generated/prisma/client.ts";
import type { Tx } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";

export interface OpenDealInput {
  title: string;
  /** NEW when opened from an inquiry; INTRODUCED when a broker introduces a match. */
  stage: Extract<DealStage, "NEW" | "INTRODUCED">;
  /** The offer side. */
  providerOrgId: string;
  /** The need side. */
  seekerOrgId: string;
  offerListingId?: string | null;
  requestListingId?: string | null;
  inquiryId?: string | null;
  matchId?: string | null;
  assignedBrokerId?: string | null;
  actorId: string;
  comment?: string;
  ipAddress?: string | null;
}

/**
 * Opens a deal inside the caller's transaction: the deal, its first history
 * entry, the audit entry and both parties' notifications commit together.
 * Callers check permissions and that the inquiry or match may open a deal.
 */
export async function openDeal(tx: Tx, input: OpenDealInput): Promise<{ id: string }> {
  const deal = await tx.deal.create({
    data: {
      title: input.title,
      stage: input.stage,
      providerOrgId: input.providerOrgId,
      seekerOrgId: input.seekerOrgId,
      offerListingId: input.offerListingId ?? null,
      requestListingId: input.requestListingId ?? null,
      inquiryId: input.inquiryId ?? null,
      matchId: input.matchId ?? null,
      assignedBrokerId: input.assignedBrokerId ?? null,
      openedById: input.actorId,
      transitions: { create: { fromStage: null, toStage: input.stage, actorId: input.actorId, comment: input.comment ?? "" } },
    },
    select: { id: true },
  });
  await recordAudit(
    {
      actorId: input.actorId,
      action: "deal.open",
      entityType: "Deal",
      entityId: deal.id,
      data: { stage: input.stage, inquiryId: input.inquiryId ?? null, matchId: input.matchId ?? null },
      ipAddress: input.ipAddress ?? null,
    },
    tx,
  );
  await notifyOrganisations(
    tx,
    [input.providerOrgId, input.seekerOrgId],
    { type: "DEAL_STAGE_CHANGED", data: { dealId: deal.id, dealTitle: input.title, fromStage: null, toStage: input.stage }, url: `/deals/${deal.id}` },
    { exceptUserId: input.actorId, alsoUserIds: [input.assignedBrokerId] },
  );
  return deal;
}
