import { Meilisearch } from "meilisearch";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module reads the environment: this file's documents go to a fresh directory.
const uploadRoot = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "techex-verifications-"));
  process.env.UPLOAD_DIR = dir;
  return dir;
});

import { rmSync } from "node:fs";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { renderNotification } from "~/modules/notifications/render.server.ts";
import { decideVerification } from "~/modules/orgs/verification.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader as searchApi } from "~/routes/api.search.ts";
import { action as queueAction, loader as queueLoader } from "~/routes/moderation.organisations.tsx";
import { loader as orgLoader } from "~/routes/orgs.$id.tsx";
import { action as submitAction, loader as verificationLoader } from "~/routes/orgs.$id_.verification.tsx";
import { loader as documentLoader } from "~/routes/orgs.$id_.verification_.$submissionId.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { createListing, createMembership, createMemberWithOrganisation, createOrganisation, createUser } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

/** Issue #13 point 3: an organisation proves its registration; a broker verifies or refuses it. */

const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const HTML = Buffer.from("<!doctype html><script>alert(document.cookie)</script>");

async function cookieFor(userId: string) {
  const header = await startSession(userId, getRequest("/"), { clientIp: "203.0.113.21" });
  return header.split(";")[0]!;
}

type Person = { id: string; cookie: string };
let owner: Person, colleague: Person, stranger: Person, broker: Person;
let orgId: string, listingId: string, otherListingId: string;

beforeAll(async () => {
  await ensureListingsIndex();
  const o = await createMemberWithOrganisation({ organisation: { name: "Công ty Cổ phần Cơ khí Hưng Thịnh", taxCode: "0109999999" } });
  orgId = o.organisation.id;
  owner = { id: o.user.id, cookie: await cookieFor(o.user.id) };
  const c = await createUser();
  await createMembership(c.id, orgId, "MEMBER");
  colleague = { id: c.id, cookie: await cookieFor(c.id) };
  const s = await createMemberWithOrganisation();
  stranger = { id: s.user.id, cookie: await cookieFor(s.user.id) };
  const centre = await createOrganisation({ name: "Trung tâm Chuyển giao Thử nghiệm", kind: "BROKER_CENTER" });
  const b = await createUser({ roles: ["member", "broker"] });
  await createMembership(b.id, centre.id, "MEMBER");
  broker = { id: b.id, cookie: await cookieFor(b.id) };
  listingId = (await createListing(orgId, { title: "Máy dập thủy lực 200 tấn điều khiển CNC" })).id;
  otherListingId = (await createListing(s.organisation.id, { title: "Máy dập cơ khí 80 tấn đã qua sử dụng" })).id;
  for (const id of [listingId, otherListingId]) expect(await syncListing(id)).toBe("upserted");
});

afterAll(() => rmSync(uploadRoot, { recursive: true, force: true }));

function submitRequest(fields: Record<string, string>, files: { name: string; bytes: Buffer; type?: string }[], cookie?: string) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  for (const f of files) body.append("files", new File([new Uint8Array(f.bytes)], f.name, { type: f.type ?? "application/pdf" }));
  return new Request(`http://localhost/orgs/${orgId}/verification`, { method: "POST", body, headers: cookie ? { Cookie: cookie } : {} });
}
const submit = (fields: Record<string, string>, files: { name: string; bytes: Buffer }[], cookie: string) =>
  settle(call(submitAction, submitRequest(fields, files, cookie), { params: { id: orgId } }));
const validFields = { registrationKind: "ENTERPRISE_CODE", registrationNumber: "0101 234 567-001", registeredName: "Công ty Cổ phần Cơ khí Hưng Thịnh" };

function decide(fields: Record<string, string>, cookie: string) {
  const request = new Request("http://localhost/moderation/organisations", {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  });
  return settle(call(queueAction, request));
}
const fetchDocument = (submissionId: string, cookie?: string) => settle(call(documentLoader, getRequest(`/orgs/${orgId}/verification/${submissionId}`, cookie), { params: { id: orgId, submissionId } }));
const organisation = () => prisma.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { verificationStatus: true, verifiedAt: true, taxCode: true } });
const pendingSubmission = () => prisma.organisationVerification.findFirstOrThrow({ where: { organisationId: orgId, status: "PENDING" } });
const auditActions = async () => (await prisma.auditLog.findMany({ where: { entityType: "Organisation", entityId: orgId }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
const jobsFor = (id: string) => prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE key = ${`listing:${id}`}`;
async function searchVerified(url: string) {
  const response = await settle(call(searchApi, getRequest(url)));
  expect(response.status).toBe(200);
  return (await response.json()) as { hits: { id: string; organisation: { verified: boolean } }[]; degraded: boolean };
}
/** Runs `work` with the process's Meilisearch client pointing at a port nobody listens on: PostgreSQL answers. */
async function withSearchDown<T>(work: () => Promise<T>): Promise<T> {
  const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
  const real = store.get("meilisearch");
  store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await freePort()}`, timeout: 500 }));
  try {
    return await work();
  } finally {
    store.set("meilisearch", real);
  }
}

