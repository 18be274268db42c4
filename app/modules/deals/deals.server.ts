import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { can, holds, type Actor } from "~/modules/auth/permissions.ts";
import { getInquiryForDeal, listInquiryMessages } from "~/modules/inquiries/inquiries.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { assignableBrokerWhere, dealReadWhere, isDealBroker, mayAssign, mayTake, mayTransition } from "./access.server.ts";
import { openDeal } from "./open.server.ts";
import type { TransitionInput } from "./schema.ts";
import { availableActions, nextStage, type DealActionInput, type DealStage } from "./state-machine.ts";

interface Meta {
  ipAddress?: string | null;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";

/** The deal if `actor` may read it; otherwise 404, so ids cannot be probed. */
async function findReadable<S extends Prisma.DealSelect>(actor: Actor, id: string, select: S) {
  const where = dealReadWhere(actor);
  if (!where) throw notFound();
  const deal = await prisma.deal.findFirst({ where: { AND: [{ id }, where] }, select });
  if (!deal) throw notFound();
  return deal;
}

// ─── Opening ────────────────────────────────────────────────────────────────

export type OpenFromInquiryResult = { id: string; created: boolean };

/**
 * Opens a deal at NEW from an inquiry, by a member of either party or by a
 * broker. An inquiry has at most one deal: when it already has one (even one
 * opened a moment ago by someone else, which the unique inquiryId catches) the
 * existing deal is returned instead.
 */
export async function openDealFromInquiry(actor: Actor, inquiryId: string, meta: Meta = {}): Promise<OpenFromInquiryResult> {
  const inquiry = await getInquiryForDeal(inquiryId);
  if (!inquiry) throw notFound();
  const partyOrg = [inquiry.listingOrganisationId, inquiry.fromOrganisationId].find((org) => actor.organisationIds.includes(org));
  const asParty = partyOrg !== undefined && can(actor, "deal:create", { organisationId: partyOrg });
  if (!asParty && !holds(actor, "deal:create:any")) throw notFound();
  if (inquiry.hasDeal) return { id: await existingDealId(inquiryId), created: false };

  // The provider is the offer side: the listing's organisation for an offer, the inquirer for a need.
  const isRequest = inquiry.listingType === "TECHNOLOGY_REQUEST";
  const providerOrgId = isRequest ? inquiry.fromOrganisationId : inquiry.listingOrganisationId;
  const seekerOrgId = isRequest ? inquiry.listingOrganisationId : inquiry.fromOrganisationId;
  // The broker who took the conversation over carries the deal; a broker opening it otherwise takes it.
  const assignedBrokerId = inquiry.assignedBrokerId ?? (!asParty && isDealBroker(actor) ? actor.id : null);
  try {
    const deal = await prisma.$transaction((tx) =>
      openDeal(tx, {
        title: inquiry.listingTitle,
        stage: "NEW",
        providerOrgId,
        seekerOrgId,
        offerListingId: isRequest ? null : inquiry.listingId,
        requestListingId: isRequest ? inquiry.listingId : null,
        inquiryId: inquiry.id,
        assignedBrokerId,
        actorId: actor.id,
        ipAddress: meta.ipAddress ?? null,
      }),
    );
    return { id: deal.id, created: true };
  } catch (error) {
    if (isUniqueViolation(error)) return { id: await existingDealId(inquiryId), created: false };
    throw error;
  }
}

async function existingDealId(inquiryId: string) {
  const deal = await prisma.deal.findUniqueOrThrow({ where: { inquiryId }, select: { id: true } });
  return deal.id;
}

// ─── Transitions ────────────────────────────────────────────────────────────

export type DealChangeResult =
  | { ok: true; stage: DealStage }
  | { ok: false; error: "stale" }
  | { ok: false; error: "not-allowed" }
  | { ok: false; error: "invalid"; fieldErrors: Record<string, string[]> };

function actionInput(input: TransitionInput): DealActionInput {
  switch (input.action) {
    case "reach_agreement":
      return { type: input.action, agreementType: input.agreementType, agreedValue: input.agreedValue, agreedCurrency: input.agreedCurrency };
    case "lose":
      return { type: input.action, reason: input.reason };
    default:
      return { type: input.action };
  }
}

/**
 * Moves a deal one step, as the state machine allows, against the version the
 * actor's form showed. The stage change, its history row, the audit entry and
 * the notifications commit together; a deal changed meanwhile changes nothing.
 */
export async function transitionDeal(actor: Actor, id: string, input: TransitionInput, meta: Meta = {}): Promise<DealChangeResult> {
  const deal = await findReadable(actor, id, {
    id: true,
    title: true,
    stage: true,
    stageBeforeHold: true,
    version: true,
    assignedBrokerId: true,
    providerOrgId: true,
    seekerOrgId: true,
  });
  // Parties read their deal but the centre runs it.
  if (!mayTransition(actor, deal)) throw forbidden();
  if (deal.version !== input.version) return { ok: false, error: "stale" };
  const result = nextStage(deal, actionInput(input));
  if (!result.ok) return result.reason === "invalid" ? { ok: false, error: "invalid", fieldErrors: result.fieldErrors } : { ok: false, error: "not-allowed" };

  const now = new Date();
  const data: Prisma.DealUpdateManyMutationInput = { stage: result.stage, ...result.changes, version: { increment: 1 } };
  for (const stamp of result.stamps) data[stamp] = now;
  const comment = input.comment;
  const changed = await prisma.$transaction(async (tx) => {
    // Two people acting on what they both saw: only the first update matches the version.
    const { count } = await tx.deal.updateMany({ where: { id, version: input.version }, data });
    if (count === 0) return false;
    await tx.dealTransition.create({ data: { dealId: id, fromStage: deal.stage, toStage: result.stage, actorId: actor.id, comment, createdAt: now } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "deal.transition",
        entityType: "Deal",
        entityId: id,
        data: {
          action: input.action,
          from: deal.stage,
          to: result.stage,
          ...(result.changes.agreedValue !== undefined
            ? { agreementType: result.changes.agreementType!, agreedValue: result.changes.agreedValue.toString(), agreedCurrency: result.changes.agreedCurrency! }
            : {}),
          ...(result.changes.lostReason ? { lostReason: result.changes.lostReason } : {}),
        },
        ipAddress: meta.ipAddress ?? null,
      },
      tx,
    );
    await notifyOrganisations(
      tx,
      [deal.providerOrgId, deal.seekerOrgId],
      {
        type: "DEAL_STAGE_CHANGED",
        data: { dealId: id, dealTitle: deal.title, fromStage: deal.stage, toStage: result.stage, ...(comment ? { comment } : {}) },
        url: `/deals/${id}`,
      },
      { exceptUserId: actor.id, alsoUserIds: [deal.assignedBrokerId] },
    );
    return true;
  });
  return changed ? { ok: true, stage: result.stage } : { ok: false, error: "stale" };
}

// ─── Assignment ─────────────────────────────────────────────────────────────

async function setBroker(actor: Actor, id: string, version: number, brokerId: string, previous: string | null, meta: Meta) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.deal.updateMany({ where: { id, version }, data: { assignedBrokerId: brokerId, version: { increment: 1 } } });
    if (count === 0) return false;
    await recordAudit(
      { actorId: actor.id, action: "deal.assign", entityType: "Deal", entityId: id, data: { from: previous, to: brokerId }, ipAddress: meta.ipAddress ?? null },
      tx,
    );
    return true;
  });
}

