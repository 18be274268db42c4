import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { expireListings, transitionListing } from "~/modules/listings/listings.server.ts";
import { action as editAction, loader as editLoader } from "~/routes/listings.$id_.edit.tsx";
import { loader as publicLoader } from "~/routes/listings.$id.tsx";
import { action as viewAction } from "~/routes/listings.$id_.view.tsx";
import { action as newAction } from "~/routes/listings.new.tsx";
import { action as reviewAction, loader as reviewLoader } from "~/routes/moderation.$id.tsx";
import { loader as queueLoader } from "~/routes/moderation._index.tsx";
import { loader as myListingsLoader } from "~/routes/my.listings.tsx";
import { createListing, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, freshIp, getRequest, settle } from "./setup/requests.ts";

async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}

async function broker() {
  const user = await createUser({ roles: ["member", "broker"] });
  const centre = await createOrganisation({ kind: "BROKER_CENTER" });
  await createMembership(user.id, centre.id);
  return { user, cookie: await cookieFor(user.id) };
}

const equipmentForm = (organisationId: string, overrides: Record<string, string> = {}) => ({
  type: "EQUIPMENT_OFFER",
  organisationId,
  language: "vi",
  title: "Máy ép viên mùn cưa 1 tấn/giờ",
  summary: "Máy ép viên nén mùn cưa công suất 1 tấn/giờ, đã qua sử dụng 2 năm, còn 90%.",
  description: "### Tình trạng\n\n- Hoạt động tốt\n- **Bảo hành** 3 tháng",
  sectorCodes: "2.3",
  provinceCode: "38",
  transferModes: "EQUIPMENT_SALE",
  condition: "USED",
  manufacturer: "Kinh Lực",
  manufactureYear: "2023",
  quantity: "2",
  priceType: "FIXED",
  priceMin: "350000000",
  currency: "VND",
  specifications: "Công suất: 1 tấn/giờ\nĐộng cơ: 75 kW",
  confidentialDetails: "Nhà cung cấp khuôn: Công ty X, giá khuôn 40 triệu.",
  ...overrides,
});

async function post<T>(fn: T, url: string, fields: Record<string, string>, cookie: string, params: Record<string, string> = {}) {
  return settle(call(fn as never, await formRequest(url, fields, { cookie }), { params }));
}

