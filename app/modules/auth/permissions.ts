/**
 * Typed permissions, "entity:action:access" (DESIGN.md §1). The lists below are
 * installed into Role/Permission by the bootstrap and checked on the server for
 * every object; `access` decides which objects:
 *   any      – every object
 *   own      – objects of an organisation the user is a member of
 *   assigned – objects assigned to the user (a broker's deals and inquiries)
 */
export const ENTITIES = [
  "listing",
  "organisation",
  "membership",
  "inquiry",
  "nda",
  "deal",
  "match",
  "saved-search",
  "payment",
  "fee",
  "report",
  "kpi",
  "user",
  "role",
  "taxonomy",
  "audit",
] as const;
export type Entity = (typeof ENTITIES)[number];

export const ACTIONS = ["create", "read", "update", "delete", "moderate", "import", "manage", "takeover", "introduce"] as const;
export type Action = (typeof ACTIONS)[number];

export const ACCESSES = ["own", "assigned", "any"] as const;
export type Access = (typeof ACCESSES)[number];

export type PermissionString = `${Entity}:${Action}:${Access}`;
export type PermissionCheck = `${Entity}:${Action}`;

export const ROLE_NAMES = ["member", "broker", "admin"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

const MEMBER: PermissionString[] = [
  "organisation:create:own",
  "organisation:update:own",
  "membership:manage:own",
  "listing:create:own",
  "listing:read:own",
  "listing:update:own",
  "listing:delete:own",
  "inquiry:create:own",
  "inquiry:read:own",
  "inquiry:update:own",
  "nda:create:own",
  "deal:read:own",
  "deal:create:own",
  "match:read:own",
  "saved-search:manage:own",
  "payment:create:own",
  "payment:read:own",
  "fee:read:own",
];

const BROKER: PermissionString[] = [
  ...MEMBER,
  "listing:read:any",
  "listing:moderate:any",
  "listing:import:any",
  "organisation:read:any",
  "organisation:moderate:any",
  "inquiry:read:assigned",
  "inquiry:update:assigned",
  "inquiry:takeover:any",
  "deal:create:any",
  "deal:read:any",
  "deal:update:assigned",
  "match:read:any",
  "match:introduce:any",
  "fee:create:assigned",
  "fee:read:any",
  "report:read:any",
];

const ADMIN: PermissionString[] = [
  ...BROKER,
  "listing:update:any",
  "listing:delete:any",
  "organisation:update:any",
  "membership:manage:any",
  "inquiry:read:any",
  "deal:update:any",
  "payment:read:any",
  "kpi:manage:any",
  "user:manage:any",
  "role:manage:any",
  "taxonomy:manage:any",
  "audit:read:any",
];

export const ROLE_DEFINITIONS: Record<RoleName, { description: string; permissions: PermissionString[] }> = {
  member: { description: "Posts and inquires for the organisations the user belongs to", permissions: MEMBER },
  broker: { description: "Centre broker: moderates, matches, runs deals, sees reports", permissions: BROKER },
  admin: { description: "Platform operator: everything", permissions: ADMIN },
};

export function parsePermission(permission: PermissionString) {
  const [entity, action, access] = permission.split(":") as [Entity, Action, Access];
  return { entity, action, access };
}

/** What a user holds, as loaded by `loadActor`. */
export interface Actor {
  id: string;
  permissions: ReadonlySet<PermissionString>;
  organisationIds: readonly string[];
  /** Organisations the user is an OWNER of. */
  ownedOrganisationIds: readonly string[];
  roles: readonly RoleName[];
}

/** The objects a user may act on with one permission, or null for none. */
export type Scope =
  | { access: "any" }
  | { access: "own"; organisationIds: readonly string[] }
  | { access: "assigned"; userId: string }
  | { access: "own-or-assigned"; organisationIds: readonly string[]; userId: string };

export function scopeOf(actor: Actor | null, check: PermissionCheck): Scope | null {
  if (!actor) return null;
  const has = (access: Access) => actor.permissions.has(`${check}:${access}` as PermissionString);
  if (has("any")) return { access: "any" };
  const own = has("own") && actor.organisationIds.length > 0;
  const assigned = has("assigned");
  if (own && assigned) return { access: "own-or-assigned", organisationIds: actor.organisationIds, userId: actor.id };
  if (own) return { access: "own", organisationIds: actor.organisationIds };
  if (assigned) return { access: "assigned", userId: actor.id };
  return null;
}

/** Whether `actor` may do `check` to an object owned by `target.organisationId` / assigned to `target.assignedUserId`. */
export function can(
  actor: Actor | null,
  check: PermissionCheck,
  target: { organisationId?: string | null; assignedUserId?: string | null } = {},
): boolean {
  const scope = scopeOf(actor, check);
  if (!scope) return false;
  if (scope.access === "any") return true;
  const ownOk =
    (scope.access === "own" || scope.access === "own-or-assigned") &&
    target.organisationId != null &&
    scope.organisationIds.includes(target.organisationId);
  const assignedOk =
    (scope.access === "assigned" || scope.access === "own-or-assigned") &&
    target.assignedUserId != null &&
    target.assignedUserId === scope.userId;
  return ownOk || assignedOk;
}

/** Whether the actor holds exactly this permission (for checks without a target object). */
export function holds(actor: Actor | null, permission: PermissionString): boolean {
  return actor?.permissions.has(permission) ?? false;
}
