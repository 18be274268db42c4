import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { consumeRateLimit } from "~/modules/auth/rate-limit.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import type { InquiryInput } from "./schema.ts";

/*
 * Inquiries (DESIGN.md §3): one open inquiry per organisation per listing; the two
 * organisations talk in a thread that a broker can take over. A thread's messages
 * are readable only by members of the two organisations and the assigned broker:
 * that rule lives in `readableBy`, inside every query's `where`.
 */

// ---------------------------------------------------------------------------
// Access rules

/** Threads whose messages `actor` may read: their organisations' threads and those assigned to them. */
function readableBy(actor: Actor): Prisma.InquiryWhereInput {
  const or: Prisma.InquiryWhereInput[] = [];
  if (holds(actor, "inquiry:read:own") && actor.organisationIds.length) {
    or.push({ fromOrganisationId: { in: [...actor.organisationIds] } }, { listing: { organisationId: { in: [...actor.organisationIds] } } });
  }
  if (holds(actor, "inquiry:read:assigned")) or.push({ assignedBrokerId: actor.id });
  return { OR: or };
}

/** Threads `actor` may write to (reply, close): the same people, with the update permission. */
function writableBy(actor: Actor): Prisma.InquiryWhereInput {
  const or: Prisma.InquiryWhereInput[] = [];
  if (holds(actor, "inquiry:update:own") && actor.organisationIds.length) {
    or.push({ fromOrganisationId: { in: [...actor.organisationIds] } }, { listing: { organisationId: { in: [...actor.organisationIds] } } });
  }
  if (holds(actor, "inquiry:update:assigned")) or.push({ assignedBrokerId: actor.id });
  return { OR: or };
}

export function canTakeOver(actor: Actor | null) {
  return holds(actor, "inquiry:takeover:any");
}

/** The side `actor` speaks for in a thread: an organisation, or null for the broker (the centre). */
function speakingFor(actor: Actor, inquiry: { fromOrganisationId: string; listing: { organisationId: string } }) {
  if (actor.organisationIds.includes(inquiry.fromOrganisationId)) return inquiry.fromOrganisationId;
  if (actor.organisationIds.includes(inquiry.listing.organisationId)) return inquiry.listing.organisationId;
  return null;
}

// ---------------------------------------------------------------------------
// Creating an inquiry

export type InquiryFormContext = {
  listing: { id: string; title: string; type: "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST"; language: string; organisation: { id: string; name: string } };
  /** The actor's organisations that may inquire, with the open inquiry each already has. */
  organisations: { id: string; name: string; openInquiryId: string | null }[];
  /** The actor belongs to the listing's organisation (it can't inquire about its own listing). */
  isOwner: boolean;
};

