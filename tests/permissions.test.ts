import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor, requirePermission } from "~/modules/auth/actor.server.ts";
import { can, scopeOf, type Actor, type PermissionString } from "~/modules/auth/permissions.ts";
import { grantRole, revokeRole } from "~/modules/auth/roles.server.ts";
import { action as membersAction, loader as membersLoader } from "~/routes/orgs.$id_.members.tsx";
import { action as newOrgAction } from "~/routes/orgs.new.tsx";
import { action as adminUsersAction } from "~/routes/admin.users.tsx";
import { startSession } from "~/modules/auth/session.server.ts";
import { createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

function actorWith(permissions: PermissionString[], organisationIds: string[] = [], id = "u1"): Actor {
  return { id, permissions: new Set(permissions), organisationIds, ownedOrganisationIds: [], roles: [] };
}

async function cookieFor(userId: string) {
  const header = await startSession(userId, getRequest("/"), { clientIp: "203.0.113.1" });
  return header.split(";")[0]!;
}

describe("the typed permission check", () => {
  it("grants 'own' only for the actor's organisations", () => {
    const actor = actorWith(["listing:update:own"], ["org-a"]);
    expect(can(actor, "listing:update", { organisationId: "org-a" })).toBe(true);
    expect(can(actor, "listing:update", { organisationId: "org-b" })).toBe(false);
    expect(can(actor, "listing:update", {})).toBe(false);
    expect(can(actor, "listing:moderate", { organisationId: "org-a" })).toBe(false);
  });

  it("grants 'assigned' only for objects assigned to the actor", () => {
    const actor = actorWith(["deal:update:assigned"], [], "broker-1");
    expect(can(actor, "deal:update", { assignedUserId: "broker-1" })).toBe(true);
    expect(can(actor, "deal:update", { assignedUserId: "broker-2" })).toBe(false);
  });

  it("grants 'any' for every object, and nothing to a visitor", () => {
    expect(can(actorWith(["listing:moderate:any"]), "listing:moderate", { organisationId: "x" })).toBe(true);
    expect(can(null, "listing:read", { organisationId: "x" })).toBe(false);
    expect(scopeOf(null, "listing:read")).toBeNull();
  });

  it("gives the query scope to put in a where clause", () => {
    expect(scopeOf(actorWith(["listing:update:own"], ["a", "b"]), "listing:update")).toEqual({ access: "own", organisationIds: ["a", "b"] });
    expect(scopeOf(actorWith(["listing:update:own"], []), "listing:update")).toBeNull();
    expect(scopeOf(actorWith(["listing:update:own", "listing:update:any"], ["a"]), "listing:update")).toEqual({ access: "any" });
    expect(scopeOf(actorWith(["inquiry:read:own", "inquiry:read:assigned"], ["a"], "me"), "inquiry:read")).toEqual({
      access: "own-or-assigned",
      organisationIds: ["a"],
      userId: "me",
    });
  });

  it("throws 403 from requirePermission", () => {
    const thrown = (() => {
      try {
        requirePermission(actorWith(["listing:update:own"], ["a"]), "listing:update", { organisationId: "b" });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
  });
});

describe("roles loaded from the database", () => {
  it("gives a member, a broker and an admin what their roles list", async () => {
    const { user: member, organisation } = await createMemberWithOrganisation();
    const broker = await createUser({ roles: ["member", "broker"] });
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    const m = (await loadActor(member.id))!;
    const b = (await loadActor(broker.id))!;
    const a = (await loadActor(admin.id))!;
    expect(m.organisationIds).toEqual([organisation.id]);
    expect(m.ownedOrganisationIds).toEqual([organisation.id]);
    expect(can(m, "listing:update", { organisationId: organisation.id })).toBe(true);
    expect(can(m, "listing:moderate", { organisationId: organisation.id })).toBe(false);
    expect(can(b, "listing:moderate", { organisationId: organisation.id })).toBe(true);
    expect(can(b, "role:manage", {})).toBe(false);
    expect(can(a, "role:manage", {})).toBe(true);
    expect([...a.roles].sort()).toEqual(["admin", "broker", "member"]);
  });

  it("loads nobody for a disabled account", async () => {
    const user = await createUser({ disabledAt: new Date() });
    expect(await loadActor(user.id)).toBeNull();
  });

  it("grants broker only to a member of a broker centre, and keeps the last admin", async () => {
    const admin = await createUser({ roles: ["member", "admin"] });
    const adminActor = (await loadActor(admin.id))!;
    const plain = await createUser();
    expect(await grantRole(adminActor, plain.id, "broker")).toEqual({ ok: false, error: "errors.brokerNeedsCentre" });
    const centre = await createOrganisation({ kind: "BROKER_CENTER" });
    await createMembership(plain.id, centre.id);
    expect(await grantRole(adminActor, plain.id, "broker")).toEqual({ ok: true });
    expect((await loadActor(plain.id))!.roles).toContain("broker");
    expect(await prisma.auditLog.count({ where: { action: "role.grant", entityId: plain.id, actorId: admin.id } })).toBe(1);
    // Other admins may exist in this file's database; revoke them all but one to test the guard.
    const admins = await prisma.userRole.findMany({ where: { role: { name: "admin" } }, select: { userId: true } });
    for (const { userId } of admins.filter((r) => r.userId !== admin.id)) await prisma.userRole.deleteMany({ where: { userId, role: { name: "admin" } } });
    expect(await revokeRole(adminActor, admin.id, "admin")).toEqual({ ok: false, error: "errors.lastAdmin" });
  });

  it("refuses role changes by a non-admin, through the route (403, nothing changes)", async () => {
    const broker = await createUser({ roles: ["member", "broker"] });
    const target = await createUser();
    const response = await settle(
      call(adminUsersAction, await formRequest("/admin/users", { intent: "grant", userId: target.id, role: "admin" }, { cookie: await cookieFor(broker.id) })),
    );
    expect(response.status).toBe(403);
    expect((await loadActor(target.id))!.roles).toEqual(["member"]);
  });
});

describe("organisations and members", () => {
  it("creates an organisation with the creator as OWNER", async () => {
    const user = await createUser();
    const response = await settle(
      call(newOrgAction, await formRequest("/orgs/new", { name: "Viện Công nghệ Sinh học Đồng Tháp", kind: "RESEARCH_INSTITUTE", provinceCode: "82" }, { cookie: await cookieFor(user.id) })),
    );
    expect(response.status).toBe(302);
    const membership = await prisma.membership.findFirstOrThrow({ where: { userId: user.id }, select: { role: true, organisation: { select: { name: true, kind: true, provinceCode: true } } } });
    expect(membership).toEqual({ role: "OWNER", organisation: { name: "Viện Công nghệ Sinh học Đồng Tháp", kind: "RESEARCH_INSTITUTE", provinceCode: "82" } });
  });

  it("answers 400 with field messages for a bad organisation and creates nothing", async () => {
    const user = await createUser();
    const before = await prisma.organisation.count();
    const response = await settle(
      call(newOrgAction, await formRequest("/orgs/new", { name: "X", kind: "PIRATE_SHIP", website: "ftp://x", taxCode: "12" }, { cookie: await cookieFor(user.id) })),
    );
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.name).toEqual(["errors.nameTooShort"]);
    expect(error.kind).toEqual(["errors.chooseOne"]);
    expect(error.website).toEqual(["errors.url"]);
    expect(error.taxCode).toEqual(["errors.taxCode"]);
    expect(await prisma.organisation.count()).toBe(before);
  });

  it("cleans an organisation's name and details of bidi and control characters, and refuses a name that is nothing else (decision 012)", async () => {
    const user = await createUser();
    const cookie = await cookieFor(user.id);
    const post = async (fields: Record<string, string>) => settle(call(newOrgAction, await formRequest("/orgs/new", { kind: "ENTERPRISE", ...fields }, { cookie })));
    const created = await post({ name: "Công ty\u202E gpj.exe \n Sao\u2066 Mai", description: "Dòng một\nDòng hai\u202E", phone: "\u200F028 3822 0000" });
    expect(created.status).toBe(302);
    const { organisation } = await prisma.membership.findFirstOrThrow({ where: { userId: user.id }, select: { organisation: { select: { name: true, description: true, phone: true } } } });
    expect(organisation).toEqual({ name: "Công ty gpj.exe Sao Mai", description: "Dòng một\nDòng hai", phone: "028 3822 0000" });
    const blank = await post({ name: "\u202E\u2066 \u200F" });
    expect(blank.status).toBe(400);
    expect((await blank.json()).error.name).toEqual(["errors.required"]);
  });

  it("lets an OWNER promote and remove members, but never the last owner (members join by invitation: tests/invitations.test.ts)", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const colleague = await createUser();
    await createMembership(colleague.id, organisation.id);
    const cookie = await cookieFor(owner.id);
    const post = async (fields: Record<string, string>) =>
      settle(call(membersAction, await formRequest(`/orgs/${organisation.id}/members`, fields, { cookie }), { params: { id: organisation.id } }));

    // Inviting an existing member is the one thing an owner is told about an address: the page lists its members anyway.
    const again = await post({ intent: "invite", email: colleague.email.toUpperCase(), role: "MEMBER" });
    expect(again.status).toBe(400);
    expect((await again.json()).lastResult.error.email).toEqual(["errors.alreadyMember"]);

    const ownerMembership = await prisma.membership.findFirstOrThrow({ where: { userId: owner.id, organisationId: organisation.id } });
    const lastOwner = await post({ intent: "remove-member", membershipId: ownerMembership.id });
    expect(lastOwner.status).toBe(400);
    expect((await lastOwner.json()).lastResult.error[""]).toEqual(["errors.lastOwner"]);
    expect(await prisma.membership.count({ where: { organisationId: organisation.id } })).toBe(2);

    const colleagueMembership = await prisma.membership.findFirstOrThrow({ where: { userId: colleague.id, organisationId: organisation.id } });
    expect((await post({ intent: "change-role", membershipId: colleagueMembership.id, role: "OWNER" })).status).toBe(200);
    expect((await post({ intent: "remove-member", membershipId: ownerMembership.id })).status).toBe(200);
    expect(await prisma.membership.findMany({ where: { organisationId: organisation.id }, select: { userId: true, role: true } })).toEqual([
      { userId: colleague.id, role: "OWNER" },
    ]);
  });

  it("gives another organisation's member 403 for every member action, and changes nothing", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const { user: outsider } = await createMemberWithOrganisation();
    const victim = await prisma.membership.findFirstOrThrow({ where: { organisationId: organisation.id } });
    const cookie = await cookieFor(outsider.id);
    const attempts: Record<string, string>[] = [
      { intent: "invite", email: outsider.email, role: "OWNER" },
      { intent: "revoke-invitation", invitationId: "cm0000000000000000000000a" },
      { intent: "change-role", membershipId: victim.id, role: "MEMBER" },
      { intent: "remove-member", membershipId: victim.id },
    ];
    for (const fields of attempts) {
      const response = await settle(call(membersAction, await formRequest(`/orgs/${organisation.id}/members`, fields, { cookie }), { params: { id: organisation.id } }));
      expect(response.status, fields.intent).toBe(403);
    }
    const view = await settle(call(membersLoader, getRequest(`/orgs/${organisation.id}/members`, cookie), { params: { id: organisation.id } }));
    expect(view.status).toBe(403);
    expect(await prisma.membership.findMany({ where: { organisationId: organisation.id }, select: { id: true, role: true } })).toEqual([{ id: victim.id, role: "OWNER" }]);
    expect(await prisma.organisationInvitation.count({ where: { organisationId: organisation.id } })).toBe(0);
  });

  it("refuses a membership id from another organisation even to an owner", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const { organisation: other } = await createMemberWithOrganisation();
    const foreign = await prisma.membership.findFirstOrThrow({ where: { organisationId: other.id } });
    const response = await settle(
      call(membersAction, await formRequest(`/orgs/${organisation.id}/members`, { intent: "remove-member", membershipId: foreign.id }, { cookie: await cookieFor(owner.id) }), {
        params: { id: organisation.id },
      }),
    );
    expect(response.status).toBe(404);
    expect(await prisma.membership.count({ where: { id: foreign.id } })).toBe(1);
  });

  it("sends a visitor to log in instead of acting", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const response = await settle(call(membersAction, await formRequest(`/orgs/${organisation.id}/members`, { intent: "remove-member", membershipId: "x" }), { params: { id: organisation.id } }));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
  });
});