describe("posting and publishing a listing", () => {
  it("goes from draft to review to published, recording every step", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const cookie = await cookieFor(user.id);
    const created = await post(newAction, "/listings/new", { ...equipmentForm(organisation.id), intent: "save" }, cookie);
    expect(created.status).toBe(302);
    const id = created.headers.get("Location")!.match(/\/listings\/([^/]+)\/edit/)![1]!;
    const draft = await prisma.listing.findUniqueOrThrow({ where: { id }, include: { sectors: true, confidential: true } });
    expect(draft).toMatchObject({ status: "DRAFT", type: "EQUIPMENT_OFFER", condition: "USED", quantity: 2, priceMin: 350_000_000n, createdById: user.id });
    expect(draft.sectors.map((s) => s.sectorCode)).toEqual(["2.3"]);
    expect(draft.specifications).toEqual({ "Công suất": "1 tấn/giờ", "Động cơ": "75 kW" });
    // Not public yet.
    expect((await settle(call(publicLoader, getRequest(`/listings/${id}`), { params: { id } }))).status).toBe(404);

    expect((await post(editAction, `/listings/${id}/edit`, { intent: "submit" }, cookie, { id })).status).toBe(302);
    const { cookie: brokerCookie, user: brokerUser } = await broker();
    const queue = await (await settle(call(queueLoader, getRequest("/moderation", brokerCookie)))).json();
    expect(queue.pending.map((l: { id: string }) => l.id)).toContain(id);

    expect((await post(reviewAction, `/moderation/${id}`, { intent: "approve" }, brokerCookie, { id })).status).toBe(302);
    const published = await prisma.listing.findUniqueOrThrow({ where: { id } });
    expect(published.status).toBe("PUBLISHED");
    const months = (published.expiresAt!.getTime() - published.publishedAt!.getTime()) / (24 * 3600 * 1000);
    expect(months).toBeGreaterThanOrEqual(365);
    expect(months).toBeLessThanOrEqual(366);
    const events = await prisma.listingEvent.findMany({ where: { listingId: id }, orderBy: { createdAt: "asc" }, select: { kind: true, actorId: true, toStatus: true } });
    expect(events).toEqual([
      { kind: "CREATED", actorId: user.id, toStatus: "DRAFT" },
      { kind: "SUBMITTED", actorId: user.id, toStatus: "PENDING_REVIEW" },
      { kind: "APPROVED", actorId: brokerUser.id, toStatus: "PUBLISHED" },
    ]);
    expect(await prisma.auditLog.count({ where: { action: "listing.approve", entityId: id, actorId: brokerUser.id } })).toBe(1);

    const page = await settle(call(publicLoader, getRequest(`/listings/${id}`), { params: { id } }));
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("Máy ép viên mùn cưa");
    expect(body).toContain("<strong>Bảo hành</strong>");
    // Confidential details never reach the public page's data.
    expect(body).not.toContain("Nhà cung cấp khuôn");
    expect(JSON.parse(body).listing.hasConfidential).toBe(true);
  });

  it("keeps a refused draft's input and creates nothing", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const before = await prisma.listing.count();
    const response = await post(newAction, "/listings/new", { ...equipmentForm(organisation.id, { title: "Máy", priceMin: "", sectorCodes: "9.9" }), intent: "save" }, await cookieFor(user.id));
    expect(response.status).toBe(400);
    const result = await response.json();
    expect(result.error.title).toEqual(["errors.titleLength"]);
    expect(result.error.priceMin).toEqual(["errors.fixedNeedsPrice"]);
    expect(result.initialValue.summary).toContain("Máy ép viên nén");
    expect(await prisma.listing.count()).toBe(before);

    const unknownSector = await post(newAction, "/listings/new", { ...equipmentForm(organisation.id, { sectorCodes: "9.9" }), intent: "save" }, await cookieFor(user.id));
    expect(unknownSector.status).toBe(400);
    expect((await unknownSector.json()).error.sectorCodes).toEqual(["errors.sector"]);
    expect(await prisma.listing.count()).toBe(before);
  });

  it("refuses posting for an organisation the member does not belong to", async () => {
    const { user } = await createMemberWithOrganisation();
    const other = await createOrganisation();
    const response = await post(newAction, "/listings/new", { ...equipmentForm(other.id), intent: "save" }, await cookieFor(user.id));
    expect(response.status).toBe(403);
    expect(await prisma.listing.count({ where: { organisationId: other.id } })).toBe(0);
  });

  it("returns a rejected listing to its owner with the reason, and needs a real reason", async () => {
    const { organisation, user } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { status: "PENDING_REVIEW", submittedAt: new Date() });
    const { cookie } = await broker();
    const noReason = await post(reviewAction, `/moderation/${listing.id}`, { intent: "reject", reason: "no" }, cookie, { id: listing.id });
    expect(noReason.status).toBe(400);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).status).toBe("PENDING_REVIEW");
    const reason = "Thiếu thông số công suất và hình ảnh thiết bị thực tế.";
    expect((await post(reviewAction, `/moderation/${listing.id}`, { intent: "reject", reason }, cookie, { id: listing.id })).status).toBe(302);
    const ownerView = await (await settle(call(editLoader, getRequest(`/listings/${listing.id}/edit`, await cookieFor(user.id)), { params: { id: listing.id } }))).json();
    expect(ownerView.listing.status).toBe("REJECTED");
    expect(ownerView.events[0]).toMatchObject({ kind: "REJECTED", reason });
  });
});

