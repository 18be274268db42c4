import { prisma } from "~/lib/db.server.ts";
import { forbidden } from "~/lib/http.server.ts";
import { can, scopeOf, type Actor, type PermissionCheck, type PermissionString, type RoleName } from "./permissions.ts";
import { getUserId, requireUserId } from "./session.server.ts";

/** The user with their permissions (through roles) and organisations. */
export async function loadActor(userId: string): Promise<Actor | null> {
  const user = await prisma.user.findFirst({
    where: { id: userId, disabledAt: null },
    select: {
      id: true,
      roles: {
        select: {
          role: {
            select: {
              name: true,
              permissions: { select: { permission: { select: { entity: true, action: true, access: true } } } },
            },
          },
        },
      },
      memberships: { select: { organisationId: true, role: true } },
    },
  });
  if (!user) return null;
  const permissions = new Set<PermissionString>();
  for (const { role } of user.roles) {
    for (const { permission: p } of role.permissions) {
      permissions.add(`${p.entity}:${p.action}:${p.access}` as PermissionString);
    }
  }
  return {
    id: user.id,
    permissions,
    roles: user.roles.map((r) => r.role.name as RoleName),
    organisationIds: user.memberships.map((m) => m.organisationId),
    ownedOrganisationIds: user.memberships.filter((m) => m.role === "OWNER").map((m) => m.organisationId),
  };
}

export async function getActor(request: Request): Promise<Actor | null> {
  const userId = await getUserId(request);
  return userId ? loadActor(userId) : null;
}

/** The signed-in actor; redirects to /login when signed out. */
export async function requireActor(request: Request): Promise<Actor> {
  const userId = await requireUserId(request);
  const actor = await loadActor(userId);
  if (!actor) throw forbidden();
  return actor;
}

/** Throws 403 unless the actor may do `check` to the target; returns the actor's scope. */
export function requirePermission(
  actor: Actor | null,
  check: PermissionCheck,
  target?: { organisationId?: string | null; assignedUserId?: string | null },
) {
  if (target ? !can(actor, check, target) : !scopeOf(actor, check)) throw forbidden();
  return scopeOf(actor, check)!;
}
