/**
 * Deal scenarios: the two parties (each an organisation with a member), a
 * broker of the centre, the listings and a deal between them.
 */
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { createDeal, createDealTransition, createListing, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./index.ts";

/** A broker: a member of a broker centre with the broker role. */
export async function createBroker(overrides: { name?: string; admin?: boolean } = {}) {
  const user = await createUser({ name: overrides.name ?? "Trần Môi Giới", roles: overrides.admin ? ["member", "broker", "admin"] : ["member", "broker"] });
  const centre = await createOrganisation({ kind: "BROKER_CENTER", name: `Trung tâm ${user.id}` });
  await createMembership(user.id, centre.id);
  return user;
}

/** Provider and seeker organisations, each with an owner, and an offer listing of the provider. */
export async function createParties(options: { offer?: Parameters<typeof createListing>[1]; request?: Parameters<typeof createListing>[1] | false } = {}) {
  const provider = await createMemberWithOrganisation({ user: { name: "Lê Bên Bán" }, organisation: { name: "Viện Công nghệ Sau thu hoạch" } });
  const seeker = await createMemberWithOrganisation({ user: { name: "Phạm Bên Mua" }, organisation: { name: "Công ty CP Thực phẩm Mê Kông" } });
  const offer = await createListing(provider.organisation.id, options.offer);
  const request = options.request === false ? null : await createListing(seeker.organisation.id, { type: "TECHNOLOGY_REQUEST", ...options.request });
  return { provider, seeker, offer, request };
}

/** A deal between the parties at `stage`, with its opening history row. */
export async function createDealBetween(
  parties: Awaited<ReturnType<typeof createParties>>,
  overrides: Partial<Prisma.DealUncheckedCreateInput> = {},
) {
  const deal = await createDeal(parties.provider.organisation.id, parties.seeker.organisation.id, {
    title: parties.offer.title,
    offerListingId: parties.offer.id,
    requestListingId: parties.request?.id ?? null,
    ...overrides,
  });
  await createDealTransition(deal.id, { fromStage: null, toStage: deal.stage, actorId: overrides.assignedBrokerId ?? null });
  return prisma.deal.findUniqueOrThrow({ where: { id: deal.id } });
}
