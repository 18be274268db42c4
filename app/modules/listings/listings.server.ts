import { Prisma, type IpStatus, type TransferObject } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { enqueueListingSync } from "~/modules/search/outbox.server.ts";
import { can, scopeOf, type Actor, type Scope } from "~/modules/auth/permissions.ts";
import { editMode, expiryFrom, isUsableReason, transition, type LifecycleAction, type ListingStatus } from "./lifecycle.ts";
import { listingSchema, type ListingInput } from "./schema.ts";

/** The NDA a reader accepts before seeing a listing's confidential details (DESIGN.md §3). */
export const DEFAULT_NDA_TEXT =
  "Bên nhận cam kết giữ bí mật mọi thông tin được đánh dấu là bảo mật trong tin này, chỉ sử dụng để đánh giá khả năng hợp tác, không tiết lộ cho bên thứ ba trong thời hạn 3 năm kể từ ngày chấp nhận. / The recipient keeps every detail marked confidential in this listing secret, uses it only to assess a cooperation, and discloses it to no third party for 3 years from acceptance.";

export type FieldErrors = Record<string, string[]>;
export type ListingResult<T = { id: string }> = ({ ok: true } & T) | { ok: false; fieldErrors: FieldErrors };

/** A query filter that keeps only the listings a scope covers. */
export function listingScopeWhere(scope: Scope): Prisma.ListingWhereInput {
  switch (scope.access) {
    case "any":
      return {};
    case "own":
    case "own-or-assigned":
      return { organisationId: { in: [...scope.organisationIds] } };
    case "assigned":
      // Listings are never assigned to a person.
      return { id: { in: [] } };
  }
}

/** The listing's columns for a validated input; fields of the other types are cleared. */
export function listingData(input: ListingInput) {
  const big = (v: number | undefined) => (v === undefined ? null : BigInt(v));
  const common = {
    type: input.type,
    language: input.language,
    title: input.title,
    summary: input.summary,
    description: input.description ?? "",
    advantages: input.advantages ?? "",
    applications: input.applications ?? "",
    keywords: input.keywords,
    provinceCode: input.provinceCode ?? null,
    countryCode: input.countryCode,
    transferModes: input.transferModes,
    // Cleared unless the type sets them below.
    priceType: "NEGOTIABLE" as const,
    priceMin: null as bigint | null,
    priceMax: null as bigint | null,
    currency: null as "VND" | "USD" | null,
    trl: null as number | null,
    ipStatus: null as IpStatus | null,
    ipNumbers: [] as string[],
    transferObjects: [] as TransferObject[],
    partnerSought: null as string | null,
    condition: null as "NEW" | "USED" | "REFURBISHED" | null,
    manufacturer: null as string | null,
    model: null as string | null,
    manufactureYear: null as number | null,
    quantity: null as number | null,
    // DbNull, not undefined: undefined would keep an old value when a listing is updated.
    specifications: Prisma.DbNull as Prisma.InputJsonValue | typeof Prisma.DbNull,
    leaseAvailable: null as boolean | null,
    problemStatement: null as string | null,
    minTrl: null as number | null,
    budgetMin: null as bigint | null,
    budgetMax: null as bigint | null,
    budgetCurrency: null as "VND" | "USD" | null,
    deadline: null as Date | null,
    preferredProvinceCodes: [] as string[],
  };
  if (input.type !== "TECHNOLOGY_REQUEST") {
    Object.assign(common, { priceType: input.priceType, priceMin: big(input.priceMin), priceMax: big(input.priceMax), currency: input.currency ?? null });
  }
  if (input.type === "TECHNOLOGY_OFFER") {
    Object.assign(common, {
      trl: input.trl ?? null,
      ipStatus: input.ipStatus,
      ipNumbers: input.ipNumbers,
      transferObjects: input.transferObjects,
      partnerSought: input.partnerSought ?? null,
    });
  } else if (input.type === "EQUIPMENT_OFFER") {
    Object.assign(common, {
      condition: input.condition,
      manufacturer: input.manufacturer ?? null,
      model: input.model ?? null,
      manufactureYear: input.manufactureYear ?? null,
      quantity: input.quantity,
      specifications: input.specifications ?? Prisma.DbNull,
      leaseAvailable: input.leaseAvailable,
    });
  } else {
    Object.assign(common, {
      problemStatement: input.problemStatement,
      minTrl: input.minTrl ?? null,
      budgetMin: big(input.budgetMin),
      budgetMax: big(input.budgetMax),
      budgetCurrency: input.budgetCurrency ?? null,
      deadline: input.deadline ?? null,
      preferredProvinceCodes: input.preferredProvinceCodes,
    });
  }
  return common;
}

