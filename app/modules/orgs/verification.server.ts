import { createHash } from "node:crypto";
import type { VerificationStatus } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { can, holds, type Actor } from "~/modules/auth/permissions.ts";
import { detectFileType, MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES, sanitiseOriginalName } from "~/modules/listings/attachments.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { enqueueOrganisationListingSyncs } from "~/modules/search/outbox.server.ts";
import type { VerificationSubmissionInput } from "./schema.ts";
import { logger } from "~/lib/logger.server.ts";
import { newVerificationDocumentKey, readVerificationDocument, removeVerificationDocument, storeVerificationDocument } from "./verification-documents.server.ts";

/**
 * An organisation proves it is the registered body it claims to be (issue #13 point 3,
 * docs/organisation-verification.md): a member submits the registration number and a scan
 * of the certificate or decision; a broker verifies it or refuses it with a reason.
 *
 *   UNVERIFIED ─submit→ PENDING ─verify→ VERIFIED
 *                          └──reject→ REJECTED ─submit→ PENDING
 *   VERIFIED ─submit (new registration data)→ PENDING: the badge goes until a broker checks again.
 *
 * Organisation.verifiedAt is set exactly while the status is VERIFIED; the badge and the
 * search documents' `verified` read it.
 */

export type VerificationError = `verification.errors.${string}` | `attachments.errors.${string}`;
export type VerificationResult<T = object> = ({ ok: true } & T) | { ok: false; error: VerificationError };

/** Its members (and admins) act for an organisation. */
const maySubmit = (actor: Actor, organisationId: string) => can(actor, "organisation:update", { organisationId });
const mayDecide = (actor: Actor) => holds(actor, "organisation:moderate:any");

/** Throws 403 unless the actor decides on submissions (brokers, admins). */
export function requireVerificationDecider(actor: Actor) {
  if (!mayDecide(actor)) throw forbidden();
}

/** Throws 404 for no such organisation, 403 unless the actor may submit its registration. */
export async function requireVerificationSubmitter(actor: Actor, organisationId: string) {
  const organisation = await prisma.organisation.findUnique({ where: { id: organisationId }, select: { id: true } });
  if (!organisation) throw notFound();
  if (!maySubmit(actor, organisationId)) throw forbidden();
  return organisation;
}

const submissionSelect = {
  id: true,
  status: true,
  registrationKind: true,
  registrationNumber: true,
  registeredName: true,
  documentName: true,
  documentType: true,
  documentBytes: true,
  createdAt: true,
  decidedAt: true,
  rejectionReason: true,
  submittedBy: { select: { name: true } },
} as const;

/** The organisation's verification page: where it stands and its submissions, newest first. */
export async function getVerificationPage(actor: Actor, organisationId: string) {
  const organisation = await prisma.organisation.findUnique({
    where: { id: organisationId },
    select: { id: true, name: true, kind: true, taxCode: true, verificationStatus: true, verifiedAt: true },
  });
  if (!organisation) throw notFound();
  const submitter = maySubmit(actor, organisationId);
  if (!submitter && !mayDecide(actor)) throw forbidden();
  const submissions = await prisma.organisationVerification.findMany({
    where: { organisationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 10,
    select: submissionSelect,
  });
  return { organisation, submissions, canSubmit: submitter && organisation.verificationStatus !== "PENDING" };
}

class Refused extends Error {
  constructor(readonly error: VerificationError) {
    super(error);
  }
}

function checkDocument(bytes: Buffer): { ok: true; type: NonNullable<ReturnType<typeof detectFileType>> } | { ok: false; error: VerificationError } {
  if (bytes.length === 0) return { ok: false, error: "attachments.errors.emptyFile" };
  const type = detectFileType(bytes);
  if (!type) return { ok: false, error: "attachments.errors.unsupportedType" };
  if (type.kind === "IMAGE" && bytes.length > MAX_IMAGE_BYTES) return { ok: false, error: "attachments.errors.imageTooLarge" };
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, error: "attachments.errors.documentTooLarge" };
  return { ok: true, type };
}

