import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import type { Actor } from "~/modules/auth/permissions.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import { assignableBrokerWhere, dealReadWhere, seesPipeline } from "./access.server.ts";
import { BOARD_COLUMN_CAP, CLOSED_PAGE_SIZE, type CLOSED_STAGES, type BoardFilter } from "./schema.ts";
import { DEAL_STAGES, OPEN_STAGES, type DealStage } from "./state-machine.ts";

/** The board's columns: every open stage, then the deals on hold. */
export const BOARD_COLUMNS = [...OPEN_STAGES, "ON_HOLD"] as const satisfies readonly DealStage[];

const cardSelect = {
  id: true,
  title: true,
  stage: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
  agreedValue: true,
  agreedCurrency: true,
  providerOrg: { select: { id: true, name: true } },
  seekerOrg: { select: { id: true, name: true } },
  assignedBroker: { select: { id: true, name: true } },
} satisfies Prisma.DealSelect;

type CardRow = Prisma.DealGetPayload<{ select: typeof cardSelect }>;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Money as a string (BigInt does not survive JSON); age in whole days since the deal opened. */
const toCard = ({ agreedValue, ...d }: CardRow, now = Date.now()) => ({
  ...d,
  agreedValue: agreedValue === null ? null : agreedValue.toString(),
  ageDays: Math.max(0, Math.floor((now - d.createdAt.getTime()) / DAY_MS)),
});
export type DealCard = ReturnType<typeof toCard>;

/** Either listing of the deal matches (a deal joins an offer and a need). */
const eitherListing = (where: Prisma.ListingWhereInput): Prisma.DealWhereInput => ({
  OR: [{ offerListing: where }, { requestListing: where }],
});

function filterWhere(actor: Actor, filter: BoardFilter): Prisma.DealWhereInput {
  const and: Prisma.DealWhereInput[] = [];
  if (filter.broker === "mine") and.push({ assignedBrokerId: actor.id });
  else if (filter.broker === "unassigned") and.push({ assignedBrokerId: null });
  else if (filter.broker) and.push({ assignedBrokerId: filter.broker });
  // A field code (e.g. "2") covers its subfields ("2.11").
  if (filter.sector) and.push(eitherListing({ sectors: { some: { sector: { OR: [{ code: filter.sector }, { parentCode: filter.sector }] } } } }));
  if (filter.province) and.push(eitherListing({ provinceCode: filter.province }));
  return and.length ? { AND: and } : {};
}

/**
 * The brokers' pipeline: one column per open stage and ON_HOLD, each capped with
 * its full count, the closed stages as counts, or one closed stage as a paged list.
 */
export async function getPipelineBoard(actor: Actor, filter: BoardFilter) {
  if (!seesPipeline(actor)) throw notFound();
  const where = filterWhere(actor, filter);
  const [grouped, columns, closed, brokers, options] = await Promise.all([
    prisma.deal.groupBy({ by: ["stage"], where, _count: { _all: true } }),
    filter.stage
      ? Promise.resolve([])
      : Promise.all(
          BOARD_COLUMNS.map(async (stage) => ({
            stage,
            deals: (await prisma.deal.findMany({ where: { AND: [where, { stage }] }, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], take: BOARD_COLUMN_CAP, select: cardSelect })).map((d) => toCard(d)),
          })),
        ),
    filter.stage ? listClosed(where, filter.stage, filter.page ?? 1) : Promise.resolve(null),
    prisma.user.findMany({ where: assignableBrokerWhere, orderBy: { name: "asc" }, take: 200, select: { id: true, name: true } }),
    getListingFormOptions(),
  ]);
  const counts = Object.fromEntries(DEAL_STAGES.map((s) => [s, grouped.find((g) => g.stage === s)?._count._all ?? 0])) as Record<DealStage, number>;
  return {
    columns: columns.map((c) => ({ ...c, total: counts[c.stage] })),
    counts,
    closed,
    filterOptions: { brokers, sectors: options.sectors, provinces: options.provinces },
  };
}

async function listClosed(where: Prisma.DealWhereInput, stage: (typeof CLOSED_STAGES)[number], page: number) {
  const scoped = { AND: [where, { stage }] };
  const [deals, total] = await Promise.all([
    prisma.deal.findMany({ where: scoped, orderBy: [{ closedAt: "desc" }, { id: "asc" }], skip: (page - 1) * CLOSED_PAGE_SIZE, take: CLOSED_PAGE_SIZE, select: cardSelect }),
    prisma.deal.count({ where: scoped }),
  ]);
  return { stage, page, pageSize: CLOSED_PAGE_SIZE, total, deals: deals.map((d) => toCard(d)) };
}

/** A member's view: the deals their organisations take part in, most recently moved first. */
export async function listOrganisationDeals(actor: Actor) {
  const where = dealReadWhere(actor);
  if (!where) throw notFound();
  const deals = await prisma.deal.findMany({ where, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], take: 200, select: cardSelect });
  return deals.map((d) => toCard(d));
}

/** /deals: brokers and admins see the pipeline board, members their organisations' deals. */
export async function getDealsIndex(actor: Actor, filter: BoardFilter) {
  if (seesPipeline(actor)) return { kind: "board" as const, board: await getPipelineBoard(actor, filter) };
  return { kind: "list" as const, deals: await listOrganisationDeals(actor) };
}
