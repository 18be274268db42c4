import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { honeypot } from "~/modules/auth/honeypot.server.ts";
import { LIMITS } from "~/modules/auth/rate-limit.server.ts";
import { createInquiry as createInquiryService, getInquiryForDeal, listInquiryMessages } from "~/modules/inquiries/inquiries.server.ts";
import { action as threadAction, loader as threadLoader } from "~/routes/inquiries.$id.tsx";
import { loader as inboxLoader } from "~/routes/inquiries._index.tsx";
import { loader as listingLoader } from "~/routes/listings.$id.tsx";
import { action as inquireAction, loader as inquireLoader } from "~/routes/listings.$id_.inquire.tsx";
import { createDeal, createListing, createMembership, createOrganisation } from "./factories/index.ts";
import { createInquiryScenario, createMember } from "./factories/inquiries.ts";
import { call, formRequest, freshIp, getRequest, settle } from "./setup/requests.ts";

const ANSWERS = {
  message: "Chúng tôi là doanh nghiệp chế biến xoài ở Đồng Tháp, muốn tìm hiểu công nghệ sấy lạnh.",
  need: "Dây chuyền sấy 2 tấn nguyên liệu mỗi ngày",
  intendedUse: "Sản xuất xoài sấy dẻo xuất khẩu",
  timeline: "Trong 6 tháng tới",
};

async function inquire(listingId: string, fields: Record<string, string>, cookie: string, options: { clientIp?: string; withHoneypot?: boolean } = {}) {
  const request = await formRequest(`/listings/${listingId}/inquire`, fields, { cookie, withHoneypot: options.withHoneypot });
  return settle(call(inquireAction, request, { params: { id: listingId }, clientIp: options.clientIp ?? freshIp() }));
}

async function threadPost(inquiryId: string, fields: Record<string, string>, cookie?: string) {
  const request = await formRequest(`/inquiries/${inquiryId}`, fields, { cookie, withHoneypot: false });
  return settle(call(threadAction, request, { params: { id: inquiryId } }));
}

async function threadGet(inquiryId: string, cookie?: string) {
  return settle(call(threadLoader, getRequest(`/inquiries/${inquiryId}`, cookie), { params: { id: inquiryId } }));
}

async function inbox(cookie: string) {
  const response = await settle(call(inboxLoader, getRequest("/inquiries", cookie)));
  expect(response.status).toBe(200);
  return response.json();
}

const isLoginRedirect = (response: Response) => response.status === 302 && response.headers.get("Location")!.startsWith("/login");