/** Locks the organisation's row for the rest of the transaction and returns its status. */
async function lockOrganisation(tx: Tx, organisationId: string): Promise<{ status: VerificationStatus; name: string }> {
  const rows = await tx.$queryRaw<{ verificationStatus: VerificationStatus; name: string }[]>`
    SELECT "verificationStatus", name FROM "Organisation" WHERE id = ${organisationId} FOR UPDATE`;
  if (!rows[0]) throw notFound();
  return { status: rows[0].verificationStatus, name: rows[0].name };
}

/**
 * Records a submission with its document and puts the organisation in PENDING. Refused while
 * another submission waits. A verified organisation that submits new registration data loses
 * its badge until a broker has checked the new data.
 */
export async function submitVerification(
  actor: Actor,
  organisationId: string,
  input: VerificationSubmissionInput,
  files: File[],
  meta: { ipAddress?: string } = {},
): Promise<VerificationResult<{ submissionId: string }>> {
  await requireVerificationSubmitter(actor, organisationId);
  if (files.length === 0) return { ok: false, error: "verification.errors.documentRequired" };
  if (files.length > 1) return { ok: false, error: "verification.errors.oneDocument" };
  const file = files[0]!;
  const bytes = Buffer.from(await file.arrayBuffer());
  const checked = checkDocument(bytes);
  if (!checked.ok) return checked;
  const { type } = checked;
  const documentKey = newVerificationDocumentKey(organisationId, type.ext);
  // Stored before the row, removed again if the row is not committed: a row never names a missing file.
  try {
    await storeVerificationDocument(documentKey, bytes, type.contentType);
  } catch (error) {
    logger.warn("could not store a registration document", { organisationId, error: (error as Error).message });
    await removeVerificationDocument(documentKey).catch(() => undefined);
    return { ok: false, error: "attachments.errors.storageUnavailable" };
  }
  try {
    const submissionId = await prisma.$transaction(async (tx) => {
      const before = await lockOrganisation(tx, organisationId);
      if (before.status === "PENDING") throw new Refused("verification.errors.alreadyPending");
      const documentSha256 = createHash("sha256").update(bytes).digest("hex");
      const submission = await tx.organisationVerification.create({
        data: {
          organisationId,
          registrationKind: input.registrationKind,
          registrationNumber: input.registrationNumber,
          registeredName: input.registeredName,
          documentKey,
          documentName: sanitiseOriginalName(file.name, `document.${type.ext}`),
          documentType: type.contentType,
          documentBytes: bytes.length,
          documentSha256,
          submittedById: actor.id,
        },
        select: { id: true },
      });
      await tx.organisation.update({ where: { id: organisationId }, data: { verificationStatus: "PENDING", verifiedAt: null } });
      // The badge goes from its listings' search documents too.
      if (before.status === "VERIFIED") await enqueueOrganisationListingSyncs(tx, organisationId);
      await recordAudit(
        {
          actorId: actor.id,
          action: "organisation.verification.submit",
          entityType: "Organisation",
          entityId: organisationId,
          data: { submissionId: submission.id, registrationKind: input.registrationKind, registrationNumber: input.registrationNumber, documentSha256, previousStatus: before.status },
          ipAddress: meta.ipAddress,
        },
        tx,
      );
      return submission.id;
    });
    return { ok: true, submissionId };
  } catch (error) {
    await removeVerificationDocument(documentKey).catch((e: Error) => logger.warn("could not remove a registration document", { documentKey, error: e.message }));
    if (error instanceof Refused) return { ok: false, error: error.error };
    throw error;
  }
}

