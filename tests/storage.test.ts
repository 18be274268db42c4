import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseCrontab } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meili } from "~/lib/meili.server.ts";
import { localStorage, s3Storage, storage, type ObjectStorage } from "~/lib/storage.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { crontab, taskList } from "~/modules/jobs/tasks.server.ts";
import { addAttachments, ORPHAN_GRACE_MS, removeAttachment, sweepOrphanedAttachmentFiles } from "~/modules/listings/attachments.server.ts";
import { SWEEP_ATTACHMENT_FILES_TASK } from "~/modules/listings/tasks.server.ts";
import { action as attachmentsAction } from "~/routes/listings.$id_.attachments.tsx";
import { loader as uploadsLoader } from "~/routes/uploads.$.tsx";
import { freePort } from "../scripts/lib/ports.ts";
import { createListing, createMemberWithOrganisation } from "./factories/index.ts";
import { spawnScript, type Spawned } from "./setup/processes.ts";
import { call, getRequest, settle } from "./setup/requests.ts";
import { readStored, setStorage, startS3Server, storedKeys, useStorage, type TestS3Server } from "./setup/storage.ts";

/**
 * The storage interface on both drivers, the sweep of orphaned files, and two real app
 * processes on one database and one S3 bucket serving each other's uploads.
 * The attachment feature itself runs on both drivers in tests/attachments.test.ts.
 */
let s3: TestS3Server;
const work = mkdtempSync(path.join(tmpdir(), "techex-storage-"));
const localRoot = path.join(work, "uploads");

beforeAll(async () => {
  s3 = await startS3Server();
});