/** What the inquiry form needs, or null when the listing is not public. */
export async function getInquiryFormContext(actor: Actor, listingId: string): Promise<InquiryFormContext | null> {
  const listing = await prisma.listing.findFirst({
    where: { id: listingId, ...publicListingWhere() },
    select: { id: true, title: true, type: true, language: true, organisation: { select: { id: true, name: true } } },
  });
  if (!listing) return null;
  const candidates = holds(actor, "inquiry:create:own") ? actor.organisationIds.filter((id) => id !== listing.organisation.id) : [];
  const [organisations, open] = await Promise.all([
    prisma.organisation.findMany({ where: { id: { in: candidates } }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    prisma.inquiry.findMany({
      where: { listingId, status: "OPEN", fromOrganisationId: { in: candidates } },
      select: { id: true, fromOrganisationId: true },
    }),
  ]);
  const openBy = new Map(open.map((i) => [i.fromOrganisationId, i.id]));
  return {
    listing,
    organisations: organisations.map((o) => ({ ...o, openInquiryId: openBy.get(o.id) ?? null })),
    isOwner: actor.organisationIds.includes(listing.organisation.id),
  };
}

/** The per-IP and per-user limits on sending inquiries (DESIGN.md §11). */
export async function checkInquiryRateLimits(actor: Actor, clientIp: string) {
  const byIp = await consumeRateLimit("inquiry", clientIp);
  if (!byIp.allowed) return byIp;
  return consumeRateLimit("inquiryUser", actor.id);
}

export type CreateInquiryResult =
  | { ok: true; id: string; existing: boolean }
  | { ok: false; status: 400 | 404; fieldErrors: Record<string, string[]> };

/**
 * Sends an inquiry for one of the actor's organisations. When that organisation
 * already has an open inquiry about the listing, returns it instead (also when a
 * concurrent request wins the race: the partial unique index decides).
 */
export async function createInquiry(actor: Actor, listingId: string, input: InquiryInput, meta: { ipAddress?: string | null } = {}): Promise<CreateInquiryResult> {
  const listing = await prisma.listing.findFirst({
    where: { id: listingId, ...publicListingWhere() },
    select: { id: true, title: true, organisationId: true },
  });
  if (!listing) return { ok: false, status: 404, fieldErrors: {} };
  const { organisationId } = input;
  if (!holds(actor, "inquiry:create:own") || !actor.organisationIds.includes(organisationId)) {
    return { ok: false, status: 400, fieldErrors: { organisationId: ["errors.chooseOne"] } };
  }
  if (organisationId === listing.organisationId) {
    return { ok: false, status: 400, fieldErrors: { organisationId: ["inquiries.errors.ownListing"] } };
  }
  const existing = await findOpenInquiry(listingId, organisationId);
  if (existing) return { ok: true, id: existing, existing: true };
  try {
    const id = await prisma.$transaction((tx) => writeInquiry(tx, actor, listing, input, meta));
    return { ok: true, id, existing: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findOpenInquiry(listingId, organisationId);
    if (!winner) throw error;
    return { ok: true, id: winner, existing: true };
  }
}

async function findOpenInquiry(listingId: string, organisationId: string) {
  const row = await prisma.inquiry.findFirst({ where: { listingId, fromOrganisationId: organisationId, status: "OPEN" }, select: { id: true } });
  return row?.id ?? null;
}

function isUniqueViolation(error: unknown) {
  const e = error as { code?: string; cause?: { code?: string; originalCode?: string } };
  return e?.code === "P2002" || e?.cause?.code === "23505" || e?.cause?.originalCode === "23505";
}

async function writeInquiry(
  tx: Tx,
  actor: Actor,
  listing: { id: string; title: string; organisationId: string },
  input: InquiryInput,
  meta: { ipAddress?: string | null },
) {
  const now = new Date();
  const inquiry = await tx.inquiry.create({
    data: {
      listingId: listing.id,
      fromOrganisationId: input.organisationId,
      createdById: actor.id,
      need: input.need,
      intendedUse: input.intendedUse,
      timeline: input.timeline,
      lastMessageAt: now,
      messages: { create: { authorId: actor.id, organisationId: input.organisationId, body: input.message, createdAt: now } },
      reads: { create: { userId: actor.id, lastReadAt: now } },
    },
    select: { id: true, fromOrganisation: { select: { name: true } } },
  });
  await recordAudit(
    { actorId: actor.id, action: "inquiry.create", entityType: "Inquiry", entityId: inquiry.id, data: { listingId: listing.id, fromOrganisationId: input.organisationId }, ipAddress: meta.ipAddress },
    tx,
  );
  await notifyOrganisations(
    tx,
    [listing.organisationId],
    {
      type: "INQUIRY_RECEIVED",
      data: { inquiryId: inquiry.id, listingId: listing.id, listingTitle: listing.title, fromOrganisation: inquiry.fromOrganisation.name },
      url: `/inquiries/${inquiry.id}`,
    },
    { exceptUserId: actor.id },
  );
  return inquiry.id;
}

// ---------------------------------------------------------------------------
// Reading a thread

/** A thread with its messages, or null when it does not exist or the actor may not read it. */
export async function getThread(actor: Actor, inquiryId: string) {
  const inquiry = await prisma.inquiry.findFirst({
    where: { AND: [{ id: inquiryId }, readableBy(actor)] },
    select: {
      id: true,
      status: true,
      need: true,
      intendedUse: true,
      timeline: true,
      createdAt: true,
      closedAt: true,
      takenOverAt: true,
      firstAnsweredAt: true,
      fromOrganisationId: true,
      assignedBrokerId: true,
      createdBy: { select: { name: true } },
      assignedBroker: { select: { name: true } },
      fromOrganisation: { select: { id: true, name: true, kind: true } },
      listing: { select: { id: true, title: true, type: true, language: true, organisationId: true, organisation: { select: { id: true, name: true, kind: true } } } },
      deal: { select: { id: true } },
      reads: { where: { userId: actor.id }, select: { lastReadAt: true } },
      messages: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, body: true, createdAt: true, authorId: true, organisationId: true, author: { select: { name: true } }, organisation: { select: { name: true } } },
      },
    },
  });
  if (!inquiry) return null;
  const lastReadAt = inquiry.reads[0]?.lastReadAt ?? null;
  const side = speakingFor(actor, inquiry);
  const messages = inquiry.messages.map((m) => ({
    id: m.id,
    body: m.body,
    createdAt: m.createdAt,
    authorName: m.author?.name ?? null,
    organisationName: m.organisation?.name ?? null,
    side: m.organisationId === null ? ("centre" as const) : m.organisationId === inquiry.fromOrganisationId ? ("inquirer" as const) : ("owner" as const),
    mine: m.authorId === actor.id,
    unread: m.authorId !== actor.id && (lastReadAt === null || m.createdAt > lastReadAt),
  }));
  const isParty = side !== null;
  const isAssignedBroker = inquiry.assignedBrokerId === actor.id;
  const open = inquiry.status === "OPEN";
  const mayWrite = (isParty && holds(actor, "inquiry:update:own")) || (isAssignedBroker && holds(actor, "inquiry:update:assigned"));
  return {
    id: inquiry.id,
    status: inquiry.status,
    need: inquiry.need,
    intendedUse: inquiry.intendedUse,
    timeline: inquiry.timeline,
    createdAt: inquiry.createdAt,
    closedAt: inquiry.closedAt,
    takenOverAt: inquiry.takenOverAt,
    createdByName: inquiry.createdBy?.name ?? null,
    assignedBrokerName: inquiry.assignedBroker?.name ?? null,
    listing: { id: inquiry.listing.id, title: inquiry.listing.title, type: inquiry.listing.type, language: inquiry.listing.language, organisation: inquiry.listing.organisation },
    fromOrganisation: inquiry.fromOrganisation,
    dealId: inquiry.deal?.id ?? null,
    messages,
    unreadCount: messages.filter((m) => m.unread).length,
    viewer: {
      side: side === null ? ("centre" as const) : side === inquiry.fromOrganisationId ? ("inquirer" as const) : ("owner" as const),
      canReply: open && mayWrite,
      canClose: open && mayWrite,
      canOpenDeal: inquiry.deal === null && (isParty || isAssignedBroker),
    },
  };
}
export type Thread = NonNullable<Awaited<ReturnType<typeof getThread>>>;

// ---------------------------------------------------------------------------
// Writing to a thread

export type ThreadResult = { ok: true } | { ok: false; status: 404 | 409; error: string };

const NOT_FOUND: ThreadResult = { ok: false, status: 404, error: "inquiries.errors.notFound" };

/** Adds a reply; notifies the other side and the assigned broker, never the author. */
export async function replyToInquiry(actor: Actor, inquiryId: string, body: string): Promise<ThreadResult> {
  return prisma.$transaction(async (tx) => {
    const inquiry = await tx.inquiry.findFirst({
      where: { AND: [{ id: inquiryId }, writableBy(actor)] },
      select: {
        id: true,
        status: true,
        fromOrganisationId: true,
        assignedBrokerId: true,
        firstAnsweredAt: true,
        fromOrganisation: { select: { name: true } },
        listing: { select: { title: true, organisationId: true, organisation: { select: { name: true } } } },
      },
    });
    if (!inquiry) return NOT_FOUND;
    if (inquiry.status !== "OPEN") return { ok: false, status: 409, error: "inquiries.errors.closed" };
    const side = speakingFor(actor, inquiry);
    const now = new Date();
    await tx.inquiryMessage.create({ data: { inquiryId, authorId: actor.id, organisationId: side, body, createdAt: now } });
    const answered = side === inquiry.listing.organisationId && inquiry.firstAnsweredAt === null;
    // Guarded so two first answers racing each other keep the earlier time.
    if (answered) await tx.inquiry.updateMany({ where: { id: inquiryId, firstAnsweredAt: null }, data: { firstAnsweredAt: now } });
    await tx.inquiry.update({ where: { id: inquiryId }, data: { lastMessageAt: now } });
    await markReadIn(tx, inquiryId, actor.id, now);
    const others =
      side === inquiry.fromOrganisationId
        ? [inquiry.listing.organisationId]
        : side === inquiry.listing.organisationId
          ? [inquiry.fromOrganisationId]
          : [inquiry.fromOrganisationId, inquiry.listing.organisationId];
    const byOrganisation =
      side === inquiry.fromOrganisationId ? inquiry.fromOrganisation.name : side === inquiry.listing.organisationId ? inquiry.listing.organisation.name : await centreName(tx, actor);
    await notifyOrganisations(
      tx,
      others,
      { type: "INQUIRY_ANSWERED", data: { inquiryId, listingTitle: inquiry.listing.title, byOrganisation }, url: `/inquiries/${inquiryId}` },
      { exceptUserId: actor.id, alsoUserIds: [inquiry.assignedBrokerId] },
    );
    return { ok: true } as const;
  });
}

/** How a broker's message is signed: their centre's name. */
async function centreName(tx: Tx, actor: Actor) {
  const centre = await tx.organisation.findFirst({
    where: { id: { in: [...actor.organisationIds] }, kind: "BROKER_CENTER" },
    orderBy: { name: "asc" },
    select: { name: true },
  });
  return centre?.name ?? "Techex";
}

async function markReadIn(tx: Tx, inquiryId: string, userId: string, at: Date) {
  await tx.inquiryRead.upsert({
    where: { inquiryId_userId: { inquiryId, userId } },
    create: { inquiryId, userId, lastReadAt: at },
    update: { lastReadAt: at },
  });
}

/** Records that the actor has read the thread up to now. */
export async function markInquiryRead(actor: Actor, inquiryId: string): Promise<ThreadResult> {
  const inquiry = await prisma.inquiry.findFirst({ where: { AND: [{ id: inquiryId }, readableBy(actor)] }, select: { id: true } });
  if (!inquiry) return NOT_FOUND;
  const now = new Date();
  await prisma.inquiryRead.upsert({
    where: { inquiryId_userId: { inquiryId, userId: actor.id } },
    create: { inquiryId, userId: actor.id, lastReadAt: now },
    update: { lastReadAt: now },
  });
  return { ok: true };
}

/** Closes an open thread; either party or the assigned broker may. */
export async function closeInquiry(actor: Actor, inquiryId: string, meta: { ipAddress?: string | null } = {}): Promise<ThreadResult> {
  return prisma.$transaction(async (tx) => {
    const inquiry = await tx.inquiry.findFirst({ where: { AND: [{ id: inquiryId }, writableBy(actor)] }, select: { id: true, status: true } });
    if (!inquiry) return NOT_FOUND;
    const { count } = await tx.inquiry.updateMany({ where: { id: inquiryId, status: "OPEN" }, data: { status: "CLOSED", closedAt: new Date() } });
    if (count === 0) return { ok: false, status: 409, error: "inquiries.errors.closed" } as const;
    await recordAudit({ actorId: actor.id, action: "inquiry.close", entityType: "Inquiry", entityId: inquiryId, ipAddress: meta.ipAddress }, tx);
    return { ok: true } as const;
  });
}

/**
 * A broker takes an open, unassigned inquiry over; from then on they read and
 * write the thread. Taking over one's own inquiry again is a no-op.
 */
export async function takeOverInquiry(actor: Actor, inquiryId: string, meta: { ipAddress?: string | null } = {}): Promise<ThreadResult> {
  if (!canTakeOver(actor)) return NOT_FOUND;
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.inquiry.updateMany({
      where: { id: inquiryId, status: "OPEN", assignedBrokerId: null },
      data: { assignedBrokerId: actor.id, takenOverAt: now },
    });
    if (count === 0) {
      const mine = await tx.inquiry.findFirst({ where: { id: inquiryId, assignedBrokerId: actor.id }, select: { id: true } });
      if (mine) return { ok: true } as const;
      const exists = await tx.inquiry.findFirst({ where: { id: inquiryId }, select: { status: true } });
      if (!exists) return NOT_FOUND;
      return { ok: false, status: 409, error: exists.status === "OPEN" ? "inquiries.errors.alreadyTaken" : "inquiries.errors.closed" } as const;
    }
    // The broker starts with nothing unread: what came before the take-over is context, not news.
    await markReadIn(tx, inquiryId, actor.id, now);
    await recordAudit({ actorId: actor.id, action: "inquiry.takeover", entityType: "Inquiry", entityId: inquiryId, ipAddress: meta.ipAddress }, tx);
    return { ok: true } as const;
  });
}