/** Submissions waiting for a broker, oldest first, and the latest decisions. */
export async function listVerificationQueue(actor: Actor) {
  requireVerificationDecider(actor);
  const organisation = {
    select: { id: true, name: true, kind: true, taxCode: true, website: true, province: { select: { shortNameVi: true, nameEn: true } } },
  } as const;
  const [pending, decided] = await Promise.all([
    prisma.organisationVerification.findMany({
      where: { status: "PENDING" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 100,
      select: { ...submissionSelect, organisation, submittedBy: { select: { name: true, email: true } } },
    }),
    prisma.organisationVerification.findMany({
      where: { status: { in: ["VERIFIED", "REJECTED"] } },
      orderBy: [{ decidedAt: "desc" }, { id: "desc" }],
      take: 20,
      select: { ...submissionSelect, organisation, decidedBy: { select: { name: true } } },
    }),
  ]);
  return { pending, decided };
}

export type VerificationDecision = { verify: true } | { verify: false; reason: string };

/**
 * A broker's decision on a waiting submission. The update is conditional on the submission
 * still waiting, so of two brokers deciding at once one is told it was already decided.
 */
export async function decideVerification(
  actor: Actor,
  submissionId: string,
  decision: VerificationDecision,
  meta: { ipAddress?: string } = {},
): Promise<VerificationResult<{ organisationId: string }>> {
  requireVerificationDecider(actor);
  const submission = await prisma.organisationVerification.findUnique({
    where: { id: submissionId },
    select: { id: true, organisationId: true, registrationKind: true, registrationNumber: true },
  });
  if (!submission) throw notFound();
  const { organisationId } = submission;
  return prisma.$transaction(async (tx) => {
    const organisation = await lockOrganisation(tx, organisationId);
    const now = new Date();
    const status = decision.verify ? "VERIFIED" : "REJECTED";
    const decided = await tx.organisationVerification.updateMany({
      where: { id: submission.id, status: "PENDING" },
      data: { status, decidedById: actor.id, decidedAt: now, rejectionReason: decision.verify ? null : decision.reason },
    });
    if (decided.count === 0) return { ok: false as const, error: "verification.errors.alreadyDecided" as const };
    await tx.organisation.update({
      where: { id: organisationId },
      data: decision.verify
        ? { verificationStatus: "VERIFIED", verifiedAt: now, ...(submission.registrationKind === "ENTERPRISE_CODE" ? { taxCode: submission.registrationNumber } : {}) }
        : { verificationStatus: "REJECTED", verifiedAt: null },
    });
    // A waiting organisation has no badge, so only a verification changes its listings' documents.
    if (decision.verify) await enqueueOrganisationListingSyncs(tx, organisationId);
    await recordAudit(
      {
        actorId: actor.id,
        action: decision.verify ? "organisation.verify" : "organisation.reject",
        entityType: "Organisation",
        entityId: organisationId,
        data: {
          submissionId: submission.id,
          registrationKind: submission.registrationKind,
          registrationNumber: submission.registrationNumber,
          ...(decision.verify ? {} : { reason: decision.reason }),
        },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
    await notifyOrganisations(
      tx,
      [organisationId],
      {
        type: "ORGANISATION_VERIFICATION",
        data: { organisationId, organisationName: organisation.name, decision: status, ...(decision.verify ? {} : { reason: decision.reason }) },
        url: `/orgs/${organisationId}/verification`,
      },
      { exceptUserId: actor.id },
    );
    return { ok: true as const, organisationId };
  });
}

export type OpenedVerificationDocument = { body: ReadableStream<Uint8Array>; contentType: string; byteSize: number; fileName: string };

/** A submission's document for the organisation's members and for brokers and admins; null (404) for anyone else. */
export async function openVerificationDocument(actor: Actor | null, organisationId: string, submissionId: string): Promise<OpenedVerificationDocument | null> {
  if (!actor || (!maySubmit(actor, organisationId) && !mayDecide(actor))) return null;
  const submission = await prisma.organisationVerification.findFirst({
    where: { id: submissionId, organisationId },
    select: { documentKey: true, documentType: true, documentName: true },
  });
  if (!submission) return null;
  const file = await readVerificationDocument(submission.documentKey).catch((error: Error) => {
    logger.warn("could not read a registration document", { submissionId, error: error.message });
    throw new Response("Files are unavailable for a moment; please try again.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "30", "X-Content-Type-Options": "nosniff" },
    });
  });
  return file && { ...file, contentType: submission.documentType, fileName: submission.documentName };
}