afterAll(async () => {
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

const bytes = (text: string) => Buffer.from(text, "utf8");
const text = async (object: Awaited<ReturnType<ObjectStorage["get"]>>) => (object ? Buffer.from(await new Response(object.body).arrayBuffer()).toString("utf8") : null);
const hex = (c: string) => c.repeat(32);

describe.each(["local", "s3"] as const)("the %s driver", (driver) => {
  let store: ObjectStorage;
  beforeAll(async () => {
    store = driver === "local" ? localStorage(() => localRoot) : s3Storage(s3.config());
    await store.prepare();
  });

  it("stores bytes and streams, lists them by prefix, serves them and deletes them", async () => {
    const a = `things/one/${hex("a")}.png`;
    const b = `things/two/${hex("b")}.pdf`;
    await store.put(a, bytes("first"), { contentType: "image/png" });
    await store.put(b, Readable.from([bytes("sec"), bytes("ond")]), { contentType: "application/pdf", byteSize: 6 });
    const got = await store.get(b);
    expect(got?.byteSize).toBe(6);
    expect(await text(got)).toBe("second");
    expect(await store.exists(a)).toBe(true);
    const listed: string[] = [];
    for await (const object of store.list("things/")) {
      listed.push(object.key);
      expect(Math.abs(object.modifiedAt.getTime() - Date.now())).toBeLessThan(120_000);
    }
    expect(listed.sort()).toEqual([a, b]);
    expect(await storedKeysOf(store, "things/one/")).toEqual([a]);
    expect(await storedKeysOf(store, "others/")).toEqual([]);

    // Writing a key again replaces the object whole.
    await store.put(a, bytes("replaced"), { contentType: "image/png" });
    expect(await text(await store.get(a))).toBe("replaced");

    await store.delete(a);
    await store.delete(a); // already gone: no error
    expect(await store.exists(a)).toBe(false);
    expect(await store.get(a)).toBeNull();
    expect(await storedKeysOf(store, "things/")).toEqual([b]);
  });

  it("refuses any key that could name something outside the store, before touching it", async () => {
    const bad = [
      "../outside.png",
      `things/../../${hex("c")}.png`,
      "/etc/passwd",
      `things//${hex("c")}.png`,
      `things/%2e%2e/${hex("c")}.png`,
      `things/a b/${hex("c")}.png`,
      `things\\..\\${hex("c")}.png`,
      `${hex("c")}.png`,
      `things/${hex("c")}.png\u0000`,
      "",
    ];
    for (const key of bad) {
      await expect(store.put(key, bytes("x"), { contentType: "image/png" }), key).rejects.toThrow(/not a storage key/);
      await expect(store.get(key), key).rejects.toThrow(/not a storage key/);
      await expect(store.delete(key), key).rejects.toThrow(/not a storage key/);
    }
    await expect(storedKeysOf(store, "../")).rejects.toThrow(/not a storage prefix/);
    if (driver === "local") expect(readdirSync(work).sort()).toEqual(["uploads"]);
  });
});

async function storedKeysOf(store: ObjectStorage, prefix: string) {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

describe("an S3 bucket", () => {
  it("is created at start when missing, and a second start finds it", async () => {
    const store = s3Storage(s3.config());
    const key = `things/x/${hex("d")}.png`;
    await expect(store.put(key, bytes("x"), { contentType: "image/png" })).rejects.toMatchObject({ name: "NoSuchBucket" });
    await store.prepare();
    await store.prepare();
    await store.put(key, bytes("x"), { contentType: "image/png" });
    expect(await store.exists(key)).toBe(true);
  });

  it("that does not answer stops the start with the reason", async () => {
    const store = s3Storage({ ...s3.config(), endpoint: `http://127.0.0.1:${await freePort()}` });
    await expect(store.prepare()).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("orphaned attachment files", () => {
  let organisationId: string;
  let ownerId: string;
  const dayLater = () => new Date(Date.now() + ORPHAN_GRACE_MS + 60_000);
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC", "base64");
  const pdf = Buffer.from("%PDF-1.4\n%%EOF\n", "latin1");

  beforeAll(async () => {
    const member = await createMemberWithOrganisation();
    organisationId = member.organisation.id;
    ownerId = member.user.id;
    await useStorage(s3Storage(s3.config()));
  });

  async function listingWithFiles() {
    const listing = await createListing(organisationId, { status: "DRAFT" });
    const added = await addAttachments((await loadActor(ownerId))!, listing.id, [new File([png], "a.png"), new File([pdf], "b.pdf")]);
    if (!added.ok) throw new Error("setup failed");
    const keys = (await prisma.attachment.findMany({ where: { listingId: listing.id }, select: { storageKey: true } })).map((r) => r.storageKey).sort();
    return { listing, keys, ids: added.added.map((a) => a.id) };
  }

  it("are swept once a day old; every attachment's file stays", async () => {
    const { listing, keys } = await listingWithFiles();
    // A crash between storing and committing, and the files of a listing since deleted.
    const stray = `listings/${listing.id}/${hex("e")}.png`;
    const ofDeletedListing = `listings/gone-listing/${hex("f")}.pdf`;
    await storage().put(stray, png, { contentType: "image/png" });
    await storage().put(ofDeletedListing, pdf, { contentType: "application/pdf" });

    // Younger than the grace period: an upload in flight may still commit its row.
    expect((await sweepOrphanedAttachmentFiles()).removed).toBe(0);
    expect(await storage().exists(stray)).toBe(true);

    const swept = await sweepOrphanedAttachmentFiles({ now: dayLater() });
    expect(swept.removed).toBe(2);
    expect(await storedKeys(`listings/${listing.id}/`)).toEqual(keys);
    expect(await storage().exists(ofDeletedListing)).toBe(false);
    for (const key of keys) expect(await readStored(key)).not.toBeNull();
  });

  it("are swept by a daily job of the worker", async () => {
    expect(parseCrontab(crontab).filter((item) => item.task === SWEEP_ATTACHMENT_FILES_TASK)).toHaveLength(1);
    // Nothing old enough yet: the job runs, finds every file young, removes nothing.
    const { keys } = await listingWithFiles();
    await taskList[SWEEP_ATTACHMENT_FILES_TASK]!({}, {} as never);
    for (const key of keys) expect(await storage().exists(key)).toBe(true);
  });

  it("include a file whose removal failed: the attachment is removed anyway and its file swept later", async () => {
    const { listing, keys, ids } = await listingWithFiles();
    const real = storage();
    const failing: ObjectStorage = { ...real, delete: () => Promise.reject(new Error("store unavailable")) };
    await useStorage(failing);
    const removedFile = (await prisma.attachment.findUniqueOrThrow({ where: { id: ids[0]! } })).storageKey;
    try {
      expect(await removeAttachment((await loadActor(ownerId))!, listing.id, ids[0]!)).toEqual({ ok: true });
    } finally {
      await useStorage(real);
    }
    expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(1);
    expect(await storage().exists(removedFile)).toBe(true);
    await sweepOrphanedAttachmentFiles({ now: dayLater() });
    expect(await storedKeys(`listings/${listing.id}/`)).toEqual(keys.filter((k) => k !== removedFile));
  });

  it("include a temporary file a crash left on local disk", async () => {
    const real = storage();
    await useStorage(localStorage(() => localRoot));
    try {
      const { listing, keys } = await listingWithFiles();
      const temp = path.join(localRoot, "listings", listing.id, `${hex("9")}.png.${"0".repeat(12)}.tmp`);
      mkdirSync(path.dirname(temp), { recursive: true });
      writeFileSync(temp, png.subarray(0, 10));
      const old = new Date(Date.now() - ORPHAN_GRACE_MS - 60_000);
      utimesSync(temp, old, old);
      expect((await sweepOrphanedAttachmentFiles()).removed).toBe(1);
      expect(existsSync(temp)).toBe(false);
      expect(await storedKeys(`listings/${listing.id}/`)).toEqual(keys);
    } finally {
      await useStorage(real);
    }
  });
});

describe("a store that does not answer", () => {
  it("refuses an upload with a clear 503 and records nothing; its files answer 503, not 500", async () => {
    const member = await createMemberWithOrganisation();
    const listing = await createListing(member.organisation.id, { status: "PUBLISHED" });
    const cookie = (await startSession(member.user.id, getRequest("/"), { clientIp: "203.0.113.8" })).split(";")[0]!;
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC", "base64");
    const upload = () => {
      const body = new FormData();
      body.set("intent", "upload");
      body.append("files", new File([png], "a.png"));
      return settle(call(attachmentsAction, new Request(`http://localhost/listings/${listing.id}/attachments`, { method: "POST", body, headers: { Cookie: cookie } }), { params: { id: listing.id } }));
    };
    const real = storage();
    await useStorage(s3Storage(s3.config()));
    const stored = await upload();
    expect(stored.status).toBe(200);
    const { storageKey } = await prisma.attachment.findFirstOrThrow({ where: { listingId: listing.id } });

    // The server is gone (a closed port): every request is refused at once.
    setStorage(s3Storage({ ...s3.config(), endpoint: `http://127.0.0.1:${await freePort()}` }));
    try {
      const refused = await upload();
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({ ok: false, errors: [{ file: "", message: "attachments.errors.storageUnavailable" }] });
      expect(await prisma.attachment.count({ where: { listingId: listing.id } })).toBe(1);
      const served = await settle(call(uploadsLoader, getRequest(`/uploads/${storageKey}`), { params: { "*": storageKey } }));
      expect(served.status).toBe(503);
      expect(served.headers.get("Retry-After")).toBe("30");
    } finally {
      await useStorage(real);
    }
  });
});

describe("two app processes on one database and one bucket", () => {
  it("one takes the upload, the other serves it and removes it; queries go with the search-only key", { timeout: 180_000 }, async () => {
    const { BUILD_PATH } = await import("../scripts/lib/app-server.ts");
    if (!existsSync(BUILD_PATH)) throw new Error("no build: run `node_modules/.bin/remix build` first (npm test does)");
    const member = await createMemberWithOrganisation();
    const listing = await createListing(member.organisation.id, { status: "PUBLISHED" });
    const cookie = (await startSession(member.user.id, getRequest("/"), { clientIp: "203.0.113.7" })).split(";")[0]!;
    const searchKey = (await meili().createKey({ actions: ["search"], indexes: ["*"], expiresAt: null })).key;
    // No process has created it yet: the first to start does.
    const bucket = s3.config().bucket;

    const start = async (name: string, extra: Record<string, string>) => {
      const port = await freePort();
      const run = spawnScript("scripts/serve.ts", [], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "production",
          PORT: String(port),
          APP_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: process.env.DATABASE_URL,
          MEILI_HOST: process.env.MEILI_HOST,
          MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY,
          MEILI_INDEX_PREFIX: process.env.MEILI_INDEX_PREFIX,
          SESSION_SECRET: process.env.SESSION_SECRET,
          COOKIE_SECURE: "off",
          DEMO_DATA: "off",
          WORKER: "off",
          DATA_DIR: path.join(work, name),
          // Each process has its own local directory: a file found by the other came from the bucket.
          UPLOAD_DIR: path.join(work, name, "uploads"),
          MAIL_OUTBOX_DIR: path.join(work, name, "mail"),
          LOG_LEVEL: "warn",
          ...s3.env(bucket),
          ...extra,
        },
      });
      return { run, base: `http://127.0.0.1:${port}` };
    };
    const a = await start("a", { MEILI_SEARCH_KEY: searchKey });
    // The other's search key is one Meilisearch never issued: its queries fail over to PostgreSQL.
    const b = await start("b", { MEILI_SEARCH_KEY: "f".repeat(64) });
    const runs: Spawned[] = [a.run, b.run];
    const get = (base: string, url: string) => fetch(`${base}${url}`, { signal: AbortSignal.timeout(15_000) });
    try {
      await Promise.all(runs.map((run) => run.waitFor(/listening on port/, 120_000)));
      for (const run of runs) expect(run.output()).toContain(`uploads: s3 bucket ${bucket}`);

      const form = new FormData();
      form.set("intent", "upload");
      form.append("files", new File([Buffer.from("%PDF-1.4\nhello from a\n%%EOF\n", "latin1")], "Hồ sơ.pdf"));
      const posted = await fetch(`${a.base}/listings/${listing.id}/attachments`, { method: "POST", body: form, headers: { Cookie: cookie, Accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
      expect(posted.status).toBe(200);
      const { storageKey } = await prisma.attachment.findFirstOrThrow({ where: { listingId: listing.id }, select: { storageKey: true } });

      const served = await get(b.base, `/uploads/${storageKey}`);
      expect(served.status).toBe(200);
      expect(served.headers.get("Content-Type")).toBe("application/pdf");
      expect(await served.text()).toBe("%PDF-1.4\nhello from a\n%%EOF\n");
      for (const name of ["a", "b"]) expect(existsSync(path.join(work, name, "uploads", "listings"))).toBe(false);

      const removed = await fetch(`${b.base}/listings/${listing.id}/attachments`, {
        method: "POST",
        body: new URLSearchParams({ intent: "remove", attachmentId: (await prisma.attachment.findFirstOrThrow({ where: { storageKey } })).id }),
        headers: { Cookie: cookie, Accept: "application/json" },
        signal: AbortSignal.timeout(15_000),
      });
      expect(removed.status).toBe(200);
      expect((await get(a.base, `/uploads/${storageKey}`)).status).toBe(404);
      expect(await s3Storage(s3.config(bucket)).exists(storageKey)).toBe(false);

      const search = async (base: string) => ((await (await get(base, "/api/search?q=may")).json()) as { degraded: boolean }).degraded;
      expect(await search(a.base)).toBe(false);
      expect(await search(b.base)).toBe(true);
      // What the key allows: searching, and nothing else.
      const write = await fetch(`${process.env.MEILI_HOST}/indexes`, { method: "POST", headers: { Authorization: `Bearer ${searchKey}`, "Content-Type": "application/json" }, body: JSON.stringify({ uid: "not-allowed" }) });
      expect(write.status).toBe(403);
    } finally {
      for (const run of runs) run.child.kill("SIGTERM");
    }
    for (const run of runs) expect(await run.exited).toBe(0);
  });
});
