import type { Prisma } from "~/generated/prisma/client.ts";
import { can, holds, scopeOf, type Actor } from "~/modules/auth/permissions.ts";

/**
 * Who may see and move a deal (DESIGN.md §1, §3). Parties (members of the
 * provider or seeker organisation) read their deals; the assigned broker and
 * admins move them; everybody else does not know the deal exists.
 */

/** A filter for the deals `actor` may read, or null when they may read none. */
export function dealReadWhere(actor: Actor): Prisma.DealWhereInput | null {
  const scope = scopeOf(actor, "deal:read");
  if (!scope) return null;
  const parties = (ids: readonly string[]): Prisma.DealWhereInput[] => [{ providerOrgId: { in: [...ids] } }, { seekerOrgId: { in: [...ids] } }];
  switch (scope.access) {
    case "any":
      return {};
    case "own":
      return { OR: parties(scope.organisationIds) };
    case "assigned":
      return { assignedBrokerId: scope.userId };
    case "own-or-assigned":
      return { OR: [...parties(scope.organisationIds), { assignedBrokerId: scope.userId }] };
  }
}

/** Whether the actor sees the whole pipeline (brokers, admins) rather than their organisations' deals. */
export const seesPipeline = (actor: Actor) => scopeOf(actor, "deal:read")?.access === "any";

/** A broker (or admin) who can be responsible for deals. */
export const isDealBroker = (actor: Actor) => holds(actor, "deal:update:assigned") || holds(actor, "deal:update:any");

/** The assigned broker or an admin moves a deal through its stages. */
export const mayTransition = (actor: Actor, deal: { assignedBrokerId: string | null }) =>
  can(actor, "deal:update", { assignedUserId: deal.assignedBrokerId });

/** A broker may take a deal nobody is responsible for yet. */
export const mayTake = (actor: Actor, deal: { assignedBrokerId: string | null }) =>
  deal.assignedBrokerId === null && isDealBroker(actor) && seesPipeline(actor);

/** Only an admin hands a deal to another broker. */
export const mayAssign = (actor: Actor) => holds(actor, "deal:update:any");

/** Users who can be assigned deals: those whose roles grant deal:update:assigned. */
export const assignableBrokerWhere: Prisma.UserWhereInput = {
  disabledAt: null,
  roles: { some: { role: { permissions: { some: { permission: { entity: "deal", action: "update", access: "assigned" } } } } } },
};
