import type { MembershipRole } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import type { OrganisationInput } from "./schema.ts";

/** Creates an organisation with the actor as its OWNER. */
export async function createOrganisation(actor: Actor, input: OrganisationInput, meta: { ipAddress?: string } = {}) {
  if (!holds(actor, "organisation:create:own")) throw forbidden();
  return prisma.$transaction(async (tx) => {
    const organisation = await tx.organisation.create({
      data: {
        name: input.name,
        kind: input.kind,
        description: input.description ?? "",
        website: input.website ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        provinceCode: input.provinceCode ?? null,
        taxCode: input.taxCode ?? null,
        memberships: { create: { userId: actor.id, role: "OWNER" } },
      },
      select: { id: true, name: true },
    });
    await recordAudit(
      { actorId: actor.id, action: "organisation.create", entityType: "Organisation", entityId: organisation.id, data: { name: input.name, kind: input.kind }, ipAddress: meta.ipAddress },
      tx,
    );
    return organisation;
  });
}

export async function listMyOrganisations(userId: string) {
  return prisma.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: {
      role: true,
      organisation: {
        select: {
          id: true,
          name: true,
          kind: true,
          verificationStatus: true,
          province: { select: { shortNameVi: true, nameEn: true } },
          _count: { select: { memberships: true, listings: true } },
        },
      },
    },
  });
}

/** The public profile: what a visitor may see. */
export async function getOrganisationProfile(id: string) {
  return prisma.organisation.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      kind: true,
      description: true,
      website: true,
      countryCode: true,
      verifiedAt: true,
      createdAt: true,
      province: { select: { code: true, shortNameVi: true, nameEn: true } },
      // What the page lists of each (#17: it sent every summary too, never shown), public ones only.
      listings: {
        where: publicListingWhere(),
        orderBy: { publishedAt: "desc" },
        take: 50,
        select: { id: true, type: true, title: true, language: true },
      },
    },
  });
}

function mayManageMembers(actor: Actor, organisationId: string) {
  return actor.ownedOrganisationIds.includes(organisationId) || holds(actor, "membership:manage:any");
}

/** Throws 403 unless the actor manages the organisation's members (its OWNERs, admins), 404 when there is no such organisation. */
export async function requireMemberManager(actor: Actor, organisationId: string) {
  if (!mayManageMembers(actor, organisationId)) throw forbidden();
  const organisation = await prisma.organisation.findUnique({ where: { id: organisationId }, select: { id: true, name: true } });
  if (!organisation) throw notFound();
  return organisation;
}

