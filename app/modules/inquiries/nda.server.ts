import { createHash } from "node:crypto";
import { prisma } from "~/lib/db.server.ts";
import { recordAudit } from "~/modules/audit/audit.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { getConfidentialDetailsHtml, getListingNda } from "~/modules/listings/catalogue.server.ts";
import type { NdaAcceptInput } from "./schema.ts";

/*
 * NDAs (DESIGN.md §3): a listing's confidential details unlock for an organisation
 * that click-accepted the listing's NDA text. An acceptance names the exact text
 * by its sha256, so it covers that text only: if the owner's NDA changes, the
 * organisation accepts the new one before it sees the details again.
 */

/** sha256 (hex) of the NDA text, as UTF-8: what the page posts back and what is recorded. */
export function ndaTextHash(text: string) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type NdaPanel =
  | { kind: "none" }
  | { kind: "unlocked"; reason: "owner" | "accepted"; detailsHtml: string; acceptedBy: { organisationName: string; acceptedAt: Date } | null }
  | {
      kind: "locked";
      ndaText: string;
      textHash: string;
      signedIn: boolean;
      /** The actor's organisations that may accept (not the listing's own). */
      organisations: { id: string; name: string }[];
    };

/**
 * What the listing page shows about confidential details for this reader. The
 * details are loaded only when the reader's organisation owns the listing or has
 * accepted the current NDA text; otherwise they never leave the database.
 */
export async function getNdaPanel(actor: Actor | null, listingId: string): Promise<NdaPanel> {
  const nda = await getListingNda(listingId);
  if (!nda) return { kind: "none" };
  const orgIds = actor ? [...actor.organisationIds] : [];
  if (orgIds.includes(nda.organisationId)) {
    const detailsHtml = await getConfidentialDetailsHtml(listingId);
    return detailsHtml === null ? { kind: "none" } : { kind: "unlocked", reason: "owner", detailsHtml, acceptedBy: null };
  }
  const textHash = ndaTextHash(nda.ndaText);
  const acceptance = orgIds.length
    ? await prisma.ndaAcceptance.findFirst({
        where: { listingId, textHash, organisationId: { in: orgIds } },
        orderBy: { acceptedAt: "asc" },
        select: { acceptedAt: true, organisation: { select: { name: true } } },
      })
    : null;
  if (acceptance) {
    const detailsHtml = await getConfidentialDetailsHtml(listingId);
    if (detailsHtml === null) return { kind: "none" };
    return { kind: "unlocked", reason: "accepted", detailsHtml, acceptedBy: { organisationName: acceptance.organisation.name, acceptedAt: acceptance.acceptedAt } };
  }
  const organisations =
    actor && holds(actor, "nda:create:own")
      ? await prisma.organisation.findMany({ where: { id: { in: orgIds.filter((id) => id !== nda.organisationId) } }, orderBy: { name: "asc" }, select: { id: true, name: true } })
      : [];
  return { kind: "locked", ndaText: nda.ndaText, textHash, signedIn: actor !== null, organisations };
}

export type AcceptNdaResult =
  | { ok: true; alreadyAccepted: boolean }
  | { ok: false; status: 400 | 404 | 409; error: string; field?: "organisationId" | "textHash" };

/**
 * Records a click-accept: user, organisation, time, IP and the hash of the text
 * the page showed. Refused when that text is no longer the listing's NDA.
 */
export async function acceptNda(actor: Actor, listingId: string, input: NdaAcceptInput, meta: { ipAddress?: string | null } = {}): Promise<AcceptNdaResult> {
  const nda = await getListingNda(listingId);
  if (!nda) return { ok: false, status: 404, error: "inquiries.errors.notFound" };
  if (!holds(actor, "nda:create:own") || !actor.organisationIds.includes(input.organisationId)) {
    return { ok: false, status: 400, error: "errors.chooseOne", field: "organisationId" };
  }
  if (input.organisationId === nda.organisationId) return { ok: false, status: 400, error: "inquiries.errors.ownListing", field: "organisationId" };
  const current = ndaTextHash(nda.ndaText);
  if (input.textHash !== current) return { ok: false, status: 409, error: "inquiries.nda.changed", field: "textHash" };
  const key = { listingId, organisationId: input.organisationId, textHash: current };
  return prisma.$transaction(async (tx) => {
    // ON CONFLICT DO NOTHING: of two clicks racing, one records the acceptance and its audit entry.
    const { count } = await tx.ndaAcceptance.createMany({
      data: [{ ...key, userId: actor.id, ipAddress: meta.ipAddress ?? null }],
      skipDuplicates: true,
    });
    if (count === 0) return { ok: true, alreadyAccepted: true } as const;
    const created = await tx.ndaAcceptance.findUniqueOrThrow({ where: { listingId_organisationId_textHash: key }, select: { id: true } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "nda.accept",
        entityType: "NdaAcceptance",
        entityId: created.id,
        data: { listingId, organisationId: input.organisationId, textHash: current },
        ipAddress: meta.ipAddress,
      },
      tx,
    );
    return { ok: true, alreadyAccepted: false } as const;
  });
}
