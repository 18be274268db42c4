import { randomBytes } from "node:crypto";
import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { ensureMembership, findOrganisationKind } from "~/modules/orgs/organisations.server.ts";
import { linkPath } from "./account-email.server.ts";
import { hashPassword } from "./password.server.ts";
import type { RoleName } from "./permissions.ts";
import type { CreateAccountInput } from "./schema.ts";
import { issueAccountToken } from "./tokens.server.ts";

/**
 * Accounts an operator makes from the command line (`npm run users:create`): the first
 * administrator of a new exchange, and brokers. Never SQL by hand (DESIGN.md §12).
 */

/**
 * The platform roles each kind of account holds. The admin role carries every broker permission,
 * so the first administrator needs no broker role, nor the BROKER_CENTER organisation a broker must belong to.
 */
const ROLES_FOR: Record<RoleName, RoleName[]> = {
  member: ["member"],
  broker: ["member", "broker"],
  admin: ["member", "admin"],
};

export type CreateAccountResult =
  | { ok: true; userId: string; created: boolean; rolesAdded: RoleName[]; link: { path: string; expiresAt: Date } | null }
  | { ok: false; reason: "unknown-organisation" | "broker-needs-centre" | "disabled" };

/**
 * Creates the account (verified: the operator vouches for the address) with a one-time link to
 * set its first password (72 hours), or promotes an existing one: adds the roles it lacks and
 * keeps its password, so no link is made. A broker must belong to a BROKER_CENTER organisation
 * (given with --organisation); any account can be made a member of the organisation given.
 */
export async function createOrPromoteAccount(input: CreateAccountInput): Promise<CreateAccountResult> {
  const organisation = input.organisation ? await findOrganisationKind(input.organisation) : null;
  if (input.organisation && !organisation) return { ok: false, reason: "unknown-organisation" };
  const existing = await prisma.user.findUnique({
    where: { email: input.email },
    select: { id: true, disabledAt: true, memberships: { select: { organisation: { select: { kind: true } } } } },
  });
  if (existing?.disabledAt) return { ok: false, reason: "disabled" };
  const inCentre = organisation?.kind === "BROKER_CENTER" || (existing?.memberships.some((m) => m.organisation.kind === "BROKER_CENTER") ?? false);
  if (input.role === "broker" && !inCentre) return { ok: false, reason: "broker-needs-centre" };
  // An unusable password until the person sets theirs: a hash of random bytes nobody knows.
  const placeholderHash = existing ? null : await hashPassword(randomBytes(32).toString("base64url"));

  return prisma.$transaction(async (tx) => {
    const user =
      existing ??
      (await tx.user.create({
        data: { email: input.email, name: input.name, locale: input.lang, passwordHash: placeholderHash!, emailVerifiedAt: new Date() },
        select: { id: true },
      }));
    const held = new Set((await tx.userRole.findMany({ where: { userId: user.id }, select: { role: { select: { name: true } } } })).map((r) => r.role.name));
    const rolesAdded = ROLES_FOR[input.role].filter((r) => !held.has(r));
    for (const name of rolesAdded) await tx.user.update({ where: { id: user.id }, data: { roles: { create: { role: { connect: { name } } } } } });
    if (input.organisation) await ensureMembership(tx, input.organisation, user.id);
    const link = existing ? null : await issueAccountToken(user.id, "SET_PASSWORD", tx);
    await recordAudit(
      {
        actorId: null,
        action: existing ? "user.promote" : "user.create",
        entityType: "User",
        entityId: user.id,
        data: { via: "users:create", role: input.role, rolesAdded, organisationId: input.organisation ?? null },
      },
      tx,
    );
    return { ok: true as const, userId: user.id, created: !existing, rolesAdded, link: link ? { path: linkPath("SET_PASSWORD", link.token), expiresAt: link.expiresAt } : null };
  });
}

/** Whether an enabled account holds the admin role. */
export async function administratorExists(): Promise<boolean> {
  return (await prisma.userRole.count({ where: { role: { name: "admin" }, user: { disabledAt: null } } })) > 0;
}

/** The exact command that makes the first administrator, for the server's log. */
export const FIRST_ADMIN_COMMAND = 'npm run users:create -- --email you@example.vn --name "Your Name" --role admin';