describe("editing a published listing", () => {
  it("keeps the approved version public until the edit is approved", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { type: "EQUIPMENT_OFFER", title: "Máy phay CNC cũ", sectorCodes: ["2.3"] });
    const cookie = await cookieFor(user.id);
    const edited = await post(editAction, `/listings/${listing.id}/edit`, { ...equipmentForm(organisation.id, { title: "Máy phay CNC Haas VF-2 đời 2018" }), intent: "save" }, cookie, { id: listing.id });
    expect(edited.headers.get("Location")).toContain("done=revision");
    const publicTitle = async () => (await (await settle(call(publicLoader, getRequest(`/listings/${listing.id}`), { params: { id: listing.id } }))).json()).listing.title;
    expect(await publicTitle()).toBe("Máy phay CNC cũ");

    const { cookie: brokerCookie } = await broker();
    const review = await (await settle(call(reviewLoader, getRequest(`/moderation/${listing.id}`, brokerCookie), { params: { id: listing.id } }))).json();
    expect(review.revision.changes).toContainEqual({ field: "title", before: "Máy phay CNC cũ", after: "Máy phay CNC Haas VF-2 đời 2018" });
    expect((await post(reviewAction, `/moderation/${listing.id}`, { intent: "approve-revision", revisionId: review.revision.id }, brokerCookie, { id: listing.id })).status).toBe(302);
    expect(await publicTitle()).toBe("Máy phay CNC Haas VF-2 đời 2018");

    // A second edit, returned: the public text does not move.
    await post(editAction, `/listings/${listing.id}/edit`, { ...equipmentForm(organisation.id, { title: "Tiêu đề bị trả lại" }), intent: "save" }, cookie, { id: listing.id });
    const again = await (await settle(call(reviewLoader, getRequest(`/moderation/${listing.id}`, brokerCookie), { params: { id: listing.id } }))).json();
    await post(reviewAction, `/moderation/${listing.id}`, { intent: "reject-revision", revisionId: again.revision.id, reason: "Tiêu đề không mô tả đúng thiết bị." }, brokerCookie, { id: listing.id });
    expect(await publicTitle()).toBe("Máy phay CNC Haas VF-2 đời 2018");
    expect(await prisma.listingRevision.findMany({ where: { listingId: listing.id }, select: { status: true }, orderBy: { createdAt: "asc" } })).toEqual([{ status: "APPROVED" }, { status: "REJECTED" }]);
  });

  it("cannot change a listing's type", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { status: "DRAFT" });
    const response = await post(editAction, `/listings/${listing.id}/edit`, { ...equipmentForm(organisation.id), intent: "save" }, await cookieFor(user.id), { id: listing.id });
    expect(response.status).toBe(400);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).type).toBe("TECHNOLOGY_OFFER");
  });
});

describe("expiry, renewal, archive", () => {
  it("expires a published listing after its 12 months, and the owner can renew it", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { publishedAt: new Date("2025-01-01"), expiresAt: new Date("2026-01-01") });
    expect(await expireListings(new Date("2026-01-02"))).toBeGreaterThanOrEqual(1);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).status).toBe("EXPIRED");
    expect((await settle(call(publicLoader, getRequest(`/listings/${listing.id}`), { params: { id: listing.id } }))).status).toBe(404);
    // Running the pass again changes nothing.
    const events = await prisma.listingEvent.count({ where: { listingId: listing.id } });
    await expireListings(new Date("2026-01-02"));
    expect(await prisma.listingEvent.count({ where: { listingId: listing.id } })).toBe(events);

    await post(editAction, `/listings/${listing.id}/edit`, { intent: "renew" }, await cookieFor(user.id), { id: listing.id });
    const renewed = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(renewed.status).toBe("PUBLISHED");
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 360 * 24 * 3600 * 1000);
  });

  it("archives a listing out of public view and restores it as a draft", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const cookie = await cookieFor(user.id);
    await post(editAction, `/listings/${listing.id}/edit`, { intent: "archive" }, cookie, { id: listing.id });
    expect((await settle(call(publicLoader, getRequest(`/listings/${listing.id}`), { params: { id: listing.id } }))).status).toBe(404);
    await post(editAction, `/listings/${listing.id}/edit`, { intent: "restore" }, cookie, { id: listing.id });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).status).toBe("DRAFT");
    const refused = await post(editAction, `/listings/${listing.id}/edit`, { intent: "renew" }, cookie, { id: listing.id });
    expect(refused.status).toBe(400);
  });
});