// ---------------------------------------------------------------------------
// The inbox

const summarySelect = {
  id: true,
  status: true,
  createdAt: true,
  lastMessageAt: true,
  takenOverAt: true,
  fromOrganisation: { select: { id: true, name: true } },
  listing: { select: { id: true, title: true, type: true, language: true, organisation: { select: { id: true, name: true } } } },
  assignedBroker: { select: { name: true } },
} as const;

const INBOX_PAGE = 100;

/** Unread messages per thread the actor may read (messages by others, newer than their last read). */
async function unreadCounts(actor: Actor): Promise<Map<string, number>> {
  const orgs = holds(actor, "inquiry:read:own") ? [...actor.organisationIds] : [];
  const assigned = holds(actor, "inquiry:read:assigned");
  const rows = await prisma.$queryRaw<{ id: string; unread: number }[]>`
    SELECT m."inquiryId" AS id, count(*)::int AS unread
    FROM "InquiryMessage" m
    JOIN "Inquiry" i ON i.id = m."inquiryId"
    JOIN "Listing" l ON l.id = i."listingId"
    LEFT JOIN "InquiryRead" r ON r."inquiryId" = i.id AND r."userId" = ${actor.id}
    WHERE (i."fromOrganisationId" = ANY(${orgs}::text[]) OR l."organisationId" = ANY(${orgs}::text[]) OR (${assigned} AND i."assignedBrokerId" = ${actor.id}))
      AND m."authorId" IS DISTINCT FROM ${actor.id}
      AND (r."lastReadAt" IS NULL OR m."createdAt" > r."lastReadAt")
    GROUP BY m."inquiryId"`;
  return new Map(rows.map((r) => [r.id, Number(r.unread)]));
}