/** Sectors and provinces must exist; reported as field errors. */
export async function validateReferences(input: ListingInput, db: Tx | typeof prisma = prisma): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const sectors = await db.sector.findMany({ where: { code: { in: input.sectorCodes } }, select: { code: true } });
  if (sectors.length !== new Set(input.sectorCodes).size) errors.sectorCodes = ["errors.sector"];
  const provinces = [...(input.provinceCode ? [input.provinceCode] : []), ...(input.type === "TECHNOLOGY_REQUEST" ? input.preferredProvinceCodes : [])];
  if (provinces.length) {
    const found = new Set((await db.province.findMany({ where: { code: { in: provinces } }, select: { code: true } })).map((p) => p.code));
    if (input.provinceCode && !found.has(input.provinceCode)) errors.provinceCode = ["errors.chooseOne"];
    if (input.type === "TECHNOLOGY_REQUEST" && input.preferredProvinceCodes.some((c) => !found.has(c))) errors.preferredProvinceCodes = ["errors.chooseOne"];
  }
  return errors;
}

/** Writes sectors and confidential details for a listing (replacing what was there). */
export async function writeListingChildren(tx: Tx, listingId: string, input: ListingInput) {
  await tx.listingSector.deleteMany({ where: { listingId } });
  await tx.listingSector.createMany({ data: [...new Set(input.sectorCodes)].map((sectorCode) => ({ listingId, sectorCode })) });
  if (input.confidentialDetails) {
    await tx.listingConfidential.upsert({
      where: { listingId },
      create: { listingId, details: input.confidentialDetails, ndaText: DEFAULT_NDA_TEXT },
      update: { details: input.confidentialDetails },
    });
  } else {
    await tx.listingConfidential.deleteMany({ where: { listingId } });
  }
}

/** A new DRAFT listing for one of the actor's organisations. */
export async function createListing(actor: Actor, organisationId: string, input: ListingInput): Promise<ListingResult> {
  if (!can(actor, "listing:create", { organisationId })) throw forbidden();
  const fieldErrors = await validateReferences(input);
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  const listing = await prisma.$transaction(async (tx) => {
    const created = await tx.listing.create({
      data: { ...listingData(input), status: "DRAFT", organisationId, createdById: actor.id },
      select: { id: true },
    });
    await writeListingChildren(tx, created.id, input);
    await tx.listingEvent.create({ data: { listingId: created.id, kind: "CREATED", toStatus: "DRAFT", actorId: actor.id } });
    return created;
  });
  return { ok: true, id: listing.id };
}

async function findInScope(actor: Actor, id: string, check: "listing:update" | "listing:moderate" | "listing:read") {
  const scope = scopeOf(actor, check);
  // Outside the actor's scope a listing does not exist, so ids cannot be probed.
  if (!scope) throw notFound();
  const listing = await prisma.listing.findFirst({
    where: { id, ...listingScopeWhere(scope) },
    select: { id: true, status: true, type: true, organisationId: true, publishedAt: true, version: true },
  });
  if (!listing) throw notFound();
  return listing;
}

/**
 * Saves an edit. Drafts, rejected and pending listings change in place; a published
 * listing keeps its approved text public and the edit waits for review as a revision.
 */
