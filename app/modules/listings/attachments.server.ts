import { createHash, randomBytes } from "node:crypto";
import { unstable_parseMultipartFormData, type UploadHandler, type UploadHandlerPart } from "@remix-run/node";
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { storage, type ListedObject } from "~/lib/storage.server.ts";
import { getActor } from "~/modules/auth/actor.server.ts";
import { can, scopeOf, type Actor } from "~/modules/auth/permissions.ts";
import { publicListingWhere } from "./catalogue.server.ts";
import { listingScopeWhere } from "./listings.server.ts";

/**
 * Images and PDF attachments of a listing (DESIGN.md §2, §11). The type of a file
 * is decided from its first bytes only; the client's name and declared type are
 * never trusted, and files live under keys the server chooses.
 *
 * The limits are repeated in words in locales/attachments.*.json (a test keeps
 * the two in step): components can't import a .server module.
 */
export const MB = 1024 * 1024;
export const MAX_IMAGE_BYTES = 5 * MB;
export const MAX_IMAGES_PER_LISTING = 12;
export const MAX_DOCUMENT_BYTES = 10 * MB;
export const MAX_DOCUMENTS_PER_LISTING = 5;
/** Larger images are refused: a few KB of PNG can declare a picture that takes gigabytes to decode. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_ORIGINAL_NAME_LENGTH = 200;
/** A request can't legitimately carry more than a listing may hold. */
export const MAX_FILES_PER_REQUEST = MAX_IMAGES_PER_LISTING + MAX_DOCUMENTS_PER_LISTING;
const MAX_REQUEST_BYTES = MAX_IMAGES_PER_LISTING * MAX_IMAGE_BYTES + MAX_DOCUMENTS_PER_LISTING * MAX_DOCUMENT_BYTES + MB;
const MAX_FIELD_BYTES = 1024;

export type AttachmentKind = "IMAGE" | "DOCUMENT";

export type AttachmentView = {
  id: string;
  kind: AttachmentKind;
  url: string;
  originalName: string;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
};

/** `message` is an i18n key under `attachments.errors`; `file` is the client's (sanitised) name or "". */
export type AttachmentError = { file: string; message: string };
export type AttachmentResult<T = object> = ({ ok: true } & T) | { ok: false; errors: AttachmentError[] };

// ---------------------------------------------------------------------------
// Detecting the type and reading image dimensions from the bytes

export type DetectedType = { kind: AttachmentKind; contentType: string; ext: "jpg" | "png" | "webp" | "pdf" };

const TYPES = {
  jpeg: { kind: "IMAGE", contentType: "image/jpeg", ext: "jpg" },
  png: { kind: "IMAGE", contentType: "image/png", ext: "png" },
  webp: { kind: "IMAGE", contentType: "image/webp", ext: "webp" },
  pdf: { kind: "DOCUMENT", contentType: "application/pdf", ext: "pdf" },
} as const satisfies Record<string, DetectedType>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>, at = 0) {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
const ascii = (s: string) => Buffer.from(s, "latin1");

/** The type named by the file's magic bytes, or null for anything we don't accept. */
export function detectFileType(bytes: Uint8Array): DetectedType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return TYPES.jpeg;
  if (startsWith(bytes, PNG_SIGNATURE)) return TYPES.png;
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return TYPES.webp;
  if (startsWith(bytes, ascii("%PDF-"))) return TYPES.pdf;
  return null;
}

/** Width and height as a browser shows the image (JPEG's EXIF rotation applied), or null when the header can't be read. */
export function readImageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = detectFileType(buf);
  const size = type === TYPES.png ? pngSize(buf) : type === TYPES.jpeg ? jpegSize(buf) : type === TYPES.webp ? webpSize(buf) : null;
  return size && size.width > 0 && size.height > 0 ? size : null;
}

function pngSize(buf: Buffer) {
  // The first chunk must be IHDR: length, "IHDR", width, height (big-endian).
  if (buf.length < 24 || buf.toString("latin1", 12, 16) !== "IHDR") return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(buf: Buffer) {
  let offset = 2;
  let orientation = 1;
  while (offset + 4 <= buf.length) {
    if (buf[offset] !== 0xff) return null;
    const marker = buf[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    const length = buf.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > buf.length) return null;
    if (marker === 0xe1) orientation = exifOrientation(buf.subarray(offset + 4, offset + 2 + length)) ?? orientation;
    if (JPEG_SOF.has(marker)) {
      if (length < 7) return null;
      const height = buf.readUInt16BE(offset + 5);
      const width = buf.readUInt16BE(offset + 7);
      // Orientations 5–8 turn the picture a quarter: browsers show it with the sides swapped.
      return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
    }
    offset += 2 + length;
  }
  return null;
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment's payload. */
function exifOrientation(app1: Buffer): number | null {
  if (app1.length < 14 || app1.toString("latin1", 0, 6) !== "Exif\0\0") return null;
  const tiff = app1.subarray(6);
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const le = order === "II";
  const u16 = (at: number) => (at + 2 <= tiff.length ? (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : null);
  const u32 = (at: number) => (at + 4 <= tiff.length ? (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)) : null);
  const ifd = u32(4);
  if (ifd === null) return null;
  const count = u16(ifd);
  if (count === null) return null;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) return u16(entry + 8);
  }
  return null;
}

