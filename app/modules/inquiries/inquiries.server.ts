import { prisma } from "~/lib/db.server.ts";

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
