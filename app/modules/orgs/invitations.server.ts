import { createHash, randomBytes } from "node:crypto";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { getAccountEmail } from "~/modules/auth/accounts.server.ts";
import type { Actor } from "~/modules/auth/permissions.ts";
import { consumeRateLimit, type RateLimitResult } from "~/modules/auth/rate-limit.server.ts";
import { requireMemberManager } from "./organisations.server.ts";
import type { InviteMemberInput } from "./schema.ts";

/**
 * Membership is by invitation (hardening #12, point 3): an owner invites an address, and the
 * person holding it accepts, through the e-mailed link or in the app. Nothing here tells the
 * inviter whether an account uses the address.
 *
 * The link's token is 32 random bytes; only its SHA-256 is stored. The e-mail job draws the
 * token when it sends (sendInvitationEmail), so the token is never in a table, not even in
 * the job queue's payload; renewing an invitation clears the stored hash, so an older link
 * stops working at once.
 */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const INVITATION_EMAIL_TASK = "orgs:invitation-email";
const EMAIL_MAX_ATTEMPTS = 10;

/** Not accepted, declined or revoked: the rows the partial unique index keeps to one per organisation and address. */
const OPEN = { acceptedAt: null, declinedAt: null, revokedAt: null } as const;

/** 32 bytes in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** The per-organisation and per-inviter limits, counted only for people allowed to invite. */
async function consumeInvitationLimits(actor: Actor, organisationId: string): Promise<RateLimitResult> {
  const byOrganisation = await consumeRateLimit("invitationOrganisation", organisationId);
  if (!byOrganisation.allowed) return byOrganisation;
  return consumeRateLimit("invitationInviter", actor.id);
}

export type InviteResult = { ok: true } | { ok: false; reason: "rate-limited"; retryAfterSeconds: number } | { ok: false; reason: "already-member" };

/**
 * Invites an address (or renews its open invitation: new role, new expiry, a new link) and
 * queues the e-mail. The work and the answer are the same whether an account uses the address
 * or not; "already a member" is only said of the organisation's own members, whom the
 * inviter sees listed anyway.
 */
