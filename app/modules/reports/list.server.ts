/**
 * The rows behind each dashboard figure, for the same period and with the same
 * definitions as metrics.server.ts, a page at a time. Read-only queries across
 * the other modules' tables: the reporting exception of
 * docs/decisions/008-reporting-queries.md.
 */
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { sqlInstant } from "./metrics.server.ts";
import type { Period } from "./period.ts";
import type { ListMetric, ListQuery } from "./schema.ts";
import type { AgreedDealRow } from "./tables.ts";

export const LIST_PAGE_SIZE = 50;

export type ListCell =
  | { text: string; href?: string; lang?: string }
  | { label: string }
  | { date: string | null }
  | { money: string | null; currency: string | null }
  | { hours: number | null };

export interface ListPage {
  metric: ListMetric;
  /** Catalogue keys of the column headings. */
  columns: string[];
  rows: ListCell[][];
  total: number;
  page: number;
  pageSize: number;
}

type Range = { gte: Date; lt: Date };

const iso = (d: Date | null) => d?.toISOString() ?? null;
const hoursBetween = (a: Date, b: Date | null) => (b ? (b.getTime() - a.getTime()) / 3_600_000 : null);

/** The sectors a `sector` filter covers: a field code covers its sub-fields. */
function sectorWhere(code: string): Prisma.ListingWhereInput {
  return code.includes(".")
    ? { sectors: { some: { sectorCode: code } } }
    : { sectors: { some: { OR: [{ sectorCode: code }, { sector: { parentCode: code } }] } } };
}

