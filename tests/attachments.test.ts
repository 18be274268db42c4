import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module reads the environment: this file's uploads go to a fresh directory.
const uploadRoot = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "techex-uploads-"));
  process.env.UPLOAD_DIR = dir;
  return dir;
});

import { prisma } from "~/lib/db.server.ts";
import { localStorage, s3Storage, storage } from "~/lib/storage.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import {
  addAttachments,
  detectFileType,
  listAttachments,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_LISTING,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_LISTING,
  moveAttachment,
  readImageSize,
  removeAttachment,
  sanitiseOriginalName,
  uploadDir,
} from "~/modules/listings/attachments.server.ts";
import attachmentsEn from "~/modules/listings/locales/attachments.en.json";
import attachmentsVi from "~/modules/listings/locales/attachments.vi.json";
import { action as attachmentsAction } from "~/routes/listings.$id_.attachments.tsx";
import { loader as uploadsLoader } from "~/routes/uploads.$.tsx";
import { createAttachment, createListing, createMemberWithOrganisation, createUser } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";
import { readStored, startS3Server, storedKeys, useStorage, type TestS3Server } from "./setup/storage.ts";

// ---------------------------------------------------------------------------
// Real files, built from bytes

/** A valid RGB PNG of w×h (signature, IHDR, one IDAT, IEND). */
function png(width: number, height: number, padTo = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x7f);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0; // filter type None
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows))];
  // A private ancillary chunk pads the file to a size without breaking it.
  const base = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padTo > base + 12) parts.push(chunk("teXx", Buffer.alloc(padTo - base - 12)));
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

// Made with Pillow and checked to decode: a 3×2 baseline JPEG, a 9×4 progressive JPEG,
// an 8×5 JPEG whose EXIF orientation (6) turns it to 5×8, and WebP in its three forms.
const b64 = (s: string) => Buffer.from(s, "base64");
const JPEG_3x2 = b64(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAMDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDHooorhPqD/9k=",
);
const JPEG_PROGRESSIVE_9x4 = b64(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wgARCAAEAAkDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAVAQEBAAAAAAAAAAAAAAAAAAADBf/aAAwDAQACEAMQAAABlCoX/8QAFBABAAAAAAAAAAAAAAAAAAAAEP/aAAgBAQABBQI//8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAwEBPwF//8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAgEBPwF//8QAFBABAAAAAAAAAAAAAAAAAAAAEP/aAAgBAQAGPwI//8QAFBABAAAAAAAAAAAAAAAAAAAAEP/aAAgBAQABPyE//9oADAMBAAIAAwAAABD/AP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQMBAT8Qf//EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQIBAT8Qf//EABQQAQAAAAAAAAAAAAAAAAAAABD/2gAIAQEAAT8QP//Z",
);
const JPEG_EXIF_ROTATED_8x5 = b64(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/4QAiRXhpZgAATU0AKgAAAAgAAQESAAMAAAABAAYAAAAAAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAFAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwBKKKK8U+bP/9k=",
);
const WEBP_LOSSY_5x7 = b64("UklGRjoAAABXRUJQVlA4IC4AAACwAQCdASoFAAcAAsBMJaACdAEO/gLsAP74Ryo/9tD//20P//bQ/6jvBskU5IAA");
const WEBP_LOSSLESS_6x4 = b64("UklGRhwAAABXRUJQVlA4TA8AAAAvBcAAAAfQ/4j+ByKi/wEA");
const WEBP_EXTENDED_11x3 = b64(
  "UklGRmQAAABXRUJQVlA4WAoAAAAQAAAACgAAAgAAQUxQSA8AAAABB1DAiAgABOF/20RE/1MAVlA4IC4AAADQAQCdASoLAAMAAsBMJaACdLoB+AADsAD+3UR/8/M7txf1W/+vR/PR/PR/jhAA",
);

