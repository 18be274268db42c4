import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor, type RoleName } from "./permissions.ts";

export type RoleChangeResult = { ok: true } | { ok: false; error: "errors.brokerNeedsCentre" | "errors.lastAdmin" };

/**
 * Grants a platform role. A broker must belong to a BROKER_CENTER organisation
 * (DESIGN.md §1); every change is audited.
 */
export async function grantRole(actor: Actor, userId: string, role: RoleName, meta: { ipAddress?: string } = {}): Promise<RoleChangeResult> {
  if (!holds(actor, "role:manage:any")) throw forbidden();
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, memberships: { select: { organisation: { select: { kind: true } } } } },
  });
  if (!user) throw notFound();
  if (role === "broker" && !user.memberships.some((m) => m.organisation.kind === "BROKER_CENTER")) {
    return { ok: false, error: "errors.brokerNeedsCentre" };
  }
  await prisma.$transaction(async (tx) => {
    const roleRow = await tx.role.findUniqueOrThrow({ where: { name: role }, select: { id: true } });
    await tx.userRole.upsert({
      where: { userId_roleId: { userId, roleId: roleRow.id } },
      create: { userId, roleId: roleRow.id, grantedById: actor.id },
      update: {},
    });
    await recordAudit({ actorId: actor.id, action: "role.grant", entityType: "User", entityId: userId, data: { role }, ipAddress: meta.ipAddress }, tx);
  });
  return { ok: true };
}

export async function revokeRole(actor: Actor, userId: string, role: RoleName, meta: { ipAddress?: string } = {}): Promise<RoleChangeResult> {
  if (!holds(actor, "role:manage:any")) throw forbidden();
  return prisma.$transaction(async (tx) => {
    if (role === "admin") {
      const admins = await tx.userRole.count({ where: { role: { name: "admin" }, user: { disabledAt: null } } });
      if (admins <= 1) return { ok: false as const, error: "errors.lastAdmin" as const };
    }
    await tx.userRole.deleteMany({ where: { userId, role: { name: role } } });
    await recordAudit({ actorId: actor.id, action: "role.revoke", entityType: "User", entityId: userId, data: { role }, ipAddress: meta.ipAddress }, tx);
    return { ok: true as const };
  });
}

export async function listUsersWithRoles(actor: Actor, query: string, page: number) {
  if (!holds(actor, "user:manage:any")) throw forbidden();
  const where = query
    ? { OR: [{ email: { contains: query, mode: "insensitive" as const } }, { name: { contains: query, mode: "insensitive" as const } }] }
    : {};
  const pageSize = 25;
  const [users, total] = await Promise.all([
    prisma.user.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        name: true,
        email: true,
        createdAt: true,
        roles: { select: { role: { select: { name: true } } } },
        memberships: { select: { organisation: { select: { name: true, kind: true } } } },
      },
    }),
    prisma.user.count({ where }),
  ]);
  return { users, total, page, pageSize };
}

/** Whether the user is the only enabled administrator of the site (who must not leave it without one). */
export async function isLastAdmin(tx: Tx, userId: string): Promise<boolean> {
  const admins = await tx.userRole.findMany({ where: { role: { name: "admin" }, user: { disabledAt: null } }, select: { userId: true }, take: 2 });
  return admins.length === 1 && admins[0]!.userId === userId;
}

/** For account deletion: takes every platform role from the user. */
export async function revokeAllRoles(tx: Tx, userId: string): Promise<void> {
  await tx.userRole.deleteMany({ where: { userId } });
}