async function listings(range: Range, q: ListQuery, skip: number): Promise<Omit<ListPage, "metric" | "page" | "pageSize">> {
  const where: Prisma.ListingWhereInput = {
    publishedAt: range,
    ...(q.type ? { type: q.type } : {}),
    ...(q.province ? { provinceCode: q.province === "none" ? null : q.province } : {}),
    ...(q.sector ? sectorWhere(q.sector) : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.listing.count({ where }),
    prisma.listing.findMany({
      where,
      orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
      skip,
      take: LIST_PAGE_SIZE,
      select: { id: true, title: true, language: true, type: true, status: true, publishedAt: true, provinceCode: true, organisation: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    total,
    columns: ["reports.columns.listing", "reports.columns.type", "reports.columns.status", "reports.columns.organisation", "reports.columns.province", "reports.columns.publishedAt"],
    rows: rows.map((l) => [
      { text: l.title, href: `/moderation/${l.id}`, lang: l.language },
      { label: `listingType.${l.type}` },
      { label: `reports.listingStatus.${l.status}` },
      { text: l.organisation.name, href: `/orgs/${l.organisation.id}` },
      { text: l.provinceCode ?? "—" },
      { date: iso(l.publishedAt) },
    ]),
  };
}

async function organisations(range: Range, q: ListQuery, skip: number, active: boolean) {
  const where: Prisma.OrganisationWhereInput = active
    ? {
        OR: [
          { listings: { some: { publishedAt: range } } },
          { inquiriesSent: { some: { createdAt: range } } },
          { dealsAsProvider: { some: { transitions: { some: { createdAt: range } } } } },
          { dealsAsSeeker: { some: { transitions: { some: { createdAt: range } } } } },
        ],
      }
    : { createdAt: range };
  if (q.kind) where.kind = q.kind;
  const [total, rows] = await Promise.all([
    prisma.organisation.count({ where }),
    prisma.organisation.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip, take: LIST_PAGE_SIZE, select: { id: true, name: true, kind: true, provinceCode: true, createdAt: true } }),
  ]);
  return {
    total,
    columns: ["reports.columns.organisation", "reports.columns.kind", "reports.columns.province", "reports.columns.joinedAt"],
    rows: rows.map((o): ListCell[] => [{ text: o.name, href: `/orgs/${o.id}` }, { label: `orgKind.${o.kind}` }, { text: o.provinceCode ?? "—" }, { date: iso(o.createdAt) }]),
  };
}

/** Inquiries answered at most 48 h after creation: a column comparison Prisma cannot express, so the ids come from SQL. */
async function within48hIds(period: Period) {
  const rows = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT id FROM "Inquiry"
    WHERE "createdAt" >= ${sqlInstant(period.start)}::timestamp AND "createdAt" < ${sqlInstant(period.end)}::timestamp
      AND "firstAnsweredAt" <= "createdAt" + interval '48 hours'`);
  return rows.map((r) => r.id);
}

async function inquiries(period: Period, range: Range, q: ListQuery, skip: number) {
  const where: Prisma.InquiryWhereInput = { createdAt: range };
  if (q.filter === "answered") where.firstAnsweredAt = { not: null };
  if (q.filter === "converted") where.deal = { transitions: { some: { toStage: "AGREEMENT_REACHED" } } };
  if (q.filter === "within48h") where.id = { in: await within48hIds(period) };
  const [total, rows] = await Promise.all([
    prisma.inquiry.count({ where }),
    prisma.inquiry.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip,
      take: LIST_PAGE_SIZE,
      select: {
        id: true,
        createdAt: true,
        firstAnsweredAt: true,
        status: true,
        listing: { select: { id: true, title: true, language: true } },
        fromOrganisation: { select: { id: true, name: true } },
        deal: { select: { id: true, stage: true } },
      },
    }),
  ]);
  return {
    total,
    columns: ["reports.columns.listing", "reports.columns.from", "reports.columns.receivedAt", "reports.columns.firstAnswer", "reports.columns.deal"],
    rows: rows.map((i): ListCell[] => [
      { text: i.listing.title, href: `/inquiries/${i.id}`, lang: i.listing.language },
      { text: i.fromOrganisation.name, href: `/orgs/${i.fromOrganisation.id}` },
      { date: iso(i.createdAt) },
      { hours: hoursBetween(i.createdAt, i.firstAnsweredAt) },
      i.deal ? { label: `reports.stage.${i.deal.stage}` } : { text: "—" },
    ]),
  };
}

async function matches(range: Range, skip: number, introduced: boolean) {
  const where: Prisma.MatchWhereInput = introduced ? { introducedAt: range } : { computedAt: range };
  const [total, rows] = await Promise.all([
    prisma.match.count({ where }),
    prisma.match.findMany({
      where,
      orderBy: [introduced ? { introducedAt: "desc" } : { computedAt: "desc" }, { id: "asc" }],
      skip,
      take: LIST_PAGE_SIZE,
      select: {
        id: true,
        score: true,
        status: true,
        computedAt: true,
        introducedAt: true,
        offerListing: { select: { id: true, title: true, language: true } },
        requestListing: { select: { id: true, title: true, language: true } },
      },
    }),
  ]);
  return {
    total,
    columns: ["reports.columns.request", "reports.columns.offer", "reports.columns.score", "reports.columns.status", introduced ? "reports.columns.introducedAt" : "reports.columns.computedAt"],
    rows: rows.map((m): ListCell[] => [
      { text: m.requestListing.title, href: `/listings/${m.requestListing.id}`, lang: m.requestListing.language },
      { text: m.offerListing.title, href: `/listings/${m.offerListing.id}`, lang: m.offerListing.language },
      { text: `${Math.round(m.score * 100)}%` },
      { label: `reports.matchStatus.${m.status}` },
      { date: iso(introduced ? m.introducedAt : m.computedAt) },
    ]),
  };
}

const dealSelect = {
  id: true,
  title: true,
  stage: true,
  createdAt: true,
  agreedAt: true,
  completedAt: true,
  agreementType: true,
  agreedValue: true,
  agreedCurrency: true,
  providerOrg: { select: { id: true, name: true } },
  seekerOrg: { select: { id: true, name: true } },
} satisfies Prisma.DealSelect;

async function deals(range: Range, q: ListQuery, skip: number, metric: "deals-opened" | "deals-reached" | "deals-agreed" | "deals-completed") {
  const where: Prisma.DealWhereInput =
    metric === "deals-opened"
      ? { createdAt: range, ...(q.stage ? { stage: q.stage } : {}) }
      : metric === "deals-reached"
        ? { transitions: { some: { createdAt: range, ...(q.stage ? { toStage: q.stage } : {}) } } }
        : metric === "deals-agreed"
          ? { agreedAt: range, ...(q.currency ? { agreedCurrency: q.currency } : {}) }
          : { completedAt: range };
  const orderBy: Prisma.DealOrderByWithRelationInput =
    metric === "deals-agreed" ? { agreedAt: "desc" } : metric === "deals-completed" ? { completedAt: "desc" } : { createdAt: "desc" };
  const [total, rows] = await Promise.all([
    prisma.deal.count({ where }),
    prisma.deal.findMany({ where, orderBy: [orderBy, { id: "asc" }], skip, take: LIST_PAGE_SIZE, select: dealSelect }),
  ]);
  return {
    total,
    columns: ["reports.columns.deal", "reports.columns.provider", "reports.columns.seeker", "reports.columns.stage", "reports.columns.openedAt", "reports.columns.agreedAt", "reports.columns.value"],
    rows: rows.map((d): ListCell[] => [
      { text: d.title, href: `/deals/${d.id}` },
      { text: d.providerOrg.name, href: `/orgs/${d.providerOrg.id}` },
      { text: d.seekerOrg.name, href: `/orgs/${d.seekerOrg.id}` },
      { label: `reports.stage.${d.stage}` },
      { date: iso(d.createdAt) },
      { date: iso(d.agreedAt) },
      { money: d.agreedValue?.toString() ?? null, currency: d.agreedCurrency },
    ]),
  };
}

async function payments(range: Range, q: ListQuery, skip: number) {
  const where: Prisma.PaymentWhereInput = {
    status: { in: ["PAID", "REFUNDED"] },
    OR: [{ paidAt: range }, { status: "REFUNDED", refundedAt: range }],
    ...(q.purpose ? { purpose: q.purpose } : {}),
    ...(q.currency ? { currency: q.currency } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.payment.count({ where }),
    prisma.payment.findMany({
      where,
      orderBy: [{ paidAt: "desc" }, { id: "asc" }],
      skip,
      take: LIST_PAGE_SIZE,
      select: { id: true, purpose: true, status: true, amount: true, currency: true, paidAt: true, refundedAt: true, organisation: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    total,
    columns: ["reports.columns.organisation", "reports.columns.purpose", "reports.columns.status", "reports.columns.amount", "reports.columns.paidAt", "reports.columns.refundedAt"],
    rows: rows.map((p): ListCell[] => [
      { text: p.organisation.name, href: `/orgs/${p.organisation.id}` },
      { label: `reports.purpose.${p.purpose}` },
      { label: `reports.paymentStatus.${p.status}` },
      { money: p.amount.toString(), currency: p.currency },
      { date: iso(p.paidAt) },
      { date: iso(p.refundedAt) },
    ]),
  };
}

/** One page of the rows behind `query.metric` in the period. */
export async function listMetricRows(period: Period, query: ListQuery): Promise<ListPage> {
  const range: Range = { gte: period.start, lt: period.end };
  const skip = (query.page - 1) * LIST_PAGE_SIZE;
  const metric = query.metric;
  const result =
    metric === "listings"
      ? await listings(range, query, skip)
      : metric === "organisations-joined" || metric === "organisations-active"
        ? await organisations(range, query, skip, metric === "organisations-active")
        : metric === "inquiries"
          ? await inquiries(period, range, query, skip)
          : metric === "matches-suggested" || metric === "matches-introduced"
            ? await matches(range, skip, metric === "matches-introduced")
            : metric === "payments"
              ? await payments(range, query, skip)
              : await deals(range, query, skip, metric);
  return { metric, ...result, page: query.page, pageSize: LIST_PAGE_SIZE };
}

/** Deals agreed in the period, newest first, for the annual report and its CSV (at most `limit`). */
export async function listAgreedDeals(period: Period, limit = 1000): Promise<AgreedDealRow[]> {
  const rows = await prisma.deal.findMany({
    where: { agreedAt: { gte: period.start, lt: period.end } },
    orderBy: [{ agreedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: dealSelect,
  });
  return rows.map((d) => ({
    id: d.id,
    title: d.title,
    provider: d.providerOrg.name,
    seeker: d.seekerOrg.name,
    agreementType: d.agreementType,
    agreedAt: d.agreedAt!.toISOString(),
    value: d.agreedValue?.toString() ?? null,
    currency: d.agreedCurrency,
  }));
}