function pdf(size = 0): Buffer {
  const body = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n";
  const head = Buffer.from(body, "latin1");
  const tail = Buffer.from("%%EOF\n", "latin1");
  const pad = Math.max(0, size - head.length - tail.length);
  return Buffer.concat([head, Buffer.alloc(pad, 0x20), tail]);
}

const PHP = Buffer.from("<?php system($_GET['c']); ?>\n");
const HTML = Buffer.from("<!doctype html><script>alert(document.cookie)</script>");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

type Upload = { name: string; bytes: Buffer; type?: string };
const file = (name: string, bytes: Buffer, type = "application/octet-stream"): Upload => ({ name, bytes, type });
const toFile = (u: Upload) => new File([new Uint8Array(u.bytes)], u.name, { type: u.type });
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const KEY = (listingId: string, ext: string) => new RegExp(`^listings/${listingId}/[0-9a-f]{32}\\.${ext}$`);

// ---------------------------------------------------------------------------
// People and requests

async function cookieFor(userId: string) {
  const header = await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" });
  return header.split(";")[0]!;
}

function uploadRequest(listingId: string, uploads: Upload[], options: { cookie?: string; html?: boolean } = {}) {
  const body = new FormData();
  body.set("intent", "upload");
  for (const u of uploads) body.append("files", toFile(u));
  const headers = new Headers();
  if (options.cookie) headers.set("Cookie", options.cookie);
  if (options.html) headers.set("Accept", "text/html,application/xhtml+xml");
  return new Request(`http://localhost/listings/${listingId}/attachments`, { method: "POST", body, headers });
}

function intentRequest(listingId: string, fields: Record<string, string>, options: { cookie?: string; html?: boolean } = {}) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  if (options.cookie) headers.set("Cookie", options.cookie);
  if (options.html) headers.set("Accept", "text/html,application/xhtml+xml");
  return new Request(`http://localhost/listings/${listingId}/attachments`, { method: "POST", body: new URLSearchParams(fields), headers });
}

const post = (request: Request, listingId: string) => settle(call(attachmentsAction, request, { params: { id: listingId } }));
const fetchUpload = (key: string, cookie?: string) =>
  settle(call(uploadsLoader, getRequest(`/uploads/${encodeURIComponent(key)}`, cookie), { params: { "*": key } }));

/** Every file under the local upload directory, relative to it. */
function filesOnDisk(under = ""): string[] {
  const dir = path.join(uploadRoot, under);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(uploadRoot, path.join(d.parentPath, d.name)));
}

let owner: { id: string; cookie: string };
let organisationId: string;
let stranger: { id: string; cookie: string };
let broker: { id: string; cookie: string };
let s3: TestS3Server;

beforeAll(async () => {
  s3 = await startS3Server();
  const a = await createMemberWithOrganisation();
  owner = { id: a.user.id, cookie: await cookieFor(a.user.id) };
  organisationId = a.organisation.id;
  const b = await createMemberWithOrganisation();
  stranger = { id: b.user.id, cookie: await cookieFor(b.user.id) };
  const c = await createUser({ roles: ["member", "broker"] });
  broker = { id: c.id, cookie: await cookieFor(c.id) };
});

afterAll(async () => {
  await s3.stop();
  rmSync(uploadRoot, { recursive: true, force: true });
});

const ownerActor = async () => (await loadActor(owner.id))!;

// ---------------------------------------------------------------------------