export async function updateListing(actor: Actor, id: string, input: ListingInput): Promise<ListingResult<{ id: string; mode: "direct" | "revision" }>> {
  const listing = await findInScope(actor, id, "listing:update");
  if (input.type !== listing.type) return { ok: false, fieldErrors: { type: ["errors.typeFixed"] } };
  const mode = editMode(listing.status as ListingStatus);
  if (mode === "locked") return { ok: false, fieldErrors: { "": ["errors.listingLocked"] } };
  const fieldErrors = await validateReferences(input);
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  await prisma.$transaction(async (tx) => {
    if (mode === "direct") {
      await tx.listing.update({ where: { id }, data: { ...listingData(input), version: { increment: 1 } } });
      await writeListingChildren(tx, id, input);
      await enqueueListingSync(tx, id);
      return;
    }
    // One pending revision at a time: a newer edit replaces the older one.
    await tx.listingRevision.updateMany({ where: { listingId: id, status: "PENDING" }, data: { status: "WITHDRAWN", decidedAt: new Date() } });
    await tx.listingRevision.create({ data: { listingId: id, data: JSON.parse(JSON.stringify(input)), submittedById: actor.id } });
    await tx.listingEvent.create({ data: { listingId: id, kind: "REVISION_SUBMITTED", fromStatus: "PUBLISHED", toStatus: "PUBLISHED", actorId: actor.id } });
  });
  return { ok: true, id, mode };
}

const EVENT_KIND = {
  submit: "SUBMITTED",
  approve: "APPROVED",
  reject: "REJECTED",
  archive: "ARCHIVED",
  renew: "RENEWED",
  expire: "EXPIRED",
  restore: "CREATED",
} as const;

export type TransitionOutcome = { ok: true; status: ListingStatus } | { ok: false; error: "errors.transitionNotAllowed" | "errors.reasonRequired" | "errors.staleListing" };

/**
 * Moves a listing through its lifecycle. Owners submit, archive, renew and restore
 * their organisations' listings; brokers approve, reject and archive any. Every
 * transition is recorded with who, when and why.
 */
export async function transitionListing(
  actor: Actor,
  id: string,
  action: Exclude<LifecycleAction, "expire">,
  options: { reason?: string; ipAddress?: string } = {},
): Promise<TransitionOutcome> {
  const asModerator = action === "approve" || action === "reject" || (action === "archive" && !!scopeOf(actor, "listing:moderate") && !(await ownsListing(actor, id)));
  const listing = await findInScope(actor, id, asModerator ? "listing:moderate" : "listing:update");
  const result = transition(action, listing.status as ListingStatus, asModerator ? "moderator" : "owner");
  if (!result.ok) return { ok: false, error: "errors.transitionNotAllowed" };
  const reason = options.reason?.trim();
  if (action === "reject" && !isUsableReason(reason)) return { ok: false, error: "errors.reasonRequired" };
  const now = new Date();
  const data: Prisma.ListingUpdateManyMutationInput = { status: result.to, version: { increment: 1 } };
  if (action === "submit") data.submittedAt = now;
  if (action === "approve") Object.assign(data, { publishedAt: listing.publishedAt ?? now, expiresAt: expiryFrom(now) });
  if (action === "renew") data.expiresAt = expiryFrom(now);
  if (action === "archive") data.archivedAt = now;
  if (action === "restore") data.archivedAt = null;
  const changed = await prisma.$transaction(async (tx) => {
    // The status read above must still hold: two moderators cannot both decide.
    const { count } = await tx.listing.updateMany({ where: { id, status: listing.status, version: listing.version }, data });
    if (count === 0) return false;
    await enqueueListingSync(tx, id);
    await tx.listingEvent.create({
      data: { listingId: id, kind: EVENT_KIND[action], fromStatus: listing.status, toStatus: result.to, actorId: actor.id, reason: reason ?? null },
    });
    if (asModerator) {
      await recordAudit({ actorId: actor.id, action: `listing.${action}`, entityType: "Listing", entityId: id, data: reason ? { reason } : undefined, ipAddress: options.ipAddress }, tx);
    }
    if (action === "approve" || action === "reject") await notifyModerationDecision(tx, actor.id, id, action === "approve", reason);
    return true;
  });
  return changed ? { ok: true, status: result.to } : { ok: false, error: "errors.staleListing" };
}