function webpSize(buf: Buffer) {
  if (buf.length < 30) return null;
  const chunk = buf.toString("latin1", 12, 16);
  if (chunk === "VP8 ") {
    // Lossy: a key frame's start code, then 14-bit width and height.
    if (!startsWith(buf, [0x9d, 0x01, 0x2a], 23)) return null;
    return { width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (buf[20] !== 0x2f) return null;
    const bits = buf.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    // Extended: canvas width-1 and height-1, 24 bits each.
    return { width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Storage

const KEY_PATTERN = /^listings\/[A-Za-z0-9_-]{1,64}\/[0-9a-f]{32}\.(?:jpg|png|webp|pdf)$/;

/** Whether `key` has exactly the shape the server gives keys (no dots, slashes or encodings to play with). */
export function isStorageKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The local driver's directory (orgs/verification-documents.server.ts still writes there itself). */
export { uploadDir } from "~/lib/storage.server.ts";

const newStorageKey = (listingId: string, ext: string) => `listings/${listingId}/${randomBytes(16).toString("hex")}.${ext}`;

// ---------------------------------------------------------------------------
// Reading the request

/** Keeps a client's file name for display only: no path, no control or bidi-override characters, at most 200 characters. */
export function sanitiseOriginalName(name: string, fallback = "file"): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim();
  const kept = Array.from(cleaned).slice(0, MAX_ORIGINAL_NAME_LENGTH).join("").trim();
  return kept && kept !== "." && kept !== ".." ? kept : fallback;
}

export class UploadRefusedError extends Error {
  constructor(
    readonly errors: AttachmentError[],
    readonly status: 400 | 413,
  ) {
    super(errors.map((e) => e.message).join(", "));
    this.name = "UploadRefusedError";
  }
}

function sizeLimitFor(type: DetectedType | null) {
  if (!type) return Math.max(MAX_IMAGE_BYTES, MAX_DOCUMENT_BYTES);
  return type.kind === "IMAGE" ? MAX_IMAGE_BYTES : MAX_DOCUMENT_BYTES;
}

const sizeError = (type: DetectedType | null) =>
  !type ? "attachments.errors.fileTooLarge" : type.kind === "IMAGE" ? "attachments.errors.imageTooLarge" : "attachments.errors.documentTooLarge";

async function drain(part: UploadHandlerPart, limit: number) {
  let total = 0;
  for await (const chunk of part.data) {
    total += chunk.byteLength;
    if (total > limit) throw new UploadRefusedError([{ file: "", message: "attachments.errors.badRequest" }], 400);
  }
}

/**
 * A multipart handler that keeps files in memory but stops reading a part as soon
 * as it passes the limit of the type its first bytes show, and refuses more file
 * parts than a listing may hold. Throws UploadRefusedError.
 */
export function attachmentUploadHandler(): UploadHandler {
  let fileParts = 0;
  return async (part) => {
    if (part.filename === undefined) {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of part.data) {
        total += chunk.byteLength;
        if (total > MAX_FIELD_BYTES) throw new UploadRefusedError([{ file: "", message: "attachments.errors.badRequest" }], 400);
        chunks.push(chunk);
      }
      return Buffer.concat(chunks).toString("utf8");
    }
    if (part.name !== "files") throw new UploadRefusedError([{ file: "", message: "attachments.errors.badRequest" }], 400);
    if (part.filename === "") {
      // An empty file input still sends a part with no name and no bytes.
      await drain(part, 0);
      return undefined;
    }
    const file = sanitiseOriginalName(part.filename);
    if (++fileParts > MAX_FILES_PER_REQUEST) throw new UploadRefusedError([{ file, message: "attachments.errors.tooManyFiles" }], 413);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let type: DetectedType | null = null;
    for await (const chunk of part.data) {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (!type && total >= 12) type = detectFileType(Buffer.concat(chunks));
      if (total > sizeLimitFor(type)) throw new UploadRefusedError([{ file, message: sizeError(type) }], 413);
    }
    // Node's chunks are plain ArrayBuffer views; the cast only narrows the SharedArrayBuffer case out.
    return new File(chunks as BlobPart[], part.filename, { type: part.contentType });
  };
}

/** The fields and files of an attachments form, multipart or not. */
export async function readAttachmentForm(request: Request): Promise<{ ok: true; formData: FormData } | { ok: false; status: 400 | 413; errors: AttachmentError[] }> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) {
    try {
      return { ok: true, formData: await request.formData() };
    } catch {
      return { ok: false, status: 400, errors: [{ file: "", message: "attachments.errors.badRequest" }] };
    }
  }
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_REQUEST_BYTES) return { ok: false, status: 413, errors: [{ file: "", message: "attachments.errors.requestTooLarge" }] };
  try {
    return { ok: true, formData: await unstable_parseMultipartFormData(request, attachmentUploadHandler()) };
  } catch (error) {
    if (error instanceof UploadRefusedError) return { ok: false, status: error.status, errors: error.errors };
    // A malformed body: the client's fault, never a 500.
    return { ok: false, status: 400, errors: [{ file: "", message: "attachments.errors.badRequest" }] };
  }
}