describe("sending an inquiry", () => {
  it("creates the inquiry, its first message, an audit entry and notifies the listing's organisation", async () => {
    const ownerOrg = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" });
    const owner = await createMember(ownerOrg.id);
    const colleague = await createMember(ownerOrg.id);
    const listing = await createListing(ownerOrg.id, { title: "Máy sấy bơm nhiệt cho nông sản" });
    const buyerOrg = await createOrganisation({ name: "Công ty CP Xoài Cao Lãnh" });
    const buyer = await createMember(buyerOrg.id);
    const buyerColleague = await createMember(buyerOrg.id);

    const response = await inquire(listing.id, { organisationId: buyerOrg.id, ...ANSWERS }, buyer.cookie, { clientIp: "203.0.113.50" });
    expect(response.status).toBe(302);
    const id = response.headers.get("Location")!.match(/^\/inquiries\/([^?]+)\?notice=sent$/)![1]!;

    const inquiry = await prisma.inquiry.findUniqueOrThrow({ where: { id }, include: { messages: true } });
    expect(inquiry).toMatchObject({ listingId: listing.id, fromOrganisationId: buyerOrg.id, createdById: buyer.user.id, status: "OPEN", need: ANSWERS.need, intendedUse: ANSWERS.intendedUse, timeline: ANSWERS.timeline, firstAnsweredAt: null });
    expect(inquiry.messages).toEqual([expect.objectContaining({ authorId: buyer.user.id, organisationId: buyerOrg.id, body: ANSWERS.message })]);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "inquiry.create", entityId: id } });
    expect(audit).toMatchObject({ actorId: buyer.user.id, ipAddress: "203.0.113.50" });

    const notified = await prisma.notification.findMany({ where: { type: "INQUIRY_RECEIVED", url: `/inquiries/${id}` }, select: { userId: true, url: true, data: true } });
    expect(notified.map((n) => n.userId).sort()).toEqual([owner.user.id, colleague.user.id].sort());
    expect(notified[0]).toMatchObject({ url: `/inquiries/${id}`, data: { inquiryId: id, listingId: listing.id, listingTitle: "Máy sấy bơm nhiệt cho nông sản", fromOrganisation: "Công ty CP Xoài Cao Lãnh" } });
    expect(notified.map((n) => n.userId)).not.toContain(buyerColleague.user.id);

    // The sender's own first message is not unread for them; it is for the owner.
    expect((await inbox(buyer.cookie)).totalUnread).toBe(0);
    const ownerInbox = await inbox(owner.cookie);
    expect(ownerInbox.received.map((r: { id: string; unread: number }) => [r.id, r.unread])).toEqual([[id, 1]]);
    expect(ownerInbox.totalUnread).toBe(1);
  });

  it("rejects invalid answers with field messages and writes nothing", async () => {
    const { listing } = await createInquiryScenario();
    const org = await createOrganisation();
    const member = await createMember(org.id);
    const cases: [Record<string, string>, string, string][] = [
      [{ ...ANSWERS, message: "Quan tâm" }, "message", "inquiries.errors.messageTooShort"],
      [{ ...ANSWERS, need: "" }, "need", "errors.required"],
      [{ ...ANSWERS, intendedUse: "x".repeat(1001) }, "intendedUse", "errors.tooLong"],
      [{ ...ANSWERS, timeline: "   " }, "timeline", "errors.required"],
    ];
    for (const [fields, field, message] of cases) {
      const response = await inquire(listing.id, { organisationId: org.id, ...fields }, member.cookie);
      expect(response.status, field).toBe(400);
      expect((await response.json()).error[field]).toEqual([message]);
    }
    const { need: _need, ...withoutNeed } = ANSWERS;
    expect((await inquire(listing.id, { organisationId: org.id, ...withoutNeed }, member.cookie)).status).toBe(400);
    // An organisation the user does not belong to.
    const foreign = await createOrganisation();
    const notMine = await inquire(listing.id, { organisationId: foreign.id, ...ANSWERS }, member.cookie);
    expect(notMine.status).toBe(400);
    expect((await notMine.json()).error.organisationId).toEqual(["errors.chooseOne"]);
    expect(await prisma.inquiry.count({ where: { fromOrganisationId: { in: [org.id, foreign.id] } } })).toBe(0);
  });

  it("refuses a bot that fills the honeypot or omits it", async () => {
    const { listing } = await createInquiryScenario();
    const org = await createOrganisation();
    const member = await createMember(org.id);
    const missing = await inquire(listing.id, { organisationId: org.id, ...ANSWERS }, member.cookie, { withHoneypot: false });
    expect(missing.status).toBe(400);
    const request = await formRequest(`/listings/${listing.id}/inquire`, { organisationId: org.id, ...ANSWERS }, { cookie: member.cookie });
    const body = new URLSearchParams(await request.text());
    body.set((await honeypot().getInputProps()).nameFieldName, "http://spam.example");
    const filled = new Request(request.url, { method: "POST", body, headers: request.headers });
    expect((await settle(call(inquireAction, filled, { params: { id: listing.id } }))).status).toBe(400);
    expect(await prisma.inquiry.count({ where: { fromOrganisationId: org.id } })).toBe(0);
  });

  it("refuses its own organisation's listing, unpublished and expired listings", async () => {
    const org = await createOrganisation();
    const member = await createMember(org.id);
    const own = await createListing(org.id);
    const response = await inquire(own.id, { organisationId: org.id, ...ANSWERS }, member.cookie);
    expect(response.status).toBe(400);
    expect((await response.json()).error.organisationId).toEqual(["inquiries.errors.ownListing"]);

    const other = await createOrganisation();
    const draft = await createListing(other.id, { status: "DRAFT" });
    const expired = await createListing(other.id, { publishedAt: new Date("2024-01-01"), expiresAt: new Date("2025-01-01") });
    for (const id of [draft.id, expired.id, "no-such-listing"]) {
      expect((await inquire(id, { organisationId: org.id, ...ANSWERS }, member.cookie)).status, id).toBe(404);
      expect((await settle(call(inquireLoader, getRequest(`/listings/${id}/inquire`, member.cookie), { params: { id } }))).status, id).toBe(404);
    }
    expect(await prisma.inquiry.count({ where: { fromOrganisationId: org.id } })).toBe(0);
  });

  it("sends a second attempt from the same organisation to the open thread", async () => {
    const { listing, inquiry, inquirer, inquirerOrg, owner } = await createInquiryScenario();
    const page = await settle(call(inquireLoader, getRequest(`/listings/${listing.id}/inquire`, inquirer.cookie), { params: { id: listing.id } }));
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe(`/inquiries/${inquiry.id}?notice=existing`);
    const again = await inquire(listing.id, { organisationId: inquirerOrg.id, ...ANSWERS }, inquirer.cookie);
    expect(again.headers.get("Location")).toBe(`/inquiries/${inquiry.id}?notice=existing`);
    expect(await prisma.inquiry.count({ where: { listingId: listing.id, fromOrganisationId: inquirerOrg.id } })).toBe(1);
    // The listing page sends them to the thread as well.
    const data = await (await settle(call(listingLoader, getRequest(`/listings/${listing.id}`, inquirer.cookie), { params: { id: listing.id } }))).json();
    expect(data.viewer).toEqual({ signedIn: true, isOwner: false, openInquiryId: inquiry.id });
    // The owner gets the links to matches and featuring instead of an inquiry button; a visitor is asked to log in.
    const ownerView = await (await settle(call(listingLoader, getRequest(`/listings/${listing.id}`, owner.cookie), { params: { id: listing.id } }))).json();
    expect(ownerView.viewer).toEqual({ signedIn: true, isOwner: true, openInquiryId: null });
    const visitorView = await (await settle(call(listingLoader, getRequest(`/listings/${listing.id}`), { params: { id: listing.id } }))).json();
    expect(visitorView.viewer).toEqual({ signedIn: false, isOwner: false, openInquiryId: null });

    // After the thread is closed the organisation may ask again.
    await prisma.inquiry.update({ where: { id: inquiry.id }, data: { status: "CLOSED", closedAt: new Date() } });
    const fresh = await inquire(listing.id, { organisationId: inquirerOrg.id, ...ANSWERS }, inquirer.cookie);
    expect(fresh.headers.get("Location")).toMatch(/\?notice=sent$/);
    expect(fresh.headers.get("Location")).not.toContain(inquiry.id);
  });

  it("keeps one open inquiry per organisation and listing under concurrent sends", async () => {
    const owner = await createOrganisation();
    const listing = await createListing(owner.id);
    const org = await createOrganisation();
    const a = await createMember(org.id);
    const b = await createMember(org.id);
    const [actorA, actorB] = await Promise.all([loadActor(a.user.id), loadActor(b.user.id)]);
    const input = { organisationId: org.id, ...ANSWERS };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createInquiryService(i % 2 ? actorA! : actorB!, listing.id, input)),
    );
    const rows = await prisma.inquiry.findMany({ where: { listingId: listing.id, fromOrganisationId: org.id }, select: { id: true } });
    expect(rows).toHaveLength(1);
    for (const result of results) expect(result).toMatchObject({ ok: true, id: rows[0]!.id });
    expect(results.filter((r) => r.ok && !r.existing)).toHaveLength(1);
    // One notification set and one audit entry: the losers wrote nothing.
    expect(await prisma.auditLog.count({ where: { action: "inquiry.create", entityId: rows[0]!.id } })).toBe(1);
    expect(await prisma.inquiryMessage.count({ where: { inquiryId: rows[0]!.id } })).toBe(1);
  });

  it("limits inquiries per user and per network", async () => {
    const { listing } = await createInquiryScenario();
    const org = await createOrganisation();
    const member = await createMember(org.id);
    const fields = { organisationId: org.id, ...ANSWERS };
    for (let i = 0; i < LIMITS.inquiryUser.points; i++) expect((await inquire(listing.id, fields, member.cookie)).status).toBe(302);
    const blocked = await inquire(listing.id, fields, member.cookie);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);

    const ip = freshIp();
    for (let i = 0; i < LIMITS.inquiry.points; i++) {
      const someone = await createMember(org.id);
      expect((await inquire(listing.id, fields, someone.cookie, { clientIp: ip })).status).toBe(302);
    }
    const fromSameNetwork = await createMember(org.id);
    expect((await inquire(listing.id, fields, fromSameNetwork.cookie, { clientIp: ip })).status).toBe(429);
    expect(await prisma.inquiry.count({ where: { fromOrganisationId: org.id } })).toBe(1);
  });

  it("asks a member of several organisations which one is asking", async () => {
    const { listing, ownerOrg } = await createInquiryScenario();
    const first = await createOrganisation({ name: "A Công ty" });
    const second = await createOrganisation({ name: "B Hợp tác xã" });
    const member = await createMember(first.id);
    await createMembership(member.user.id, second.id);
    await createMembership(member.user.id, ownerOrg.id);
    const page = await settle(call(inquireLoader, getRequest(`/listings/${listing.id}/inquire`, member.cookie), { params: { id: listing.id } }));
    const data = await page.json();
    expect(data.organisations.map((o: { name: string }) => o.name)).toEqual(["A Công ty", "B Hợp tác xã"]);
    const noChoice = await inquire(listing.id, ANSWERS, member.cookie);
    expect(noChoice.status).toBe(400);
    expect((await noChoice.json()).error.organisationId).toEqual(["errors.chooseOne"]);
    expect((await inquire(listing.id, { organisationId: second.id, ...ANSWERS }, member.cookie)).status).toBe(302);
    expect(await prisma.inquiry.count({ where: { fromOrganisationId: second.id } })).toBe(1);
  });
});

