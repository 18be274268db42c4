import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";

/**
 * What one listing looks like in the search index: what the search page shows
 * and filters on, with sector labels in both languages and money in VND.
 */
export interface ListingDocument {
  id: string;
  externalRef: string | null;
  type: "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST";
  title: string;
  keywords: string[];
  summary: string;
  /** Labels of the listing's sub-fields and their fields, Vietnamese and English. */
  sectorLabels: string[];
  /** Sub-field codes and their field codes, so "2" finds every "2.x". */
  sectorCodes: string[];
  organisationName: string;
  organisationId: string;
  /** The description as plain text, capped. */
  description: string;
  /** Title, keywords and summary with diacritics folded (đ → d), for queries typed without them. */
  folded: string;
  language: string;
  provinceCode: string | null;
  provinceNames: string[];
  countryCode: string;
  trl: number | null;
  minTrl: number | null;
  ipStatus: string | null;
  transferModes: string[];
  condition: string | null;
  /** Lower price (offers) or upper budget (needs) in VND; USD converted at USD_VND_RATE. */
  priceVnd: number | null;
  featured: boolean;
  /** 1 while featured: the last ranking rule, so featured listings lead among equally relevant ones. */
  featuredRank: number;
  publishedAt: number;
  /** Unix seconds of the row's last change, to detect stale documents. */
  updatedAt: number;
}

/** VND per USD for price filters and sorting; a setting, not live market data. */
export const USD_VND_RATE = Number(process.env.USD_VND_RATE ?? 25_000);

export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** Markdown to searchable plain text. */
function plain(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[#>*_`~|-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 8_000);
}

export const documentSelect = {
  id: true,
  externalRef: true,
  type: true,
  title: true,
  keywords: true,
  summary: true,
  description: true,
  language: true,
  provinceCode: true,
  countryCode: true,
  trl: true,
  minTrl: true,
  ipStatus: true,
  transferModes: true,
  condition: true,
  priceMin: true,
  currency: true,
  budgetMax: true,
  budgetCurrency: true,
  featuredUntil: true,
  publishedAt: true,
  updatedAt: true,
  organisation: { select: { id: true, name: true } },
  province: { select: { shortNameVi: true, nameEn: true } },
  sectors: { select: { sector: { select: { code: true, labelVi: true, labelEn: true, parent: { select: { code: true, labelVi: true, labelEn: true } } } } } },
} satisfies Prisma.ListingSelect;

type Row = Prisma.ListingGetPayload<{ select: typeof documentSelect }>;

function toVnd(amount: bigint | null, currency: string | null): number | null {
  if (amount === null || currency === null) return null;
  return currency === "USD" ? Number(amount) * USD_VND_RATE : Number(amount);
}

export function toDocument(row: Row, now = new Date()): ListingDocument {
  const labels = new Set<string>();
  const codes = new Set<string>();
  for (const { sector } of row.sectors) {
    codes.add(sector.code);
    labels.add(sector.labelVi).add(sector.labelEn);
    if (sector.parent) {
      codes.add(sector.parent.code);
      labels.add(sector.parent.labelVi).add(sector.parent.labelEn);
    }
  }
  const featured = row.featuredUntil !== null && row.featuredUntil > now;
  return {
    id: row.id,
    externalRef: row.externalRef,
    type: row.type,
    title: row.title,
    keywords: row.keywords,
    summary: row.summary,
    sectorLabels: [...labels],
    sectorCodes: [...codes],
    organisationName: row.organisation.name,
    organisationId: row.organisation.id,
    description: plain(row.description),
    folded: fold([row.title, row.keywords.join(" "), row.summary].join(" ")),
    language: row.language,
    provinceCode: row.provinceCode,
    provinceNames: row.province ? [row.province.shortNameVi, row.province.nameEn] : [],
    countryCode: row.countryCode,
    trl: row.trl,
    minTrl: row.minTrl,
    ipStatus: row.ipStatus,
    transferModes: row.transferModes,
    condition: row.condition,
    priceVnd: row.type === "TECHNOLOGY_REQUEST" ? toVnd(row.budgetMax, row.budgetCurrency) : toVnd(row.priceMin, row.currency),
    featured,
    featuredRank: featured ? 1 : 0,
    publishedAt: Math.floor((row.publishedAt ?? row.updatedAt).getTime() / 1000),
    updatedAt: Math.floor(row.updatedAt.getTime() / 1000),
  };
}

/** The document for a listing if it is public now, else null (it must leave the index). */
export async function loadDocument(id: string): Promise<ListingDocument | null> {
  const row = await prisma.listing.findFirst({ where: { id, ...publicListingWhere() }, select: documentSelect });
  return row ? toDocument(row) : null;
}

/** Public listings' documents in id order, a page at a time (reindex, reconcile). */
export async function loadDocumentPage(afterId: string | null, take: number): Promise<ListingDocument[]> {
  const rows = await prisma.listing.findMany({
    where: { ...publicListingWhere(), ...(afterId ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take,
    select: documentSelect,
  });
  return rows.map((row) => toDocument(row));
}