// ---------------------------------------------------------------------------
// Queries

const viewSelect = {
  id: true,
  kind: true,
  storageKey: true,
  originalName: true,
  contentType: true,
  byteSize: true,
  width: true,
  height: true,
} as const;

type ViewRow = { id: string; kind: AttachmentKind; storageKey: string; originalName: string; contentType: string; byteSize: number; width: number | null; height: number | null };

function toView({ storageKey, ...row }: ViewRow): AttachmentView {
  return { ...row, url: `/uploads/${storageKey}` };
}

const ORDER = [{ position: "asc" }, { createdAt: "asc" }, { id: "asc" }] as const;

/** A listing's attachments in display order. Callers decide who may see the listing. */
export async function listAttachments(listingId: string): Promise<AttachmentView[]> {
  const rows = await prisma.attachment.findMany({ where: { listingId }, orderBy: [...ORDER], select: viewSelect });
  return rows.map(toView);
}

/** The listing, if the actor may change it; otherwise the same 404 as a listing that doesn't exist. */
export async function requireAttachmentEditor(actor: Actor, listingId: string) {
  const scope = scopeOf(actor, "listing:update");
  if (!scope) throw notFound();
  const listing = await prisma.listing.findFirst({
    where: { id: listingId, ...listingScopeWhere(scope) },
    select: { id: true, organisationId: true },
  });
  if (!listing || !can(actor, "listing:update", { organisationId: listing.organisationId })) throw notFound();
  return listing;
}

type Checked = { name: string; bytes: Buffer; type: DetectedType; width: number | null; height: number | null };

function checkFile(bytes: Buffer, clientName: string): { ok: true; file: Checked } | { ok: false; error: AttachmentError } {
  const type = detectFileType(bytes);
  const name = sanitiseOriginalName(clientName, type ? `${type.kind === "IMAGE" ? "image" : "document"}.${type.ext}` : "file");
  const refuse = (message: string) => ({ ok: false as const, error: { file: name, message } });
  if (!type) return refuse(bytes.length === 0 ? "attachments.errors.emptyFile" : "attachments.errors.unsupportedType");
  if (bytes.length > sizeLimitFor(type)) return refuse(sizeError(type));
  if (type.kind === "DOCUMENT") return { ok: true, file: { name, bytes, type, width: null, height: null } };
  const size = readImageSize(bytes);
  if (!size) return refuse("attachments.errors.unreadableImage");
  if (size.width * size.height > MAX_IMAGE_PIXELS) return refuse("attachments.errors.imageDimensions");
  return { ok: true, file: { name, bytes, type, ...size } };
}

function countErrors(existing: Record<AttachmentKind, number>, files: Checked[]): AttachmentError[] {
  const adding = (kind: AttachmentKind) => files.filter((f) => f.type.kind === kind).length;
  const errors: AttachmentError[] = [];
  if (existing.IMAGE + adding("IMAGE") > MAX_IMAGES_PER_LISTING) errors.push({ file: "", message: "attachments.errors.tooManyImages" });
  if (existing.DOCUMENT + adding("DOCUMENT") > MAX_DOCUMENTS_PER_LISTING) errors.push({ file: "", message: "attachments.errors.tooManyDocuments" });
  return errors;
}