describe("submitting a registration", () => {
  it("refuses bad input with a message and changes nothing", async () => {
    const badCode = await submit({ ...validFields, registrationNumber: "01012345" }, [{ name: "gcn.pdf", bytes: PDF }], owner.cookie);
    expect(badCode.status).toBe(400);
    expect(JSON.stringify(await badCode.json())).toContain("verification.errors.enterpriseCode");
    const noFile = await submit(validFields, [], owner.cookie);
    expect(noFile.status).toBe(400);
    expect(JSON.stringify(await noFile.json())).toContain("verification.errors.documentRequired");
    const html = await submit(validFields, [{ name: "gcn.pdf", bytes: HTML }], owner.cookie);
    expect(html.status).toBe(400);
    expect(JSON.stringify(await html.json())).toContain("attachments.errors.unsupportedType");
    expect((await submit(validFields, [{ name: "gcn.pdf", bytes: PDF }], stranger.cookie)).status).toBe(403);
    // The store down: a clear message, no row.
    const singletons = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const real = singletons.get("storage");
    singletons.set("storage", { driver: "s3", put: () => Promise.reject(new Error("connect ECONNREFUSED")), delete: () => Promise.resolve() });
    try {
      const down = await submit(validFields, [{ name: "gcn.pdf", bytes: PDF }], owner.cookie);
      expect(down.status).toBe(400);
      expect(JSON.stringify(await down.json())).toContain("attachments.errors.storageUnavailable");
    } finally {
      if (real === undefined) singletons.delete("storage");
      else singletons.set("storage", real);
    }
    expect(await prisma.organisationVerification.count({ where: { organisationId: orgId } })).toBe(0);
    expect(await organisation()).toMatchObject({ verificationStatus: "UNVERIFIED", verifiedAt: null });
  });

  it("puts the organisation in the broker's queue, one waiting submission at a time", async () => {
    const response = await submit(validFields, [{ name: "Giấy chứng nhận ĐKDN.pdf", bytes: PDF }], owner.cookie);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/orgs/${orgId}/verification?submitted=1`);
    const row = await pendingSubmission();
    expect(row).toMatchObject({ registrationKind: "ENTERPRISE_CODE", registrationNumber: "0101234567-001", documentName: "Giấy chứng nhận ĐKDN.pdf", documentType: "application/pdf", submittedById: owner.id });
    expect((await organisation()).verificationStatus).toBe("PENDING");
    expect(await auditActions()).toContain("organisation.verification.submit");

    const again = await submit(validFields, [{ name: "gcn.pdf", bytes: PDF }], colleague.cookie);
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).toContain("verification.errors.alreadyPending");
    expect(await prisma.organisationVerification.count({ where: { organisationId: orgId } })).toBe(1);

    const queue = await (await settle(call(queueLoader, getRequest("/moderation/organisations", broker.cookie)))).json();
    expect(queue.pending.map((p: { id: string }) => p.id)).toContain(row.id);
    expect((await settle(call(queueLoader, getRequest("/moderation/organisations", owner.cookie)))).status).toBe(403);
    const page = await (await settle(call(verificationLoader, getRequest(`/orgs/${orgId}/verification`, colleague.cookie), { params: { id: orgId } }))).json();
    expect(page).toMatchObject({ canSubmit: false, organisation: { verificationStatus: "PENDING" } });
    expect((await settle(call(verificationLoader, getRequest(`/orgs/${orgId}/verification`, stranger.cookie), { params: { id: orgId } }))).status).toBe(403);
  });

  it("shows the document to the organisation's members and the centre's brokers only", async () => {
    const { id } = await pendingSubmission();
    for (const person of [owner, colleague, broker]) {
      const response = await fetchDocument(id, person.cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      expect(response.headers.get("Content-Disposition")).toContain("attachment;");
      expect(Buffer.from(await response.arrayBuffer())).toEqual(PDF);
    }
    expect((await fetchDocument(id, stranger.cookie)).status).toBe(404);
    expect((await fetchDocument(id)).status).toBe(404);
    expect((await fetchDocument("nonexistent", owner.cookie)).status).toBe(404);
  });
});

describe("a broker's decision", () => {
  it("refuses only with a reason, which the organisation's members are told", async () => {
    const { id } = await pendingSubmission();
    expect((await decide({ intent: "reject", submissionId: id }, owner.cookie)).status).toBe(403);
    const noReason = await decide({ intent: "reject", submissionId: id, reason: "  ngắn " }, broker.cookie);
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toBe("verification.errors.reasonRequired");
    expect((await organisation()).verificationStatus).toBe("PENDING");

    const reason = "Số đăng ký không khớp với Cổng thông tin quốc gia về đăng ký doanh nghiệp.";
    const response = await decide({ intent: "reject", submissionId: id, reason }, broker.cookie);
    expect(response.status).toBe(302);
    expect(await prisma.organisationVerification.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "REJECTED", rejectionReason: reason, decidedById: broker.id });
    expect(await organisation()).toMatchObject({ verificationStatus: "REJECTED", verifiedAt: null });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "organisation.reject", entityId: orgId } });
    expect(audit).toMatchObject({ actorId: broker.id, data: { submissionId: id, reason } });
    const notices = await prisma.notification.findMany({ where: { type: "ORGANISATION_VERIFICATION" }, select: { userId: true, data: true, url: true } });
    expect(notices.map((n) => n.userId).sort()).toEqual([owner.id, colleague.id].sort());
    const shown = renderNotification({ type: "ORGANISATION_VERIFICATION", data: notices[0]!.data, url: notices[0]!.url }, "en");
    expect(shown.title).toBe("Registration of Công ty Cổ phần Cơ khí Hưng Thịnh not verified");
    expect(shown.body).toContain(reason);
    expect(shown.path).toBe(`/orgs/${orgId}/verification`);

    // Already decided: a second decision is refused and changes nothing.
    const late = await decide({ intent: "verify", submissionId: id }, broker.cookie);
    expect(late.status).toBe(409);
    expect((await late.json()).error).toBe("verification.errors.alreadyDecided");
    expect(await organisation()).toMatchObject({ verificationStatus: "REJECTED", verifiedAt: null });
  });

  it("verifies a resubmission: the badge reaches the organisation page, its listings' documents and the verified-only search", async () => {
    expect((await searchVerified("/api/search?verified=1")).hits.map((h) => h.id)).not.toContain(listingId);
    expect((await submit({ ...validFields, registrationNumber: "0101234567" }, [{ name: "gcn.pdf", bytes: PDF }], owner.cookie)).status).toBe(302);
    const { id } = await pendingSubmission();
    // Two brokers at once: one decision wins, the other is told it was already decided.
    const actor = (await loadActor(broker.id))!;
    const results = await Promise.all([decideVerification(actor, id, { verify: true }), decideVerification(actor, id, { verify: false, reason: "Giấy tờ không rõ, xin chụp lại." })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "verification.errors.alreadyDecided" }]);
    // Whichever won, bring it to VERIFIED through the page for the rest of the test.
    if (!results[0]!.ok) {
      expect((await submit({ ...validFields, registrationNumber: "0101234567" }, [{ name: "gcn.pdf", bytes: PDF }], owner.cookie)).status).toBe(302);
      expect((await decide({ intent: "verify", submissionId: (await pendingSubmission()).id }, broker.cookie)).status).toBe(302);
    }
    const org = await organisation();
    expect(org.verificationStatus).toBe("VERIFIED");
    expect(org.verifiedAt).toBeInstanceOf(Date);
    expect(org.taxCode).toBe("0101234567");
    expect(await auditActions()).toContain("organisation.verify");
    expect(await jobsFor(listingId)).toHaveLength(1);
    expect(await jobsFor(otherListingId)).toHaveLength(0);

    const profile = await (await settle(call(orgLoader, getRequest(`/orgs/${orgId}`), { params: { id: orgId } }))).json();
    expect(profile.organisation.verifiedAt).not.toBeNull();

    expect(await syncListing(listingId)).toBe("upserted");
    const verifiedOnly = await searchVerified("/api/search?verified=1");
    expect(verifiedOnly.degraded).toBe(false);
    expect(verifiedOnly.hits.map((h) => h.id)).toContain(listingId);
    expect(verifiedOnly.hits.map((h) => h.id)).not.toContain(otherListingId);
    expect(verifiedOnly.hits.find((h) => h.id === listingId)!.organisation.verified).toBe(true);
    const everyone = await searchVerified("/api/search?q=máy dập");
    expect(everyone.hits.find((h) => h.id === otherListingId)!.organisation.verified).toBe(false);

    const fallback = await withSearchDown(() => searchVerified("/api/search?verified=1"));
    expect(fallback.degraded).toBe(true);
    expect(fallback.hits.map((h) => h.id)).toContain(listingId);
    expect(fallback.hits.map((h) => h.id)).not.toContain(otherListingId);
    expect((await settle(call(searchApi, getRequest("/api/search?verified=yes")))).status).toBe(400);
  });

  it("takes the badge away while new registration data of a verified organisation waits", async () => {
    await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key = ${`listing:${listingId}`}`;
    const response = await submit({ ...validFields, registrationNumber: "0101234567-002" }, [{ name: "gcn-moi.pdf", bytes: PDF }], owner.cookie);
    expect(response.status).toBe(302);
    expect(await organisation()).toMatchObject({ verificationStatus: "PENDING", verifiedAt: null });
    expect(await jobsFor(listingId)).toHaveLength(1);
  });
});