/** Members of an organisation, for its OWNERs (and admins). */
export async function listMembers(actor: Actor, organisationId: string) {
  const organisation = await prisma.organisation.findUnique({ where: { id: organisationId }, select: { id: true, name: true, kind: true } });
  if (!organisation) throw notFound();
  if (!mayManageMembers(actor, organisationId) && !actor.organisationIds.includes(organisationId)) throw forbidden();
  const members = await prisma.membership.findMany({
    where: { organisationId },
    orderBy: [{ role: "asc" }, { createdAt: "asc" }],
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  return { organisation, members, canManage: mayManageMembers(actor, organisationId) };
}

export type MemberChangeResult = { ok: true } | { ok: false; field: "membershipId"; error: "errors.lastOwner" };

/** Changes or removes a membership; an organisation always keeps at least one OWNER. */
export async function updateMembership(
  actor: Actor,
  organisationId: string,
  membershipId: string,
  change: { role: MembershipRole } | { remove: true },
): Promise<MemberChangeResult> {
  if (!mayManageMembers(actor, organisationId)) throw forbidden();
  return prisma.$transaction(async (tx) => {
    // Lock the organisation's memberships so two owners cannot demote each other at once.
    await tx.$queryRaw`SELECT id FROM "Membership" WHERE "organisationId" = ${organisationId} FOR UPDATE`;
    const membership = await tx.membership.findFirst({ where: { id: membershipId, organisationId }, select: { id: true, role: true, userId: true } });
    if (!membership) throw notFound();
    const losesOwner = membership.role === "OWNER" && ("remove" in change || change.role !== "OWNER");
    if (losesOwner) {
      const owners = await tx.membership.count({ where: { organisationId, role: "OWNER" } });
      if (owners <= 1) return { ok: false as const, field: "membershipId" as const, error: "errors.lastOwner" as const };
    }
    if ("remove" in change) await tx.membership.delete({ where: { id: membership.id } });
    else await tx.membership.update({ where: { id: membership.id }, data: { role: change.role } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "remove" in change ? "membership.remove" : "membership.role",
        entityType: "Membership",
        entityId: membership.id,
        data: { organisationId, userId: membership.userId, ...("role" in change ? { role: change.role } : {}) },
      },
      tx,
    );
    return { ok: true as const };
  });
}

export type OrganisationReference = { id?: string; name?: string; kind?: OrganisationInput["kind"] };
export type FoundOrganisation = { ok: true; id: string } | { ok: false; reason: "unknown-id" | "kind-required" };

/**
 * An organisation named by a catalogue row: by id, else by exact name, else
 * created (without members; the centre acts for it). Call it inside the row's
 * transaction; two imports naming the same new organisation create it once.
 */
export async function findOrCreateOrganisation(tx: Tx, actor: Actor, ref: OrganisationReference): Promise<FoundOrganisation> {
  if (ref.id) {
    const byId = await tx.organisation.findUnique({ where: { id: ref.id }, select: { id: true } });
    if (byId) return { ok: true, id: byId.id };
    if (!ref.name) return { ok: false, reason: "unknown-id" };
  }
  const name = ref.name!;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`techex:organisation:${name}`}))`;
  const byName = await tx.organisation.findFirst({ where: { name }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (byName) return { ok: true, id: byName.id };
  if (!ref.kind) return { ok: false, reason: "kind-required" };
  const created = await tx.organisation.create({ data: { name, kind: ref.kind }, select: { id: true } });
  await recordAudit(
    { actorId: actor.id, action: "organisation.create", entityType: "Organisation", entityId: created.id, data: { name, kind: ref.kind, source: "import" } },
    tx,
  );
  return { ok: true, id: created.id };
}

/**
 * For account deletion: organisations the user is the only OWNER of while others are members,
 * which would be left with nobody to manage them. The person must make someone else an owner first.
 */
export async function organisationsOnlyOwnedBy(tx: Tx, userId: string): Promise<{ id: string; name: string }[]> {
  const owned = await tx.membership.findMany({
    where: { userId, role: "OWNER" },
    select: { organisation: { select: { id: true, name: true, memberships: { select: { userId: true, role: true } } } } },
  });
  return owned
    .map((m) => m.organisation)
    .filter((org) => !org.memberships.some((o) => o.userId !== userId && o.role === "OWNER") && org.memberships.some((o) => o.userId !== userId))
    .map(({ id, name }) => ({ id, name }));
}

/** For account deletion: ends every membership of the user; what the organisations own stays theirs. Returns the organisations left. */
export async function endMembershipsOf(tx: Tx, userId: string): Promise<string[]> {
  const memberships = await tx.membership.findMany({ where: { userId }, select: { organisationId: true } });
  await tx.membership.deleteMany({ where: { userId } });
  return memberships.map((m) => m.organisationId);
}

/** For `npm run users:create`: an organisation's name and kind, or null when no organisation has that id. */
export async function findOrganisationKind(id: string): Promise<{ name: string; kind: string } | null> {
  return prisma.organisation.findUnique({ where: { id }, select: { name: true, kind: true } });
}

/** For `npm run users:create`: makes the user a member of the organisation; an existing membership stays as it is. */
export async function ensureMembership(tx: Tx, organisationId: string, userId: string, role: MembershipRole = "MEMBER"): Promise<void> {
  const existing = await tx.membership.findFirst({ where: { organisationId, userId }, select: { id: true } });
  if (!existing) await tx.membership.create({ data: { organisationId, userId, role } });
}