async function countByKind(db: Pick<typeof prisma, "attachment">, listingId: string): Promise<Record<AttachmentKind, number>> {
  const groups = await db.attachment.groupBy({ by: ["kind"], where: { listingId }, _count: { _all: true } });
  const counts = { IMAGE: 0, DOCUMENT: 0 };
  for (const g of groups) counts[g.kind] = g._count._all;
  return counts;
}

/** The store refused or did not answer: the person is told to try again, nothing is recorded. */
export const STORAGE_UNAVAILABLE = "attachments.errors.storageUnavailable";

class StoreFailed extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

class Refused extends Error {
  constructor(readonly errors: AttachmentError[]) {
    super("refused");
  }
}

/**
 * Stores a batch of files, all or nothing: every file is checked before anything is
 * written, the files are stored before the transaction that records them (so a
 * committed row always has its file), and whatever was stored is removed when that
 * transaction fails. Files a crash leaves without a row are swept later
 * (sweepOrphanedAttachmentFiles); until then no row names them, so none is served.
 */
export async function addAttachments(actor: Actor, listingId: string, files: File[]): Promise<AttachmentResult<{ added: AttachmentView[] }>> {
  const listing = await requireAttachmentEditor(actor, listingId);
  if (files.length === 0) return { ok: false, errors: [{ file: "", message: "attachments.errors.noFiles" }] };
  if (files.length > MAX_FILES_PER_REQUEST) return { ok: false, errors: [{ file: "", message: "attachments.errors.tooManyFiles" }] };

  const checked: Checked[] = [];
  const errors: AttachmentError[] = [];
  for (const file of files) {
    const result = checkFile(Buffer.from(await file.arrayBuffer()), file.name);
    if (result.ok) checked.push(result.file);
    else errors.push(result.error);
  }
  errors.push(...countErrors(await countByKind(prisma, listing.id), checked));
  if (errors.length) return { ok: false, errors };

  const store = storage();
  const staged = checked.map((file) => ({ file, storageKey: newStorageKey(listing.id, file.type.ext) }));
  try {
    // Settled, not raced: the clean-up below must not run while a put is still writing.
    const stored = await Promise.allSettled(staged.map((s) => store.put(s.storageKey, s.file.bytes, { contentType: s.file.type.contentType })));
    for (const result of stored) if (result.status === "rejected") throw new StoreFailed(result.reason);
    const rows = await prisma.$transaction(async (tx) => {
      // Serialises uploads to one listing, so two requests can't both pass the count check.
      await tx.$queryRaw`SELECT id FROM "Listing" WHERE id = ${listing.id} FOR UPDATE`;
      const late = countErrors(await countByKind(tx, listing.id), checked);
      if (late.length) throw new Refused(late);
      const last = await tx.attachment.aggregate({ where: { listingId: listing.id }, _max: { position: true } });
      const start = (last._max.position ?? -1) + 1;
      const created = await tx.attachment.createManyAndReturn({
        data: staged.map((s, i) => ({
          listingId: listing.id,
          kind: s.file.type.kind,
          storageKey: s.storageKey,
          originalName: s.file.name,
          contentType: s.file.type.contentType,
          byteSize: s.file.bytes.length,
          sha256: createHash("sha256").update(s.file.bytes).digest("hex"),
          width: s.file.width,
          height: s.file.height,
          position: start + i,
          uploadedById: actor.id,
        })),
        select: viewSelect,
      });
      return created;
    });
    const byKey = new Map(rows.map((r) => [r.storageKey, r]));
    return { ok: true, added: staged.map((s) => toView(byKey.get(s.storageKey)!)) };
  } catch (error) {
    await Promise.all(staged.map((s) => removeStoredFile(s.storageKey)));
    if (error instanceof Refused) return { ok: false, errors: error.errors };
    if (error instanceof StoreFailed) {
      logger.warn("could not store uploaded files", { listingId: listing.id, error: error.message });
      return { ok: false, errors: [{ file: "", message: STORAGE_UNAVAILABLE }] };
    }
    throw error;
  }
}

async function requireAttachment(actor: Actor, listingId: string, attachmentId: string) {
  const listing = await requireAttachmentEditor(actor, listingId);
  const attachment = await prisma.attachment.findFirst({ where: { id: attachmentId, listingId: listing.id }, select: { id: true, storageKey: true } });
  if (!attachment) throw notFound();
  return attachment;
}

/** Removes a stored file; one that can't be removed now is left for the sweep, never an error for the caller. */
async function removeStoredFile(storageKey: string) {
  await storage()
    .delete(storageKey)
    .catch((error: Error) => logger.warn("could not remove a stored file; the orphan sweep will", { storageKey, error: error.message }));
}