describe("reading file types and image sizes from bytes", () => {
  it("knows JPEG, PNG, WebP and PDF by their magic bytes and nothing else", () => {
    expect(detectFileType(JPEG_3x2)?.contentType).toBe("image/jpeg");
    expect(detectFileType(png(2, 2))?.contentType).toBe("image/png");
    expect(detectFileType(WEBP_LOSSY_5x7)?.contentType).toBe("image/webp");
    expect(detectFileType(pdf())).toEqual({ kind: "DOCUMENT", contentType: "application/pdf", ext: "pdf" });
    for (const other of [PHP, HTML, SVG, GIF, Buffer.from("RIFF\0\0\0\0WAVEfmt "), Buffer.from([0xff, 0xd8]), Buffer.alloc(0)]) {
      expect(detectFileType(other)).toBeNull();
    }
  });

  it("reads width and height of each format", () => {
    expect(readImageSize(png(4, 3))).toEqual({ width: 4, height: 3 });
    expect(readImageSize(png(1200, 1))).toEqual({ width: 1200, height: 1 });
    expect(readImageSize(JPEG_3x2)).toEqual({ width: 3, height: 2 });
    expect(readImageSize(JPEG_PROGRESSIVE_9x4)).toEqual({ width: 9, height: 4 });
    expect(readImageSize(JPEG_EXIF_ROTATED_8x5)).toEqual({ width: 5, height: 8 });
    expect(readImageSize(WEBP_LOSSY_5x7)).toEqual({ width: 5, height: 7 });
    expect(readImageSize(WEBP_LOSSLESS_6x4)).toEqual({ width: 6, height: 4 });
    expect(readImageSize(WEBP_EXTENDED_11x3)).toEqual({ width: 11, height: 3 });
  });

  it("gives up on truncated or damaged headers instead of guessing", () => {
    expect(readImageSize(JPEG_3x2.subarray(0, 100))).toBeNull();
    expect(readImageSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toBeNull();
    expect(readImageSize(png(4, 3).subarray(0, 20))).toBeNull();
    expect(readImageSize(WEBP_LOSSY_5x7.subarray(0, 20))).toBeNull();
    expect(readImageSize(pdf())).toBeNull();
    const zeroWide = png(4, 3);
    zeroWide.writeUInt32BE(0, 16);
    expect(readImageSize(zeroWide)).toBeNull();
  });

  it("keeps a client's file name for display only", () => {
    expect(sanitiseOriginalName("../../etc/passwd.png")).toBe("passwd.png");
    expect(sanitiseOriginalName("C:\\Users\\an\\Ảnh máy.jpg")).toBe("Ảnh máy.jpg");
    expect(sanitiseOriginalName("a\u0000b\r\nc\u202Egnp.exe")).toBe("abcgnp.exe");
    expect(sanitiseOriginalName("x".repeat(500) + ".pdf")).toHaveLength(200);
    expect(sanitiseOriginalName("../", "image.png")).toBe("image.png");
    expect(sanitiseOriginalName("\u0001\u0002", "document.pdf")).toBe("document.pdf");
  });

  it("states the same limits in words as the code enforces", () => {
    for (const catalogue of [attachmentsVi, attachmentsEn]) {
      const limits = catalogue.attachments.manager.limits;
      expect(limits).toContain(`${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
      expect(limits).toContain(`${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
      expect(limits).toContain(String(MAX_IMAGES_PER_LISTING));
      expect(limits).toContain(String(MAX_DOCUMENTS_PER_LISTING));
      expect(catalogue.attachments.errors.tooManyImages).toContain(String(MAX_IMAGES_PER_LISTING));
      expect(catalogue.attachments.errors.tooManyDocuments).toContain(String(MAX_DOCUMENTS_PER_LISTING));
      expect(catalogue.attachments.manager.images).toContain(String(MAX_IMAGES_PER_LISTING));
      expect(catalogue.attachments.manager.documents).toContain(String(MAX_DOCUMENTS_PER_LISTING));
    }
  });
});

// Everything that stores or serves a file runs once on each driver: local disk (npm start)
// and S3 (s3rver, a real S3-compatible server over HTTP, as MinIO is in docker-compose.yml).
describe.each(["local", "s3"] as const)("%s storage", (driver) => {
  beforeAll(async () => {
    await useStorage(driver === "local" ? localStorage() : s3Storage(s3.config()));
  });

  describe("uploading", () => {
    it("uses the test's own upload directory, or the bucket and not the disk", () => {
      expect(uploadDir()).toBe(path.resolve(uploadRoot));
      expect(storage().driver).toBe(driver);
    });

    it("stores each file under a server-chosen key with the type its bytes show", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const uploads = [
        file("../../etc/passwd.png", png(4, 3), "image/png"),
        file("evil.php", JPEG_3x2, "application/x-php"),
        file("ảnh sản phẩm.webp", WEBP_LOSSY_5x7, "image/webp"),
        file("Hồ sơ kỹ thuật.pdf", pdf(), "application/pdf"),
        file("photo.gif", WEBP_LOSSLESS_6x4, "image/gif"),
      ];
      const response = await post(uploadRequest(listing.id, uploads, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, errors: [] });

      const rows = await prisma.attachment.findMany({ where: { listingId: listing.id }, orderBy: { position: "asc" } });
      expect(rows.map((r) => [r.kind, r.contentType, r.width, r.height, r.position])).toEqual([
        ["IMAGE", "image/png", 4, 3, 0],
        ["IMAGE", "image/jpeg", 3, 2, 1],
        ["IMAGE", "image/webp", 5, 7, 2],
        ["DOCUMENT", "application/pdf", null, null, 3],
        ["IMAGE", "image/webp", 6, 4, 4],
      ]);
      expect(rows.map((r) => r.originalName)).toEqual(["passwd.png", "evil.php", "ảnh sản phẩm.webp", "Hồ sơ kỹ thuật.pdf", "photo.gif"]);
      expect(rows.map((r) => r.storageKey.split(".").pop())).toEqual(["png", "jpg", "webp", "pdf", "webp"]);
      for (const [i, row] of rows.entries()) {
        expect(row.storageKey).toMatch(KEY(listing.id, row.storageKey.split(".").pop()!));
        expect(row.storageKey).not.toContain("passwd");
        expect(row.storageKey).not.toContain("php");
        expect(row.byteSize).toBe(uploads[i]!.bytes.length);
        expect(row.sha256).toBe(sha256(uploads[i]!.bytes));
        expect(row.uploadedById).toBe(owner.id);
        expect(await readStored(row.storageKey)).toEqual(uploads[i]!.bytes);
      }
      // Exactly the five files, no temporary leftovers, nothing outside the listing's folder.
      expect(await storedKeys(`listings/${listing.id}/`)).toEqual(rows.map((r) => r.storageKey).sort());
      expect(await storedKeys("etc/")).toEqual([]);
      expect(existsSync(path.join(uploadRoot, "etc"))).toBe(false);
      if (driver === "s3") expect(filesOnDisk(`listings/${listing.id}`)).toEqual([]);

      const views = await listAttachments(listing.id);
      expect(views[0]).toEqual({
        id: rows[0]!.id,
        kind: "IMAGE",
        url: `/uploads/${rows[0]!.storageKey}`,
        originalName: "passwd.png",
        contentType: "image/png",
        byteSize: rows[0]!.byteSize,
        width: 4,
        height: 3,
      });
    });

    it("returns the added files from the service and sanitises names given to it directly", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const result = await addAttachments(await ownerActor(), listing.id, [toFile(file("../../etc/passwd.png", png(2, 5)))]);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.added).toHaveLength(1);
      expect(result.added[0]).toMatchObject({ originalName: "passwd.png", contentType: "image/png", width: 2, height: 5 });
      expect(result.added[0]!.url).toMatch(new RegExp(`^/uploads/listings/${listing.id}/[0-9a-f]{32}\\.png$`));
    });

    it("refuses files whose name or declared type lies about what they are", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const liars = [
        file("photo.jpg", PHP, "image/jpeg"),
        file("photo.png", HTML, "image/png"),
        file("logo.svg", SVG, "image/svg+xml"),
        file("anim.gif", GIF, "image/gif"),
        file("report.pdf", Buffer.from("just text, not a PDF"), "application/pdf"),
        file("empty.jpg", Buffer.alloc(0), "image/jpeg"),
      ];
      for (const liar of liars) {
        const response = await post(uploadRequest(listing.id, [liar], { cookie: owner.cookie }), listing.id);
        expect(response.status, liar.name).toBe(400);
        const body = await response.json();
        expect(body.ok).toBe(false);
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0].file).toBe(liar.name);
        expect(["attachments.errors.unsupportedType", "attachments.errors.emptyFile"]).toContain(body.errors[0].message);
      }
      // JPEG magic bytes in front of a script are not an image either.
      const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), PHP]);
      const result = await addAttachments(await ownerActor(), listing.id, [toFile(file("shell.jpg", fake))]);
      expect(result).toEqual({ ok: false, errors: [{ file: "shell.jpg", message: "attachments.errors.unreadableImage" }] });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(0);
      expect(await storedKeys(`listings/${listing.id}/`)).toEqual([]);
    });

    it("refuses oversize files with a clear 413, by the limit of their real type", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const bigImage = file("big.png", png(10, 10, MAX_IMAGE_BYTES + 1), "image/png");
      const bigPdf = file("big.pdf", pdf(MAX_DOCUMENT_BYTES + 1), "application/pdf");
      // A PDF over the image limit is fine: its type decides its limit, not its name.
      const mediumPdf = file("medium.jpg", pdf(MAX_IMAGE_BYTES + 1024), "image/jpeg");

      let response = await post(uploadRequest(listing.id, [bigImage], { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ ok: false, errors: [{ file: "big.png", message: "attachments.errors.imageTooLarge" }] });

      response = await post(uploadRequest(listing.id, [bigPdf], { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ ok: false, errors: [{ file: "big.pdf", message: "attachments.errors.documentTooLarge" }] });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(0);

      // The service checks sizes too, for callers that don't come through the route.
      const direct = await addAttachments(await ownerActor(), listing.id, [toFile(bigImage)]);
      expect(direct).toEqual({ ok: false, errors: [{ file: "big.png", message: "attachments.errors.imageTooLarge" }] });

      response = await post(uploadRequest(listing.id, [mediumPdf], { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(200);
      const [row] = await prisma.attachment.findMany({ where: { listingId: listing.id } });
      expect(row).toMatchObject({ kind: "DOCUMENT", contentType: "application/pdf", originalName: "medium.jpg" });
      expect(row!.storageKey).toMatch(KEY(listing.id, "pdf"));
    });

    it("keeps a listing to 12 images and 5 PDFs", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const images = Array.from({ length: MAX_IMAGES_PER_LISTING }, (_, i) => file(`a${i}.png`, png(i + 1, 1)));
      const actor = await ownerActor();

      // Thirteen at once: refused as a whole.
      const tooMany = await addAttachments(actor, listing.id, [...images, file("extra.png", png(2, 2))].map(toFile));
      expect(tooMany).toEqual({ ok: false, errors: [{ file: "", message: "attachments.errors.tooManyImages" }] });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(0);

      expect((await addAttachments(actor, listing.id, images.slice(0, 10).map(toFile))).ok).toBe(true);
      expect((await addAttachments(actor, listing.id, images.slice(10).map(toFile))).ok).toBe(true);
      const response = await post(uploadRequest(listing.id, [file("thirteenth.jpg", JPEG_3x2)], { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ ok: false, errors: [{ file: "", message: "attachments.errors.tooManyImages" }] });

      const pdfs = Array.from({ length: MAX_DOCUMENTS_PER_LISTING }, (_, i) => toFile(file(`d${i}.pdf`, pdf(100 + i))));
      expect((await addAttachments(actor, listing.id, pdfs)).ok).toBe(true);
      expect(await addAttachments(actor, listing.id, [toFile(file("sixth.pdf", pdf()))])).toEqual({
        ok: false,
        errors: [{ file: "", message: "attachments.errors.tooManyDocuments" }],
      });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(MAX_IMAGES_PER_LISTING + MAX_DOCUMENTS_PER_LISTING);
      expect(await storedKeys(`listings/${listing.id}/`)).toHaveLength(MAX_IMAGES_PER_LISTING + MAX_DOCUMENTS_PER_LISTING);
      // Positions follow the upload order.
      const positions = (await prisma.attachment.findMany({ where: { listingId: listing.id }, orderBy: { position: "asc" } })).map((r) => r.originalName);
      expect(positions).toEqual([...images.map((i) => i.name), ...pdfs.map((p) => p.name)]);
    });

    it("stores nothing when one file of a batch is bad", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const batch = [file("good.png", png(3, 3)), file("good.pdf", pdf()), file("photo.jpg", PHP, "image/jpeg"), file("good.jpg", JPEG_3x2)];
      const response = await post(uploadRequest(listing.id, batch, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ ok: false, errors: [{ file: "photo.jpg", message: "attachments.errors.unsupportedType" }] });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(0);
      expect(await storedKeys(`listings/${listing.id}/`)).toEqual([]);

      // Same with an oversize file in the batch, which the route stops reading early.
      const oversize = await post(uploadRequest(listing.id, [file("ok.png", png(2, 2)), file("big.png", png(2, 2, MAX_IMAGE_BYTES + 10))], { cookie: owner.cookie }), listing.id);
      expect(oversize.status).toBe(413);
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(0);
      expect(await storedKeys(`listings/${listing.id}/`)).toEqual([]);
    });

    it("sends a plain form post back to the edit page, with the errors in the URL when refused", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const ok = await post(uploadRequest(listing.id, [file("a.png", png(2, 2))], { cookie: owner.cookie, html: true }), listing.id);
      expect(ok.status).toBe(302);
      expect(ok.headers.get("Location")).toBe(`/listings/${listing.id}/edit`);

      const refused = await post(uploadRequest(listing.id, [file("x.jpg", HTML)], { cookie: owner.cookie, html: true }), listing.id);
      expect(refused.status).toBe(302);
      const location = new URL(refused.headers.get("Location")!, "http://localhost");
      expect(location.pathname).toBe(`/listings/${listing.id}/edit`);
      expect(location.searchParams.getAll("attachmentError")).toEqual(["attachments.errors.unsupportedType:x.jpg"]);
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(1);
    });

    it("answers 400 to an upload without files or with an unknown intent", async () => {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const empty = await post(uploadRequest(listing.id, [], { cookie: owner.cookie }), listing.id);
      expect(empty.status).toBe(400);
      expect((await empty.json()).errors).toEqual([{ file: "", message: "attachments.errors.noFiles" }]);
      const unknown = await post(intentRequest(listing.id, { intent: "delete-everything" }, { cookie: owner.cookie }), listing.id);
      expect(unknown.status).toBe(400);
      expect((await unknown.json()).errors).toEqual([{ file: "", message: "attachments.errors.badRequest" }]);
      const garbled = new Request(`http://localhost/listings/${listing.id}/attachments`, {
        method: "POST",
        body: "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\nnot closed",
        headers: { "Content-Type": "multipart/form-data; boundary=x", Cookie: owner.cookie },
      });
      const garbledResponse = await post(garbled, listing.id);
      expect(garbledResponse.status).toBe(400);
    });
  });

  describe("removing and reordering", () => {
    async function listingWithFiles() {
      const listing = await createListing(organisationId, { status: "DRAFT" });
      const result = await addAttachments(await ownerActor(), listing.id, [
        toFile(file("one.png", png(1, 1))),
        toFile(file("doc.pdf", pdf())),
        toFile(file("two.png", png(2, 2))),
        toFile(file("three.jpg", JPEG_3x2)),
      ]);
      if (!result.ok) throw new Error("setup failed");
      return { listing, ids: Object.fromEntries(result.added.map((a) => [a.originalName, a.id])) as Record<string, string> };
    }
    const order = async (listingId: string) => (await listAttachments(listingId)).map((a) => a.originalName);

    it("moves an image among the images, past the PDFs", async () => {
      const { listing, ids } = await listingWithFiles();
      let response = await post(intentRequest(listing.id, { intent: "move-up", attachmentId: ids["two.png"]! }, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(200);
      expect(await order(listing.id)).toEqual(["two.png", "doc.pdf", "one.png", "three.jpg"]);
      // Already first among the images: nothing moves.
      response = await post(intentRequest(listing.id, { intent: "move-up", attachmentId: ids["two.png"]! }, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(200);
      expect(await order(listing.id)).toEqual(["two.png", "doc.pdf", "one.png", "three.jpg"]);
      response = await post(intentRequest(listing.id, { intent: "move-down", attachmentId: ids["one.png"]! }, { cookie: owner.cookie, html: true }), listing.id);
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe(`/listings/${listing.id}/edit`);
      expect(await order(listing.id)).toEqual(["two.png", "doc.pdf", "three.jpg", "one.png"]);
      await moveAttachment(await ownerActor(), listing.id, ids["doc.pdf"]!, "down");
      expect(await order(listing.id)).toEqual(["two.png", "doc.pdf", "three.jpg", "one.png"]);
    });

    it("removes the row and the file", async () => {
      const { listing, ids } = await listingWithFiles();
      const row = await prisma.attachment.findUniqueOrThrow({ where: { id: ids["two.png"]! } });
      expect(await storage().exists(row.storageKey)).toBe(true);
      const response = await post(intentRequest(listing.id, { intent: "remove", attachmentId: row.id }, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(200);
      expect(await prisma.attachment.findUnique({ where: { id: row.id } })).toBeNull();
      expect(await storage().exists(row.storageKey)).toBe(false);
      expect(await order(listing.id)).toEqual(["one.png", "doc.pdf", "three.jpg"]);
      expect(await storedKeys(`listings/${listing.id}/`)).toHaveLength(3);
    });

    it("answers 404 for an attachment of another listing", async () => {
      const { listing } = await listingWithFiles();
      const other = await listingWithFiles();
      const response = await post(intentRequest(listing.id, { intent: "remove", attachmentId: other.ids["one.png"]! }, { cookie: owner.cookie }), listing.id);
      expect(response.status).toBe(404);
      expect(await prisma.attachment.count({ where: { listingId: other.listing.id } })).toBe(4);
    });

    it("lets no one outside the organisation upload, remove or move: 404 for members and brokers, login for visitors", async () => {
      const { listing, ids } = await listingWithFiles();
      const before = await prisma.attachment.findMany({ where: { listingId: listing.id }, orderBy: { id: "asc" } });
      const attempts = (cookie?: string) => [
        uploadRequest(listing.id, [file("a.png", png(2, 2))], { cookie }),
        intentRequest(listing.id, { intent: "remove", attachmentId: ids["one.png"]! }, { cookie }),
        intentRequest(listing.id, { intent: "move-down", attachmentId: ids["one.png"]! }, { cookie }),
        intentRequest(listing.id, { intent: "move-up", attachmentId: ids["three.jpg"]! }, { cookie }),
      ];
      for (const cookie of [stranger.cookie, broker.cookie]) {
        for (const request of attempts(cookie)) expect((await post(request, listing.id)).status).toBe(404);
      }
      for (const request of attempts()) {
        const response = await post(request, listing.id);
        expect(response.status).toBe(302);
        expect(response.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
      }
      // A listing that doesn't exist looks the same as one that isn't yours.
      expect((await post(uploadRequest("nope", [file("a.png", png(2, 2))], { cookie: owner.cookie }), "nope")).status).toBe(404);
      expect(await prisma.attachment.findMany({ where: { listingId: listing.id }, orderBy: { id: "asc" } })).toEqual(before);
      expect(await storedKeys(`listings/${listing.id}/`)).toHaveLength(4);
      const strangerActor = (await loadActor(stranger.id))!;
      await expect(removeAttachment(strangerActor, listing.id, ids["one.png"]!)).rejects.toMatchObject({ status: 404 });
    });
  });

  describe("serving /uploads", () => {
    async function uploaded(status: "PUBLISHED" | "DRAFT") {
      const listing = await createListing(organisationId, { status });
      const result = await addAttachments(await ownerActor(), listing.id, [
        toFile(file("máy sấy.png", png(4, 3))),
        toFile(file('Hồ sơ "kỹ thuật"; v2.pdf', pdf())),
      ]);
      if (!result.ok) throw new Error("setup failed");
      const key = (i: number) => result.added[i]!.url.replace(/^\/uploads\//, "");
      return { listing, image: key(0), document: key(1) };
    }

    it("serves a published listing's image to a visitor with safe headers", async () => {
      const { image } = await uploaded("PUBLISHED");
      const response = await fetchUpload(image);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("image/png");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Disposition")).toBe("inline");
      expect(response.headers.get("Cache-Control")).toBe("private, max-age=3600");
      expect(Buffer.from(await response.arrayBuffer())).toEqual(png(4, 3));
      expect(response.headers.get("Content-Length")).toBe(String(png(4, 3).length));
    });

    it("serves a PDF as a download under its UTF-8 name", async () => {
      const { document } = await uploaded("PUBLISHED");
      const response = await fetchUpload(document);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      const disposition = response.headers.get("Content-Disposition")!;
      expect(disposition).toMatch(/^attachment; filename="Ho so _ky thuat__ v2\.pdf"; filename\*=UTF-8''/);
      const encoded = disposition.split("filename*=UTF-8''")[1]!;
      expect(encoded).not.toMatch(/[\s"';]/);
      expect(decodeURIComponent(encoded)).toBe('Hồ sơ "kỹ thuật"; v2.pdf');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(pdf());
    });

    it("shows a draft listing's files only to those who may read the listing", async () => {
      const { image, document } = await uploaded("DRAFT");
      for (const key of [image, document]) {
        expect((await fetchUpload(key)).status).toBe(404);
        expect((await fetchUpload(key, stranger.cookie)).status).toBe(404);
        expect((await fetchUpload(key, owner.cookie)).status).toBe(200);
        expect((await fetchUpload(key, broker.cookie)).status).toBe(200);
      }
    });

    it("stops serving a listing's files when it is no longer public", async () => {
      const { listing, image } = await uploaded("PUBLISHED");
      await prisma.listing.update({ where: { id: listing.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await fetchUpload(image)).status).toBe(404);
      expect((await fetchUpload(image, owner.cookie)).status).toBe(200);
    });

    it("answers 404 to traversal and to keys it didn't give out", async () => {
      const { listing, image } = await uploaded("PUBLISHED");
      // A file in the store's shape but without a row is not served either.
      const stray = `listings/${listing.id}/${"a".repeat(32)}.png`;
      await storage().put(stray, png(1, 1), { contentType: "image/png" });
      // Nor is a row whose key isn't in the server's format (the factory's keys).
      const foreign = await createAttachment(listing.id, { storageKey: `listings/${listing.id}/../../../etc/passwd` });
      const keys = [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e/%2e%2e/etc/passwd",
        "..\\..\\etc\\passwd",
        `listings/${listing.id}/../../../etc/passwd`,
        `listings/${listing.id}/..%2f..%2f..%2fetc%2fpasswd`,
        `${image}/../../../../etc/passwd`,
        `/${image}`,
        `${image}%00`,
        `${image}\u0000.txt`,
        image.toUpperCase(),
        `./${image}`,
        `listings/../listings/${listing.id}/${image.split("/").pop()}`,
        stray,
        foreign.storageKey,
        "",
      ];
      for (const key of keys) {
        const response = await fetchUpload(key, owner.cookie);
        expect(response.status, key).toBe(404);
        expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      }
      expect((await fetchUpload(image)).status).toBe(200);
    });
  });
});