describe("who may do what", () => {
  it("gives another organisation's member 404 for every action on a listing, and changes nothing", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const draft = await createListing(organisation.id, { status: "DRAFT", title: "Bản nháp riêng tư" });
    const pending = await createListing(organisation.id, { status: "PENDING_REVIEW" });
    const { user: outsider, organisation: outsiderOrg } = await createMemberWithOrganisation();
    const cookie = await cookieFor(outsider.id);
    const before = await prisma.listing.findMany({ where: { organisationId: organisation.id }, orderBy: { id: "asc" } });

    expect((await settle(call(editLoader, getRequest(`/listings/${draft.id}/edit`, cookie), { params: { id: draft.id } }))).status).toBe(404);
    for (const intent of ["submit", "archive", "renew", "restore"]) {
      expect((await post(editAction, `/listings/${draft.id}/edit`, { intent }, cookie, { id: draft.id })).status, intent).toBe(404);
    }
    expect((await post(editAction, `/listings/${draft.id}/edit`, { ...equipmentForm(outsiderOrg.id), type: "TECHNOLOGY_OFFER", trl: "5", ipStatus: "NONE", transferModes: "TURNKEY", intent: "save" }, cookie, { id: draft.id })).status).toBe(404);
    // A member is no moderator either.
    expect((await post(reviewAction, `/moderation/${pending.id}`, { intent: "approve" }, cookie, { id: pending.id })).status).toBe(404);
    expect((await post(reviewAction, `/moderation/${pending.id}`, { intent: "reject", reason: "Không phù hợp với quy định." }, cookie, { id: pending.id })).status).toBe(404);
    expect((await settle(call(queueLoader, getRequest("/moderation", cookie)))).status).toBe(404);
    expect((await settle(call(reviewLoader, getRequest(`/moderation/${pending.id}`, cookie), { params: { id: pending.id } }))).status).toBe(404);

    expect(await prisma.listing.findMany({ where: { organisationId: organisation.id }, orderBy: { id: "asc" } })).toEqual(before);
    // And the draft is not in their "My listings".
    const mine = await (await settle(call(myListingsLoader, getRequest("/my/listings", cookie)))).json();
    expect(mine.listings.map((l: { id: string }) => l.id)).not.toContain(draft.id);
  });

  it("lets exactly one of two simultaneous decisions win", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { status: "PENDING_REVIEW" });
    const a = (await loadActor((await broker()).user.id))!;
    const b = (await loadActor((await broker()).user.id))!;
    const results = await Promise.all([transitionListing(a, listing.id, "approve"), transitionListing(b, listing.id, "reject", { reason: "Trùng với tin đã đăng trước đó." })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error)).toEqual([expect.stringMatching(/errors\.(staleListing|transitionNotAllowed)/)]);
    expect(await prisma.listingEvent.count({ where: { listingId: listing.id, kind: { in: ["APPROVED", "REJECTED"] } } })).toBe(1);
  });
});

describe("view counting", () => {
  it("counts a POST once per address per hour, never a GET, never a draft", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const draft = await createListing(organisation.id, { status: "DRAFT" });
    const ip = freshIp();
    const view = async (id: string, clientIp = ip) =>
      (await settle(call(viewAction, new Request(`http://localhost/listings/${id}/view`, { method: "POST" }), { params: { id }, clientIp }))).json();
    await settle(call(publicLoader, getRequest(`/listings/${listing.id}`), { params: { id: listing.id } }));
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).viewCount).toBe(0);
    expect(await view(listing.id)).toEqual({ counted: true });
    expect(await view(listing.id)).toEqual({ counted: false });
    expect(await view(listing.id, freshIp())).toEqual({ counted: true });
    expect(await view(draft.id)).toEqual({ counted: false });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).viewCount).toBe(2);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: draft.id } })).viewCount).toBe(0);
  });
});

describe("clearing optional fields", () => {
  it("removes an equipment listing's specifications when the owner empties them", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { type: "EQUIPMENT_OFFER", status: "DRAFT", sectorCodes: ["2.3"] });
    expect(listing.specifications).toEqual({ "Hành trình X": "762 mm" });
    const saved = await post(editAction, `/listings/${listing.id}/edit`, { ...equipmentForm(organisation.id, { specifications: "" }), intent: "save" }, await cookieFor(user.id), { id: listing.id });
    expect(saved.status).toBe(302);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).specifications).toBeNull();
  });
});