/** Deletes the row, then the file (a file left behind is swept later; a row without its file would be lost). */
export async function removeAttachment(actor: Actor, listingId: string, attachmentId: string): Promise<AttachmentResult> {
  const attachment = await requireAttachment(actor, listingId, attachmentId);
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Listing" WHERE id = ${listingId} FOR UPDATE`;
    await tx.attachment.delete({ where: { id: attachment.id } });
  });
  if (isStorageKey(attachment.storageKey)) await removeStoredFile(attachment.storageKey);
  return { ok: true };
}

/** Moves an attachment one place up or down among those of its kind (images and PDFs are shown apart). */
export async function moveAttachment(actor: Actor, listingId: string, attachmentId: string, direction: "up" | "down"): Promise<AttachmentResult> {
  await requireAttachment(actor, listingId, attachmentId);
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Listing" WHERE id = ${listingId} FOR UPDATE`;
    const all = await tx.attachment.findMany({ where: { listingId }, orderBy: [...ORDER], select: { id: true, kind: true, position: true } });
    const from = all.findIndex((a) => a.id === attachmentId);
    const kind = all[from]?.kind;
    const step = direction === "up" ? -1 : 1;
    let to = from + step;
    while (to >= 0 && to < all.length && all[to]!.kind !== kind) to += step;
    if (from < 0 || to < 0 || to >= all.length) return; // already first or last
    [all[from], all[to]] = [all[to]!, all[from]!];
    // Renumbering also repairs equal positions left by older data.
    for (const [position, a] of all.entries()) {
      if (a.position !== position) await tx.attachment.update({ where: { id: a.id }, data: { position } });
    }
  });
  return { ok: true };
}

// ---------------------------------------------------------------------------
// Serving

export type OpenedAttachment = {
  body: ReadableStream<Uint8Array>;
  kind: AttachmentKind;
  contentType: string;
  byteSize: number;
  fileName: string;
};

/**
 * The file behind `storageKey` if whoever sent `request` may see its listing: anyone
 * for a published listing, otherwise those who may read the listing (its
 * organisation's members, brokers). Null for everything else, so the caller answers 404.
 */
export async function openAttachmentForRequest(request: Request, storageKey: string): Promise<OpenedAttachment | null> {
  if (!isStorageKey(storageKey)) return null;
  const scope = scopeOf(await getActor(request), "listing:read");
  const readable = scope && listingScopeWhere(scope);
  // Prisma reads an empty object inside OR as "matches nothing", so "any" drops the filter instead.
  const visible = !readable ? publicListingWhere() : Object.keys(readable).length === 0 ? undefined : { OR: [publicListingWhere(), readable] };
  const attachment = await prisma.attachment.findFirst({
    where: { storageKey, ...(visible ? { listing: visible } : {}) },
    select: { kind: true, contentType: true, originalName: true },
  });
  if (!attachment) return null;
  const file = await storage()
    .get(storageKey)
    .catch((error: Error) => {
      logger.warn("could not read a stored file", { storageKey, error: error.message });
      throw new Response("Files are unavailable for a moment; please try again.", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "30", "X-Content-Type-Options": "nosniff" },
      });
    });
  if (!file) return null;
  return { body: file.body, kind: attachment.kind, contentType: attachment.contentType, byteSize: file.byteSize, fileName: attachment.originalName };
}

// ---------------------------------------------------------------------------
// Sweeping

/** An upload stores its files before its row commits: younger files may still get their row. */
export const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000;
const SWEEP_BATCH = 500;

/**
 * Removes the files under listings/ that no attachment names and that are older than
 * the grace period: what a crash between storing and committing, a failed removal, or
 * a deleted listing (its rows go with it) left behind. Local temporary files included.
 */
export async function sweepOrphanedAttachmentFiles(options: { now?: Date; graceMs?: number } = {}): Promise<{ checked: number; removed: number }> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? ORPHAN_GRACE_MS);
  const store = storage();
  let checked = 0;
  let removed = 0;
  let batch: ListedObject[] = [];
  const flush = async () => {
    const keys = batch.map((o) => o.key);
    const rows = await prisma.attachment.findMany({ where: { storageKey: { in: keys } }, select: { storageKey: true } });
    const named = new Set(rows.map((r) => r.storageKey));
    for (const key of keys) {
      if (named.has(key)) continue;
      await store.delete(key);
      removed++;
    }
    checked += batch.length;
    batch = [];
  };
  for await (const object of store.list("listings/")) {
    if (object.modifiedAt.getTime() > cutoff) continue;
    batch.push(object);
    if (batch.length >= SWEEP_BATCH) await flush();
  }
  if (batch.length) await flush();
  return { checked, removed };
}