/** The listing's organisation hears the moderator's decision (MODERATION_DECISION), in the decision's transaction. */
async function notifyModerationDecision(tx: Tx, moderatorId: string, listingId: string, approved: boolean, reason?: string, revision = false) {
  const listing = await tx.listing.findUniqueOrThrow({ where: { id: listingId }, select: { title: true, organisationId: true } });
  await notifyOrganisations(
    tx,
    [listing.organisationId],
    {
      type: "MODERATION_DECISION",
      data: { listingId, listingTitle: listing.title, decision: approved ? "APPROVED" : "REJECTED", ...(reason ? { reason } : {}), ...(revision ? { revision: true } : {}) },
      url: approved ? `/listings/${listingId}` : `/listings/${listingId}/edit`,
    },
    { exceptUserId: moderatorId },
  );
}

async function ownsListing(actor: Actor, id: string) {
  return (await prisma.listing.count({ where: { id, organisationId: { in: [...actor.organisationIds] } } })) > 0;
}

/** Applies or refuses a published listing's pending edit. */
export async function decideRevision(
  actor: Actor,
  revisionId: string,
  decision: { approve: true } | { approve: false; reason: string },
  meta: { ipAddress?: string } = {},
): Promise<TransitionOutcome> {
  if (!scopeOf(actor, "listing:moderate")) throw notFound();
  const revision = await prisma.listingRevision.findFirst({ where: { id: revisionId, status: "PENDING" }, select: { id: true, listingId: true, data: true } });
  if (!revision) throw notFound();
  if (!decision.approve && !isUsableReason(decision.reason)) return { ok: false, error: "errors.reasonRequired" };
  const input = decision.approve ? listingSchema.parse(revision.data) : null;
  const now = new Date();
  const done = await prisma.$transaction(async (tx) => {
    const { count } = await tx.listingRevision.updateMany({
      where: { id: revision.id, status: "PENDING" },
      data: { status: decision.approve ? "APPROVED" : "REJECTED", decidedById: actor.id, decidedAt: now, reason: decision.approve ? null : decision.reason.trim() },
    });
    if (count === 0) return false;
    if (input) {
      await tx.listing.update({ where: { id: revision.listingId }, data: { ...listingData(input), version: { increment: 1 } } });
      await writeListingChildren(tx, revision.listingId, input);
      await enqueueListingSync(tx, revision.listingId);
    }
    await tx.listingEvent.create({
      data: {
        listingId: revision.listingId,
        kind: decision.approve ? "REVISION_APPROVED" : "REVISION_REJECTED",
        fromStatus: "PUBLISHED",
        toStatus: "PUBLISHED",
        actorId: actor.id,
        reason: decision.approve ? null : decision.reason.trim(),
      },
    });
    await recordAudit(
      { actorId: actor.id, action: decision.approve ? "listing.revision.approve" : "listing.revision.reject", entityType: "Listing", entityId: revision.listingId, ipAddress: meta.ipAddress },
      tx,
    );
    await notifyModerationDecision(tx, actor.id, revision.listingId, decision.approve, decision.approve ? undefined : decision.reason.trim(), true);
    return true;
  });
  return done ? { ok: true, status: "PUBLISHED" } : { ok: false, error: "errors.staleListing" };
}

/** Nightly: published listings past their expiry become EXPIRED, each with its event. */
export async function expireListings(now = new Date()): Promise<number> {
  const due = await prisma.listing.findMany({ where: { status: "PUBLISHED", expiresAt: { lte: now } }, select: { id: true } });
  let expired = 0;
  for (const { id } of due) {
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.listing.updateMany({ where: { id, status: "PUBLISHED", expiresAt: { lte: now } }, data: { status: "EXPIRED", version: { increment: 1 } } });
      if (count) {
        await enqueueListingSync(tx, id);
        await tx.listingEvent.create({ data: { listingId: id, kind: "EXPIRED", fromStatus: "PUBLISHED", toStatus: "EXPIRED" } });
        expired++;
      }
    });
  }
  return expired;
}