describe("who can do what in a thread", () => {
  type Who = "inquirer" | "owner" | "outsider" | "otherBroker" | "assignedBroker" | "anonymous";
  const everyone: Who[] = ["inquirer", "owner", "outsider", "otherBroker", "assignedBroker", "anonymous"];
  const parties: Who[] = ["inquirer", "owner", "assignedBroker"];
  const cookieOf = (s: Awaited<ReturnType<typeof createInquiryScenario>>, who: Who) => (who === "anonymous" ? undefined : s[who].cookie);

  it("reads the thread: parties and the assigned broker only", async () => {
    const s = await createInquiryScenario();
    for (const who of everyone) {
      const response = await threadGet(s.inquiry.id, cookieOf(s, who));
      if (who === "anonymous") {
        expect(isLoginRedirect(response), who).toBe(true);
      } else if (parties.includes(who)) {
        expect(response.status, who).toBe(200);
        const { thread } = await response.json();
        expect(thread.messages.map((m: { body: string }) => m.body)).toEqual([`Xin chào ${s.marker}`]);
        expect(thread).toMatchObject({ need: `NEED-${s.marker}`, intendedUse: "Sản xuất xoài sấy xuất khẩu", timeline: "Trong 6 tháng" });
      } else {
        expect(response.status, who).toBe(404);
        expect(await response.text(), who).not.toContain(s.marker);
      }
    }
  });

  it("replies: parties and the assigned broker; nobody else writes anything", async () => {
    const s = await createInquiryScenario();
    for (const who of everyone) {
      const response = await threadPost(s.inquiry.id, { intent: "reply", body: `Trả lời từ ${who}` }, cookieOf(s, who));
      if (who === "anonymous") expect(isLoginRedirect(response), who).toBe(true);
      else if (parties.includes(who)) expect(response.status, who).toBe(302);
      else expect(response.status, who).toBe(404);
    }
    const bodies = (await prisma.inquiryMessage.findMany({ where: { inquiryId: s.inquiry.id }, orderBy: { createdAt: "asc" } })).map((m) => m.body);
    expect(bodies).toEqual([`Xin chào ${s.marker}`, "Trả lời từ inquirer", "Trả lời từ owner", "Trả lời từ assignedBroker"]);
  });

  it("marks read: parties and the assigned broker only", async () => {
    const s = await createInquiryScenario();
    for (const who of everyone) {
      const response = await threadPost(s.inquiry.id, { intent: "read" }, cookieOf(s, who));
      if (who === "anonymous") expect(isLoginRedirect(response), who).toBe(true);
      else if (parties.includes(who)) expect(response.status, who).toBe(200);
      else expect(response.status, who).toBe(404);
    }
    const readers = await prisma.inquiryRead.findMany({ where: { inquiryId: s.inquiry.id }, select: { userId: true } });
    expect(readers.map((r) => r.userId).sort()).toEqual([s.inquirer.user.id, s.owner.user.id, s.assignedBroker.user.id].sort());
  });

  it("closes: parties and the assigned broker only, once, with an audit entry", async () => {
    for (const who of everyone) {
      const s = await createInquiryScenario();
      const response = await threadPost(s.inquiry.id, { intent: "close" }, cookieOf(s, who));
      const row = await prisma.inquiry.findUniqueOrThrow({ where: { id: s.inquiry.id } });
      if (parties.includes(who)) {
        expect(response.status, who).toBe(302);
        expect(row.status, who).toBe("CLOSED");
        expect(row.closedAt, who).not.toBeNull();
        expect(await prisma.auditLog.count({ where: { action: "inquiry.close", entityId: s.inquiry.id, actorId: s[who as "owner"].user.id } }), who).toBe(1);
        // A closed thread takes no more replies or closes.
        expect((await threadPost(s.inquiry.id, { intent: "reply", body: "Còn đó không?" }, cookieOf(s, who))).status, who).toBe(409);
        expect((await threadPost(s.inquiry.id, { intent: "close" }, cookieOf(s, who))).status, who).toBe(409);
      } else {
        expect(who === "anonymous" ? isLoginRedirect(response) : response.status === 404, who).toBe(true);
        expect(row.status, who).toBe("OPEN");
      }
    }
  });

  it("takes over: only a broker, only an inquiry nobody has taken", async () => {
    const s = await createInquiryScenario({ assigned: false });
    for (const who of ["inquirer", "owner", "outsider"] as const) {
      expect((await threadPost(s.inquiry.id, { intent: "takeover" }, s[who].cookie)).status, who).toBe(404);
    }
    expect(isLoginRedirect(await threadPost(s.inquiry.id, { intent: "takeover" }, undefined))).toBe(true);
    expect((await prisma.inquiry.findUniqueOrThrow({ where: { id: s.inquiry.id } })).assignedBrokerId).toBeNull();

    // Before taking over, the broker sees the inquiry's metadata but not its messages.
    expect((await threadGet(s.inquiry.id, s.otherBroker.cookie)).status).toBe(404);
    const before = await inbox(s.otherBroker.cookie);
    const row = before.available.find((r: { id: string }) => r.id === s.inquiry.id);
    expect(row).toMatchObject({ listing: { id: s.listing.id, title: s.listing.title }, fromOrganisation: { name: s.inquirerOrg.name }, status: "OPEN" });
    expect(JSON.stringify(before)).not.toContain(s.marker);

    const taken = await threadPost(s.inquiry.id, { intent: "takeover" }, s.otherBroker.cookie);
    expect(taken.status).toBe(302);
    expect(taken.headers.get("Location")).toBe(`/inquiries/${s.inquiry.id}?notice=takeover`);
    const after = await prisma.inquiry.findUniqueOrThrow({ where: { id: s.inquiry.id } });
    expect(after.assignedBrokerId).toBe(s.otherBroker.user.id);
    expect(after.takenOverAt).not.toBeNull();
    expect(await prisma.auditLog.count({ where: { action: "inquiry.takeover", entityId: s.inquiry.id, actorId: s.otherBroker.user.id } })).toBe(1);
    // Again by the same broker: nothing changes. By another: refused.
    expect((await threadPost(s.inquiry.id, { intent: "takeover" }, s.otherBroker.cookie)).status).toBe(302);
    expect((await threadPost(s.inquiry.id, { intent: "takeover" }, s.assignedBroker.cookie)).status).toBe(409);
    expect((await prisma.inquiry.findUniqueOrThrow({ where: { id: s.inquiry.id } })).assignedBrokerId).toBe(s.otherBroker.user.id);

    // Now the broker reads the thread, and it moved from "available" to "assigned".
    expect((await threadGet(s.inquiry.id, s.otherBroker.cookie)).status).toBe(200);
    const later = await inbox(s.otherBroker.cookie);
    expect(later.available.map((r: { id: string }) => r.id)).not.toContain(s.inquiry.id);
    expect(later.assigned.map((r: { id: string }) => r.id)).toContain(s.inquiry.id);
  });

  it("offers to open a deal to the parties and the assigned broker while there is none", async () => {
    const s = await createInquiryScenario();
    for (const who of parties) {
      const { thread } = await (await threadGet(s.inquiry.id, cookieOf(s, who))).json();
      expect(thread.viewer.canOpenDeal, who).toBe(true);
      expect(thread.dealId, who).toBeNull();
    }
    for (const who of ["outsider", "otherBroker"] as const) expect((await threadGet(s.inquiry.id, s[who].cookie)).status, who).toBe(404);
    const deal = await createDeal(s.ownerOrg.id, s.inquirerOrg.id, { inquiryId: s.inquiry.id });
    for (const who of parties) {
      const { thread } = await (await threadGet(s.inquiry.id, cookieOf(s, who))).json();
      expect(thread.viewer.canOpenDeal, who).toBe(false);
      expect(thread.dealId, who).toBe(deal.id);
    }
    expect(await getInquiryForDeal(s.inquiry.id)).toMatchObject({ hasDeal: true, listingOrganisationId: s.ownerOrg.id, fromOrganisationId: s.inquirerOrg.id });
  });
});