/** The total of unread messages over every thread the actor takes part in (for a badge). */
export async function countUnreadInquiryMessages(actor: Actor) {
  let total = 0;
  for (const n of (await unreadCounts(actor)).values()) total += n;
  return total;
}

/**
 * The inbox: inquiries received by the actor's organisations, sent by them, and
 * assigned to the actor as broker, each with its unread count; for brokers also
 * the open inquiries nobody has taken over (metadata only, never messages).
 */
export async function getInbox(actor: Actor) {
  const orgs = holds(actor, "inquiry:read:own") ? [...actor.organisationIds] : [];
  const order = [{ lastMessageAt: "desc" as const }, { id: "asc" as const }];
  const [received, sent, assigned, available, unread] = await Promise.all([
    orgs.length
      ? prisma.inquiry.findMany({ where: { listing: { organisationId: { in: orgs } } }, orderBy: order, take: INBOX_PAGE, select: summarySelect })
      : [],
    orgs.length ? prisma.inquiry.findMany({ where: { fromOrganisationId: { in: orgs } }, orderBy: order, take: INBOX_PAGE, select: summarySelect }) : [],
    holds(actor, "inquiry:read:assigned")
      ? prisma.inquiry.findMany({ where: { assignedBrokerId: actor.id }, orderBy: order, take: INBOX_PAGE, select: summarySelect })
      : [],
    canTakeOver(actor)
      ? prisma.inquiry.findMany({ where: { status: "OPEN", assignedBrokerId: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: INBOX_PAGE, select: summarySelect })
      : [],
    unreadCounts(actor),
  ]);
  const withUnread = (rows: typeof received) => rows.map((r) => ({ ...r, unread: unread.get(r.id) ?? 0 }));
  let totalUnread = 0;
  for (const n of unread.values()) totalUnread += n;
  return {
    received: withUnread(received),
    sent: withUnread(sent),
    assigned: withUnread(assigned),
    // Metadata only: no messages, no answers, no unread counts for threads the broker can't read.
    available: available.map((r) => ({ ...r, unread: 0 })),
    totalUnread,
    canTakeOver: canTakeOver(actor),
  };
}
export type InboxRow = Awaited<ReturnType<typeof getInbox>>["received"][number];

/** For the listing page: the actor's open inquiry about this listing, if any. */
export async function findOpenInquiryFor(actor: Actor, listingId: string) {
  if (!actor.organisationIds.length) return null;
  const row = await prisma.inquiry.findFirst({
    where: { listingId, status: "OPEN", fromOrganisationId: { in: [...actor.organisationIds] } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  return row?.id ?? null;
}

// ---------------------------------------------------------------------------
// For the deals module

export interface InquiryMessageView {
  id: string;
  body: string;
  createdAt: Date;
  authorName: string | null;
  /** null for a broker's message: the centre speaks. */
  organisationName: string | null;
}

/**
 * A thread's messages, oldest first, for the deal page. No access check here:
 * the caller has already checked that the actor may read the deal.
 */
export async function listInquiryMessages(inquiryId: string): Promise<InquiryMessageView[]> {
  const rows = await prisma.inquiryMessage.findMany({
    where: { inquiryId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      body: true,
      createdAt: true,
      author: { select: { name: true } },
      organisation: { select: { name: true } },
    },
  });
  return rows.map((m) => ({
    id: m.id,
    body: m.body,
    createdAt: m.createdAt,
    authorName: m.author?.name ?? null,
    organisationName: m.organisation?.name ?? null,
  }));
}

export interface InquiryForDeal {
  id: string;
  status: "OPEN" | "CLOSED";
  listingId: string;
  listingType: "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST";
  listingTitle: string;
  listingOrganisationId: string;
  fromOrganisationId: string;
  assignedBrokerId: string | null;
  hasDeal: boolean;
}

/** What the deals module needs to open a deal from an inquiry (no access check). */
export async function getInquiryForDeal(inquiryId: string): Promise<InquiryForDeal | null> {
  const row = await prisma.inquiry.findUnique({
    where: { id: inquiryId },
    select: {
      id: true,
      status: true,
      listingId: true,
      fromOrganisationId: true,
      assignedBrokerId: true,
      listing: { select: { type: true, title: true, organisationId: true } },
      deal: { select: { id: true } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    listingId: row.listingId,
    listingType: row.listing.type,
    listingTitle: row.listing.title,
    listingOrganisationId: row.listing.organisationId,
    fromOrganisationId: row.fromOrganisationId,
    assignedBrokerId: row.assignedBrokerId,
    hasDeal: row.deal !== null,
  };
}