export async function inviteMember(actor: Actor, organisationId: string, input: InviteMemberInput, meta: { ipAddress?: string } = {}): Promise<InviteResult> {
  await requireMemberManager(actor, organisationId);
  const limit = await consumeInvitationLimits(actor, organisationId);
  if (!limit.allowed) return { ok: false, reason: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  const { email, role } = input;
  return prisma.$transaction(async (tx) => {
    // Two owners inviting one address at once renew one row instead of colliding on the partial unique index.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`techex:invitation:${organisationId}:${email}`}))`;
    const member = await tx.membership.findFirst({ where: { organisationId, user: { email } }, select: { id: true } });
    if (member) return { ok: false as const, reason: "already-member" as const };
    const open = await tx.organisationInvitation.findFirst({ where: { organisationId, email, ...OPEN }, select: { id: true } });
    const data = { role, invitedById: actor.id, expiresAt: new Date(Date.now() + INVITATION_TTL_MS), tokenHash: null, sentAt: null };
    const invitation = open
      ? await tx.organisationInvitation.update({ where: { id: open.id }, data, select: { id: true } })
      : await tx.organisationInvitation.create({ data: { organisationId, email, ...data }, select: { id: true } });
    await queueInvitationEmail(tx, invitation.id);
    await recordAudit(
      {
        actorId: actor.id,
        action: open ? "membership.invite.renew" : "membership.invite",
        entityType: "OrganisationInvitation",
        entityId: invitation.id,
        data: { organisationId, email, role },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
    return { ok: true as const };
  });
}

/** One e-mail job per invitation: a renewal before it ran replaces it (same job key). */
async function queueInvitationEmail(tx: Tx, invitationId: string) {
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    ${INVITATION_EMAIL_TASK},
    json_build_object('invitationId', ${invitationId}::text),
    job_key := ${`invitation:${invitationId}`},
    max_attempts := ${EMAIL_MAX_ATTEMPTS}
  )`;
}

/** Withdraws an open invitation; its link stops working. 404 when the organisation has no such open invitation. */
export async function revokeInvitation(actor: Actor, organisationId: string, invitationId: string, meta: { ipAddress?: string } = {}) {
  await requireMemberManager(actor, organisationId);
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.organisationInvitation.updateMany({ where: { id: invitationId, organisationId, ...OPEN }, data: { revokedAt: new Date(), tokenHash: null } });
    if (count === 0) throw notFound();
    await recordAudit(
      { actorId: actor.id, action: "membership.invite.revoke", entityType: "OrganisationInvitation", entityId: invitationId, data: { organisationId }, ipAddress: meta.ipAddress },
      tx,
    );
  });
}

/** The open invitations an organisation's member managers see: address, role, who invited, until when. */
export async function listOpenInvitations(organisationId: string) {
  return prisma.organisationInvitation.findMany({
    where: { organisationId, ...OPEN },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, email: true, role: true, expiresAt: true, sentAt: true, invitedBy: { select: { name: true } } },
  });
}

const invitationView = { id: true, email: true, role: true, expiresAt: true, organisation: { select: { id: true, name: true } } } as const;

/** The usable invitation a link leads to: null for an unknown, expired, revoked, declined or used one alike. */
export async function invitationByToken(token: string) {
  if (!TOKEN_PATTERN.test(token)) return null;
  return prisma.organisationInvitation.findFirst({ where: { tokenHash: hashToken(token), ...OPEN, expiresAt: { gt: new Date() } }, select: invitationView });
}

export type InvitationPage =
  | { state: "invalid" }
  | { state: "signed-out"; organisation: { id: string; name: string }; role: "OWNER" | "MEMBER"; expiresAt: Date }
  | { state: "wrong-account" }
  | { state: "ready"; organisation: { id: string; name: string }; role: "OWNER" | "MEMBER"; expiresAt: Date };

/**
 * What the invitation page shows to whoever opened the link. An account with another address
 * learns only that: not the organisation, the role or the invited address.
 */
export async function invitationPage(token: string, userId: string | null): Promise<InvitationPage> {
  const invitation = await invitationByToken(token);
  if (!invitation) return { state: "invalid" };
  const { organisation, role, expiresAt } = invitation;
  if (!userId) return { state: "signed-out", organisation, role, expiresAt };
  const account = await getAccountEmail(userId);
  if (account?.email !== invitation.email) return { state: "wrong-account" };
  return { state: "ready", organisation, role, expiresAt };
}

/**
 * The open invitations to a signed-in account's address, for the dashboard. Only for a
 * verified address: an address typed at sign-up proves nothing, and anyone could have
 * registered someone else's. Until then the e-mailed link (which does prove it) is the way in.
 */
export async function pendingInvitationsFor(userId: string) {
  const account = await getAccountEmail(userId);
  if (!account?.verified) return [];
  return prisma.organisationInvitation.findMany({
    where: { email: account.email, ...OPEN, expiresAt: { gt: new Date() }, organisation: { memberships: { none: { userId } } } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, role: true, expiresAt: true, organisation: { select: { id: true, name: true } }, invitedBy: { select: { name: true } } },
  });
}

/** An invitation named by its link's token, or by id in the app (dashboard). */
export type InvitationRef = { token: string } | { invitationId: string };

export type InvitationAnswer = { ok: true; organisationId: string } | { ok: false; reason: "invalid" | "wrong-account" };

/**
 * Accepts an invitation for the signed-in user, in one transaction: it must still be open
 * and unexpired, and be for the user's own address (case does not matter: both are stored
 * lower-cased). The membership is created with the invited role unless the user already is
 * a member, whose membership stays as it is. Accepting twice, or after a revoke, changes nothing.
 */
export async function acceptInvitation(userId: string, ref: InvitationRef, meta: { ipAddress?: string } = {}): Promise<InvitationAnswer> {
  return answerInvitation(userId, ref, "accept", meta);
}

/** Turns an invitation down; the same checks as accepting. */
export async function declineInvitation(userId: string, ref: InvitationRef, meta: { ipAddress?: string } = {}): Promise<InvitationAnswer> {
  return answerInvitation(userId, ref, "decline", meta);
}

async function answerInvitation(userId: string, ref: InvitationRef, answer: "accept" | "decline", meta: { ipAddress?: string }): Promise<InvitationAnswer> {
  const invalid = { ok: false as const, reason: "invalid" as const };
  const account = await getAccountEmail(userId);
  if (!account) return invalid;
  const byToken = "token" in ref;
  // In the app, only a verified address stands for its owner (see pendingInvitationsFor).
  if (!byToken && !account.verified) return invalid;
  if (byToken && !TOKEN_PATTERN.test(ref.token)) return invalid;
  const where = byToken ? { tokenHash: hashToken(ref.token) } : { id: ref.invitationId };
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const invitation = await tx.organisationInvitation.findFirst({
      where: { ...where, ...OPEN, expiresAt: { gt: now } },
      select: { id: true, email: true, role: true, organisationId: true, invitedById: true },
    });
    // By id, another address's invitation is as unknown as a missing one.
    if (!invitation) return invalid;
    if (invitation.email !== account.email) return byToken ? { ok: false as const, reason: "wrong-account" as const } : invalid;
    // Closing it first, on the row's current state, makes a concurrent second answer find nothing to close.
    const closed = await tx.organisationInvitation.updateMany({
      where: { id: invitation.id, ...OPEN, expiresAt: { gt: now } },
      data: answer === "accept" ? { acceptedAt: now, acceptedById: userId } : { declinedAt: now },
    });
    if (closed.count === 0) return invalid;
    const { organisationId } = invitation;
    const audit = { actorId: userId, entityType: "OrganisationInvitation", entityId: invitation.id, ipAddress: meta.ipAddress, data: { organisationId, via: byToken ? "link" : "app" } };
    if (answer === "decline") {
      await recordAudit({ ...audit, action: "membership.invite.decline" }, tx);
      return { ok: true as const, organisationId };
    }
    const created = await tx.membership.createManyAndReturn({
      data: [{ userId, organisationId, role: invitation.role, invitedById: invitation.invitedById }],
      skipDuplicates: true,
      select: { id: true },
    });
    await recordAudit({ ...audit, action: "membership.invite.accept", data: { ...audit.data, alreadyMember: created.length === 0 } }, tx);
    if (created[0]) {
      await recordAudit(
        { actorId: userId, action: "membership.add", entityType: "Membership", entityId: created[0].id, data: { organisationId, userId, role: invitation.role, invitationId: invitation.id }, ipAddress: meta.ipAddress },
        tx,
      );
    }
    return { ok: true as const, organisationId };
  });
}

/** What the invitation e-mail needs, with a freshly issued link; null when the invitation is no longer open. */
export async function issueInvitationLink(invitationId: string) {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const { count } = await prisma.organisationInvitation.updateMany({
    where: { id: invitationId, ...OPEN, expiresAt: { gt: now } },
    data: { tokenHash: hashToken(token), sentAt: now },
  });
  if (count === 0) return null;
  const invitation = await prisma.organisationInvitation.findUniqueOrThrow({
    where: { id: invitationId },
    select: { email: true, role: true, expiresAt: true, organisation: { select: { name: true } }, invitedBy: { select: { name: true, locale: true } } },
  });
  return { ...invitation, token };
}