describe("conversation", () => {
  it("records the first answer, notifies the other side and the broker, never the author", async () => {
    const s = await createInquiryScenario();
    const ownerColleague = await createMember(s.ownerOrg.id, "Đồng Nghiệp Chủ Tin");
    const answered = async () => (await prisma.inquiry.findUniqueOrThrow({ where: { id: s.inquiry.id } })).firstAnsweredAt;
    const notifications = async () =>
      prisma.notification.findMany({ where: { type: "INQUIRY_ANSWERED", url: `/inquiries/${s.inquiry.id}` }, orderBy: { createdAt: "asc" }, select: { userId: true, data: true } });

    expect((await threadPost(s.inquiry.id, { intent: "reply", body: "Bổ sung: chúng tôi có sẵn nhà xưởng." }, s.inquirer.cookie)).status).toBe(302);
    expect(await answered()).toBeNull();
    let sent = await notifications();
    expect(sent.map((n) => n.userId).sort()).toEqual([s.owner.user.id, ownerColleague.user.id, s.assignedBroker.user.id].sort());
    expect(sent[0]!.data).toMatchObject({ inquiryId: s.inquiry.id, byOrganisation: s.inquirerOrg.name });
    await prisma.notification.deleteMany({ where: { url: `/inquiries/${s.inquiry.id}` } });

    expect((await threadPost(s.inquiry.id, { intent: "reply", body: "Cảm ơn, chúng tôi gửi báo giá sơ bộ." }, s.owner.cookie)).status).toBe(302);
    const first = await answered();
    expect(first).not.toBeNull();
    sent = await notifications();
    expect(sent.map((n) => n.userId).sort()).toEqual([s.inquirer.user.id, s.assignedBroker.user.id].sort());
    await prisma.notification.deleteMany({ where: { url: `/inquiries/${s.inquiry.id}` } });

    expect((await threadPost(s.inquiry.id, { intent: "reply", body: "Trung tâm đề nghị họp trực tuyến." }, s.assignedBroker.cookie)).status).toBe(302);
    sent = await notifications();
    expect(sent.map((n) => n.userId).sort()).toEqual([s.inquirer.user.id, s.owner.user.id, ownerColleague.user.id].sort());
    expect(sent[0]!.data).toMatchObject({ byOrganisation: s.assignedBroker.centre.name });
    await threadPost(s.inquiry.id, { intent: "reply", body: "Lần trả lời thứ hai." }, s.owner.cookie);
    expect(await answered()).toEqual(first);

    const { thread } = await (await threadGet(s.inquiry.id, s.inquirer.cookie)).json();
    expect(thread.messages.map((m: { side: string; organisationName: string | null; authorName: string; mine: boolean }) => [m.side, m.organisationName, m.authorName, m.mine])).toEqual([
      ["inquirer", s.inquirerOrg.name, "Phạm Người Hỏi", true],
      ["inquirer", s.inquirerOrg.name, "Phạm Người Hỏi", true],
      ["owner", s.ownerOrg.name, "Lê Chủ Tin", false],
      ["centre", null, "Đỗ Môi Giới Phụ Trách", false],
      ["owner", s.ownerOrg.name, "Lê Chủ Tin", false],
    ]);
    const brokerMessage = await prisma.inquiryMessage.findFirstOrThrow({ where: { inquiryId: s.inquiry.id, authorId: s.assignedBroker.user.id } });
    expect(brokerMessage.organisationId).toBeNull();

    // The deals module's view of the same thread.
    const listed = await listInquiryMessages(s.inquiry.id);
    expect(listed.map((m) => m.organisationName)).toEqual([s.inquirerOrg.name, s.inquirerOrg.name, s.ownerOrg.name, null, s.ownerOrg.name]);
  });

  it("rejects an empty or oversized reply", async () => {
    const s = await createInquiryScenario();
    for (const body of ["", "   ", "x".repeat(4001)]) {
      const response = await threadPost(s.inquiry.id, { intent: "reply", body }, s.inquirer.cookie);
      expect(response.status).toBe(400);
    }
    expect((await threadPost(s.inquiry.id, { intent: "delete" }, s.inquirer.cookie)).status).toBe(400);
    expect(await prisma.inquiryMessage.count({ where: { inquiryId: s.inquiry.id } })).toBe(1);
  });

  it("counts unread messages per thread and in total, until read", async () => {
    const s = await createInquiryScenario();
    const second = await createInquiryScenario();
    // The same owner member also belongs to the second listing's organisation.
    await createMembership(s.owner.user.id, second.ownerOrg.id);
    await threadPost(s.inquiry.id, { intent: "reply", body: "Một câu hỏi nữa." }, s.inquirer.cookie);

    let view = await inbox(s.owner.cookie);
    const unreadOf = (v: { received: { id: string; unread: number }[] }, id: string) => v.received.find((r) => r.id === id)?.unread;
    expect(unreadOf(view, s.inquiry.id)).toBe(2);
    expect(unreadOf(view, second.inquiry.id)).toBe(1);
    expect(view.totalUnread).toBe(3);

    expect((await threadPost(s.inquiry.id, { intent: "read" }, s.owner.cookie)).status).toBe(200);
    view = await inbox(s.owner.cookie);
    expect(unreadOf(view, s.inquiry.id)).toBe(0);
    expect(view.totalUnread).toBe(1);

    // The owner's reply is not unread for them, and it is for the inquirer.
    await threadPost(s.inquiry.id, { intent: "reply", body: "Đã nhận." }, s.owner.cookie);
    expect((await inbox(s.owner.cookie)).totalUnread).toBe(1);
    const inquirerView = await inbox(s.inquirer.cookie);
    expect(inquirerView.sent.find((r: { id: string }) => r.id === s.inquiry.id).unread).toBe(1);
    const { thread } = await (await threadGet(s.inquiry.id, s.inquirer.cookie)).json();
    expect(thread.unreadCount).toBe(1);
    expect(thread.messages.filter((m: { unread: boolean }) => m.unread).map((m: { body: string }) => m.body)).toEqual(["Đã nhận."]);

    // Other people's inboxes don't show the thread at all.
    const outsiderView = await inbox(s.outsider.cookie);
    expect(outsiderView.received).toEqual([]);
    expect(outsiderView.sent).toEqual([]);
    expect(outsiderView.totalUnread).toBe(0);
    expect(outsiderView.canTakeOver).toBe(false);
  });
});
