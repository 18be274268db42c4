import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { can, holds, type Actor } from "~/modules/auth/permissions.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import type { BoardFilters } from "./schema.ts";
import { parseReasons } from "./schema.ts";
import type { ReasonLabels } from "./reasons.ts";

export const BOARD_PAGE_SIZE = 25;

/** What a match page shows of a listing: public data only. */
const sideSelect = {
  id: true,
  type: true,
  title: true,
  language: true,
  organisation: { select: { id: true, name: true } },
  province: { select: { shortNameVi: true, nameEn: true } },
} satisfies Prisma.ListingSelect;

const sectorWhere = (code: string): Prisma.ListingWhereInput => ({
  sectors: { some: { OR: [{ sectorCode: code }, { sector: { parentCode: code } }] } },
});

/** Sector and province labels in both languages, for writing reasons in words. */
export async function getReasonLabels(): Promise<ReasonLabels> {
  const { sectors, provinces } = await getListingFormOptions();
  const sectorLabels: ReasonLabels["sectors"] = {};
  for (const field of sectors) {
    sectorLabels[field.code] = { vi: field.labelVi, en: field.labelEn };
    for (const sub of field.children) sectorLabels[sub.code] = { vi: sub.labelVi, en: sub.labelEn };
  }
  const provinceLabels: ReasonLabels["provinces"] = {};
  for (const p of provinces) provinceLabels[p.code] = { vi: p.shortNameVi, en: p.nameEn };
  return { sectors: sectorLabels, provinces: provinceLabels };
}

/** The broker board: matches by score, best first, filtered; for brokers and admins (match:read:any). */
export async function getMatchBoard(actor: Actor, filters: BoardFilters) {
  if (!holds(actor, "match:read:any")) throw forbidden();
  const and: Prisma.MatchWhereInput[] = [];
  if (filters.status !== "ALL") and.push({ status: filters.status });
  // A suggestion whose listing is no longer public is on its way out; never show it.
  if (filters.status === "SUGGESTED") and.push({ offerListing: publicListingWhere(), requestListing: publicListingWhere() });
  if (filters.min !== undefined) and.push({ score: { gte: filters.min / 100 } });
  if (filters.sector) and.push({ OR: [{ offerListing: sectorWhere(filters.sector) }, { requestListing: sectorWhere(filters.sector) }] });
  const where: Prisma.MatchWhereInput = { AND: and };
  const [rows, total] = await Promise.all([
    prisma.match.findMany({
      where,
      orderBy: [{ score: "desc" }, { id: "asc" }],
      skip: (filters.page - 1) * BOARD_PAGE_SIZE,
      take: BOARD_PAGE_SIZE,
      select: {
        id: true,
        score: true,
        status: true,
        reasons: true,
        computedAt: true,
        introducedAt: true,
        dismissedAt: true,
        deal: { select: { id: true } },
        offerListing: { select: sideSelect },
        requestListing: { select: sideSelect },
      },
    }),
    prisma.match.count({ where }),
  ]);
  return {
    matches: rows.map(({ reasons, ...row }) => ({ ...row, reasons: parseReasons(reasons) })),
    total,
    page: filters.page,
    totalPages: Math.max(1, Math.ceil(total / BOARD_PAGE_SIZE)),
    mayDecide: holds(actor, "match:introduce:any"),
  };
}

/**
 * A listing's suggested and introduced matches, for its owner (match:read:own) or a
 * broker (match:read:any): the other side's public data only, and only while it is
 * published. Anyone else is told the listing does not exist.
 */
export async function getListingMatches(actor: Actor, listingId: string) {
  const listing = await prisma.listing.findUnique({
    where: { id: listingId },
    select: { id: true, type: true, title: true, language: true, status: true, organisationId: true },
  });
  if (!listing || !can(actor, "match:read", { organisationId: listing.organisationId })) throw notFound();
  const isNeed = listing.type === "TECHNOLOGY_REQUEST";
  const rows = await prisma.match.findMany({
    where: isNeed
      ? { requestListingId: listing.id, status: { in: ["SUGGESTED", "INTRODUCED"] }, offerListing: publicListingWhere() }
      : { offerListingId: listing.id, status: { in: ["SUGGESTED", "INTRODUCED"] }, requestListing: publicListingWhere() },
    orderBy: [{ score: "desc" }, { id: "asc" }],
    take: 100,
    select: { id: true, score: true, status: true, reasons: true, offerListing: { select: sideSelect }, requestListing: { select: sideSelect } },
  });
  return {
    listing,
    isBroker: holds(actor, "match:read:any"),
    matches: rows.map((m) => ({
      id: m.id,
      score: m.score,
      status: m.status,
      reasons: parseReasons(m.reasons),
      other: isNeed ? m.offerListing : m.requestListing,
    })),
  };
}

/** GET /api/listings/:id/matches (DESIGN.md §8b): a published listing's current matches, best first; null when not public. */
export async function getPublicMatches(listingId: string) {
  const now = new Date();
  const listing = await prisma.listing.findFirst({ where: { id: listingId, ...publicListingWhere(now) }, select: { id: true, type: true } });
  if (!listing) return null;
  const isNeed = listing.type === "TECHNOLOGY_REQUEST";
  const other = { id: true, externalRef: true, title: true } as const;
  const rows = await prisma.match.findMany({
    where: isNeed
      ? { requestListingId: listing.id, status: { in: ["SUGGESTED", "INTRODUCED"] }, offerListing: publicListingWhere(now) }
      : { offerListingId: listing.id, status: { in: ["SUGGESTED", "INTRODUCED"] }, requestListing: publicListingWhere(now) },
    orderBy: [{ score: "desc" }, { id: "asc" }],
    take: 100,
    select: { score: true, reasons: true, offerListing: { select: other }, requestListing: { select: other } },
  });
  return {
    matches: rows.map((m) => {
      const side = isNeed ? m.offerListing : m.requestListing;
      return { id: side.id, externalRef: side.externalRef, title: side.title, score: m.score, reasons: parseReasons(m.reasons) };
    }),
  };
}