/** A broker takes responsibility for a deal nobody carries yet. */
export async function takeDeal(actor: Actor, id: string, version: number, meta: Meta = {}): Promise<DealChangeResult | { ok: true }> {
  const deal = await findReadable(actor, id, { id: true, stage: true, version: true, assignedBrokerId: true });
  if (!isDealBroker(actor)) throw forbidden();
  if (deal.version !== version) return { ok: false, error: "stale" };
  if (!mayTake(actor, deal)) return { ok: false, error: "not-allowed" };
  return (await setBroker(actor, id, version, actor.id, null, meta)) ? { ok: true } : { ok: false, error: "stale" };
}

/** An admin hands a deal to a broker (or takes it back from one). */
export async function assignDeal(actor: Actor, id: string, version: number, brokerId: string, meta: Meta = {}): Promise<DealChangeResult | { ok: true }> {
  const deal = await findReadable(actor, id, { id: true, version: true, assignedBrokerId: true });
  if (!mayAssign(actor)) throw forbidden();
  if (deal.version !== version) return { ok: false, error: "stale" };
  const broker = await prisma.user.findFirst({ where: { id: brokerId, ...assignableBrokerWhere }, select: { id: true } });
  if (!broker) return { ok: false, error: "invalid", fieldErrors: { brokerId: ["errors.chooseOne"] } };
  if (deal.assignedBrokerId === brokerId) return { ok: true };
  return (await setBroker(actor, id, version, brokerId, deal.assignedBrokerId, meta)) ? { ok: true } : { ok: false, error: "stale" };
}

// ─── The deal page ──────────────────────────────────────────────────────────

const orgSelect = { select: { id: true, name: true, kind: true } } as const;
const listingSelect = { select: { id: true, title: true, type: true, language: true, status: true } } as const;

const pageSelect = {
  id: true,
  title: true,
  stage: true,
  stageBeforeHold: true,
  version: true,
  createdAt: true,
  agreementType: true,
  agreedValue: true,
  agreedCurrency: true,
  agreedAt: true,
  completedAt: true,
  lostReason: true,
  closedAt: true,
  inquiryId: true,
  matchId: true,
  assignedBrokerId: true,
  providerOrg: orgSelect,
  seekerOrg: orgSelect,
  offerListing: listingSelect,
  requestListing: listingSelect,
  assignedBroker: { select: { id: true, name: true } },
  openedBy: { select: { name: true } },
  match: { select: { id: true, score: true } },
  transitions: {
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, fromStage: true, toStage: true, comment: true, createdAt: true, actor: { select: { name: true } } },
  },
} satisfies Prisma.DealSelect;

/**
 * Everything the deal page shows, with what the actor may do to it. Money is a
 * string (BigInt does not survive JSON); the thread is read-only here.
 */
export async function getDealPage(actor: Actor, id: string) {
  const { agreedValue, ...deal } = await findReadable(actor, id, pageSelect);
  const canTransition = mayTransition(actor, deal);
  const canAssign = mayAssign(actor);
  const [thread, brokers] = await Promise.all([
    deal.inquiryId ? listInquiryMessages(deal.inquiryId) : Promise.resolve(null),
    canAssign
      ? prisma.user.findMany({ where: assignableBrokerWhere, orderBy: { name: "asc" }, take: 200, select: { id: true, name: true } })
      : Promise.resolve([] as { id: string; name: string }[]),
  ]);
  return {
    deal: { ...deal, agreedValue: agreedValue === null ? null : agreedValue.toString() },
    thread,
    permissions: {
      actions: canTransition ? availableActions(deal) : [],
      canTake: mayTake(actor, deal),
      canAssign,
    },
    brokers,
  };
}
export type DealPage = Awaited<ReturnType<typeof getDealPage>>;
