import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { openDealFromInquiry, transitionDeal } from "~/modules/deals/deals.server.ts";
import { transitionSchema } from "~/modules/deals/schema.ts";
import { loader as boardLoader } from "~/routes/deals._index.tsx";
import { action as dealAction, loader as dealLoader } from "~/routes/deals.$id.tsx";
import { action as newAction, loader as newLoader } from "~/routes/deals.new.tsx";
import { createBroker, createDealBetween, createParties } from "./factories/deals.ts";
import { createInquiry, createInquiryMessage, createMemberWithOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}

async function post(fn: unknown, url: string, fields: Record<string, string>, cookie: string, params: Record<string, string> = {}) {
  return settle(call(fn as never, await formRequest(url, fields, { cookie }), { params }));
}

const transition = async (dealId: string, cookie: string, fields: Record<string, string>) =>
  post(dealAction, `/deals/${dealId}`, { intent: "transition", ...fields }, cookie, { id: dealId });

async function page(dealId: string, cookie?: string) {
  return settle(call(dealLoader as never, getRequest(`/deals/${dealId}`, cookie), { params: { id: dealId } }));
}

async function board(query: string, cookie: string) {
  const response = await settle(call(boardLoader as never, getRequest(`/deals${query}`, cookie)));
  expect(response.status).toBe(200);
  return (await response.json()).view;
}

const REASON = "Bên mua không thu xếp được vốn đối ứng trong năm nay.";

describe("opening a deal from an inquiry", () => {
  it("lets the inquiring member open it: the offer side provides, the inquirer seeks, the inquiry's broker carries it", async () => {
    const { provider, seeker, offer } = await createParties({ request: false });
    const broker = await createBroker();
    const inquiry = await createInquiry(offer.id, seeker.organisation.id, { assignedBrokerId: broker.id, createdById: seeker.user.id });
    const response = await post(newAction, "/deals/new", { inquiryId: inquiry.id }, await cookieFor(seeker.user.id));
    expect(response.status).toBe(302);
    const id = response.headers.get("Location")!.match(/^\/deals\/([^/?]+)\?opened=1$/)![1]!;
    const deal = await prisma.deal.findUniqueOrThrow({ where: { id }, include: { transitions: true } });
    expect(deal).toMatchObject({
      stage: "NEW",
      title: offer.title,
      providerOrgId: provider.organisation.id,
      seekerOrgId: seeker.organisation.id,
      offerListingId: offer.id,
      requestListingId: null,
      inquiryId: inquiry.id,
      assignedBrokerId: broker.id,
      openedById: seeker.user.id,
      version: 0,
    });
    expect(deal.transitions).toMatchObject([{ fromStage: null, toStage: "NEW", actorId: seeker.user.id }]);
    expect(await prisma.auditLog.count({ where: { action: "deal.open", entityId: id } })).toBe(1);
    // The other party and the broker hear of it; the opener does not.
    const notified = await prisma.notification.findMany({ where: { type: "DEAL_STAGE_CHANGED", url: `/deals/${id}` }, select: { userId: true } });
    expect(notified.map((n) => n.userId).sort()).toEqual([provider.user.id, broker.id].sort());
  });

  it("makes the inquirer the provider when the listing is a technology request", async () => {
    const { provider, seeker, request } = await createParties();
    // The provider answers the seeker's request.
    const inquiry = await createInquiry(request!.id, provider.organisation.id);
    const response = await post(newAction, "/deals/new", { inquiryId: inquiry.id }, await cookieFor(seeker.user.id));
    expect(response.status).toBe(302);
    const deal = await prisma.deal.findUniqueOrThrow({ where: { inquiryId: inquiry.id } });
    expect(deal).toMatchObject({
      providerOrgId: provider.organisation.id,
      seekerOrgId: seeker.organisation.id,
      offerListingId: null,
      requestListingId: request!.id,
      assignedBrokerId: null,
    });
  });

  it("lets a broker open it and take it when nobody carries the inquiry", async () => {
    const { seeker, offer } = await createParties({ request: false });
    const broker = await createBroker();
    const inquiry = await createInquiry(offer.id, seeker.organisation.id);
    const response = await post(newAction, "/deals/new", { inquiryId: inquiry.id }, await cookieFor(broker.id));
    expect(response.status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { inquiryId: inquiry.id } })).toMatchObject({ assignedBrokerId: broker.id, openedById: broker.id });
  });

  it("returns the existing deal instead of opening a second, also when two people open at once", async () => {
    const { provider, seeker, offer } = await createParties({ request: false });
    const inquiry = await createInquiry(offer.id, seeker.organisation.id);
    const [a, b] = await Promise.all([loadActor(seeker.user.id), loadActor(provider.user.id)]);
    const [first, second] = await Promise.all([openDealFromInquiry(a!, inquiry.id), openDealFromInquiry(b!, inquiry.id)]);
    expect(first.id).toBe(second.id);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect(await prisma.deal.count({ where: { inquiryId: inquiry.id } })).toBe(1);
    expect(await prisma.dealTransition.count({ where: { dealId: first.id } })).toBe(1);

    const again = await post(newAction, "/deals/new", { inquiryId: inquiry.id }, await cookieFor(seeker.user.id));
    expect(again.headers.get("Location")).toBe(`/deals/${first.id}`);
    expect(await prisma.deal.count({ where: { inquiryId: inquiry.id } })).toBe(1);
  });

  it("answers 404 to outsiders and for unknown inquiries, 400 without an inquiry, and sends GET to the list", async () => {
    const { seeker, offer } = await createParties({ request: false });
    const inquiry = await createInquiry(offer.id, seeker.organisation.id);
    const outsider = await createMemberWithOrganisation();
    const cookie = await cookieFor(outsider.user.id);
    expect((await post(newAction, "/deals/new", { inquiryId: inquiry.id }, cookie)).status).toBe(404);
    expect((await post(newAction, "/deals/new", { inquiryId: "nope" }, await cookieFor(seeker.user.id))).status).toBe(404);
    const missing = await post(newAction, "/deals/new", {}, await cookieFor(seeker.user.id));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.inquiryId).toEqual(["errors.chooseOne"]);
    expect(await prisma.deal.count({ where: { inquiryId: inquiry.id } })).toBe(0);
    const get = await settle(call(newLoader as never, getRequest("/deals/new", cookie)));
    expect(get.headers.get("Location")).toBe("/deals");
  });
});

describe("moving a deal through its stages", () => {
  it("walks from NEW to COMPLETED, recording each step, its actor and comment, and telling everyone else", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    const steps: [string, Record<string, string>][] = [
      ["qualify", { comment: "Hai bên đủ năng lực." }],
      ["introduce", {}],
      ["sign_nda", {}],
      ["negotiate", {}],
      ["reach_agreement", { agreementType: "LICENCE", agreedValue: "1.250.000.000", agreedCurrency: "VND" }],
      ["complete", { comment: "Hợp đồng đã ký và thanh toán đợt 1." }],
    ];
    for (const [i, [action, fields]] of steps.entries()) {
      const response = await transition(deal.id, cookie, { action, version: String(i), ...fields });
      expect(response.status, action).toBe(302);
    }
    const done = await prisma.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { transitions: { orderBy: { createdAt: "asc" } } } });
    expect(done).toMatchObject({ stage: "COMPLETED", version: 6, agreementType: "LICENCE", agreedValue: 1_250_000_000n, agreedCurrency: "VND" });
    expect(done.agreedAt).toBeInstanceOf(Date);
    expect(done.completedAt).toBeInstanceOf(Date);
    expect(done.closedAt).toEqual(done.completedAt);
    expect(done.transitions.map((t) => [t.fromStage, t.toStage])).toEqual([
      [null, "NEW"],
      ["NEW", "QUALIFIED"],
      ["QUALIFIED", "INTRODUCED"],
      ["INTRODUCED", "NDA_SIGNED"],
      ["NDA_SIGNED", "NEGOTIATING"],
      ["NEGOTIATING", "AGREEMENT_REACHED"],
      ["AGREEMENT_REACHED", "COMPLETED"],
    ]);
    expect(done.transitions.slice(1).every((t) => t.actorId === broker.id)).toBe(true);
    expect(done.transitions[1]!.comment).toBe("Hai bên đủ năng lực.");
    expect(await prisma.auditLog.count({ where: { action: "deal.transition", entityId: deal.id, actorId: broker.id } })).toBe(6);
    // Each party member hears of each step; the broker who acted does not.
    const notes = await prisma.notification.findMany({ where: { type: "DEAL_STAGE_CHANGED", url: `/deals/${deal.id}` }, select: { userId: true, data: true, url: true } });
    expect(notes.filter((n) => n.userId === parties.provider.user.id)).toHaveLength(6);
    expect(notes.filter((n) => n.userId === parties.seeker.user.id)).toHaveLength(6);
    expect(notes.filter((n) => n.userId === broker.id)).toHaveLength(0);
    expect(notes.find((n) => (n.data as { toStage: string }).toStage === "COMPLETED")).toMatchObject({
      url: `/deals/${deal.id}`,
      data: { fromStage: "AGREEMENT_REACHED", comment: "Hợp đồng đã ký và thanh toán đợt 1." },
    });

    // Completed is terminal.
    const after = await transition(deal.id, cookie, { action: "hold", version: "6" });
    expect(after.status).toBe(400);
    expect((await after.json()).error[""]).toEqual(["deals.errors.notAllowed"]);
  });

  it("refuses a move, a take or an assignment whose version is absent, empty or not a whole number, and the deal does not move", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const admin = await createUser({ roles: ["admin"] });
    const deal = await createDealBetween(parties, { stage: "NEW", assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    for (const version of [undefined, "", "   ", "abc", "1.5", "-1", "0x0", "9999999999"]) {
      const fields: Record<string, string> = version === undefined ? {} : { version };
      const moved = await transition(deal.id, cookie, { action: "qualify", ...fields });
      expect(moved.status, JSON.stringify(version)).toBe(400);
      expect((await moved.json()).error.version, JSON.stringify(version)).toEqual(["deals.errors.stale"]);
      const taken = await post(dealAction, `/deals/${deal.id}`, { intent: "take", ...fields }, await cookieFor(admin.id), { id: deal.id });
      expect(taken.status, JSON.stringify(version)).toBe(400);
      const assigned = await post(dealAction, `/deals/${deal.id}`, { intent: "assign", brokerId: broker.id, ...fields }, await cookieFor(admin.id), { id: deal.id });
      expect(assigned.status, JSON.stringify(version)).toBe(400);
    }
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "NEW", version: 0, assignedBrokerId: broker.id });
    expect(await prisma.dealTransition.count({ where: { dealId: deal.id } })).toBe(1);
    // The schema itself, as the browser and any other caller use it.
    for (const version of ["", " ", undefined]) expect(transitionSchema.safeParse({ intent: "transition", action: "qualify", version }).success, JSON.stringify(version)).toBe(false);
    expect(transitionSchema.parse({ intent: "transition", action: "qualify", version: " 3 " })).toMatchObject({ version: 3 });
    expect((await transition(deal.id, cookie, { action: "qualify", version: "0" })).status).toBe(302);
  });

  it("refuses an agreement without its type, value and currency, naming each field and changing nothing", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { stage: "NEGOTIATING", assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    const empty = await transition(deal.id, cookie, { action: "reach_agreement", version: "0" });
    expect(empty.status).toBe(400);
    const body = await empty.json();
    expect(body.error).toMatchObject({
      agreementType: ["deals.errors.agreementType"],
      agreedValue: ["deals.errors.agreedValue"],
      agreedCurrency: ["deals.errors.agreedCurrency"],
    });
    expect(body.sentAction).toBe("reach_agreement");
    const typed = await transition(deal.id, cookie, { action: "reach_agreement", version: "0", agreementType: "LICENCE", agreedValue: "12,5", comment: "Giá chốt" });
    // The refused form comes back as it was sent.
    expect((await typed.json()).initialValue).toMatchObject({ agreementType: "LICENCE", agreedValue: "12,5", comment: "Giá chốt" });
    for (const agreedValue of ["0", "-5", "12.5", "1,5", "abc", "99999999999999999999"]) {
      const response = await transition(deal.id, cookie, { action: "reach_agreement", version: "0", agreementType: "ASSIGNMENT", agreedValue, agreedCurrency: "USD" });
      expect(response.status, agreedValue).toBe(400);
      expect((await response.json()).error.agreedValue, agreedValue).toHaveLength(1);
    }
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "NEGOTIATING", version: 0, agreedValue: null });
    expect(await prisma.dealTransition.count({ where: { dealId: deal.id } })).toBe(1);

    const ok = await transition(deal.id, cookie, { action: "reach_agreement", version: "0", agreementType: "ASSIGNMENT", agreedValue: "45,000", agreedCurrency: "USD" });
    expect(ok.status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "AGREEMENT_REACHED", agreedValue: 45_000n, agreedCurrency: "USD" });
  });

  it("loses a deal only with a reason, and closes it", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { stage: "QUALIFIED", assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    const short = await transition(deal.id, cookie, { action: "lose", version: "0", reason: "đắt" });
    expect(short.status).toBe(400);
    expect((await short.json()).error.reason).toEqual(["deals.errors.lostReason"]);
    expect((await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).stage).toBe("QUALIFIED");

    expect((await transition(deal.id, cookie, { action: "lose", version: "0", reason: REASON })).status).toBe(302);
    const lost = await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(lost).toMatchObject({ stage: "LOST", lostReason: REASON, version: 1 });
    expect(lost.closedAt).toBeInstanceOf(Date);
    expect(lost.completedAt).toBeNull();
  });

  it("puts a deal on hold and resumes it where it was", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { stage: "NDA_SIGNED", assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    expect((await transition(deal.id, cookie, { action: "hold", version: "0", comment: "Chờ ngân sách quý sau." })).status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "ON_HOLD", stageBeforeHold: "NDA_SIGNED" });
    // A forward move is not offered while held.
    expect((await transition(deal.id, cookie, { action: "negotiate", version: "1" })).status).toBe(400);
    expect((await transition(deal.id, cookie, { action: "resume", version: "1" })).status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "NDA_SIGNED", stageBeforeHold: null, version: 2 });
  });
});

describe("who may move a deal", () => {
  async function scenario() {
    const parties = await createParties();
    const broker = await createBroker({ name: "Broker Phụ Trách" });
    const deal = await createDealBetween(parties, { assignedBrokerId: broker.id });
    return { ...parties, broker, deal };
  }

  it("lets the assigned broker and an admin, but not another broker or a party; outsiders get 404", async () => {
    const s = await scenario();
    const otherBroker = await createBroker();
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    const outsider = await createMemberWithOrganisation();
    const expectations: [string, string, number][] = [
      ["provider member", s.provider.user.id, 403],
      ["seeker member", s.seeker.user.id, 403],
      ["another broker", otherBroker.id, 403],
      ["outsider", outsider.user.id, 404],
    ];
    for (const [who, userId, status] of expectations) {
      const response = await transition(s.deal.id, await cookieFor(userId), { action: "qualify", version: "0" });
      expect(response.status, who).toBe(status);
    }
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: s.deal.id } })).toMatchObject({ stage: "NEW", version: 0 });
    expect(await prisma.dealTransition.count({ where: { dealId: s.deal.id } })).toBe(1);

    expect((await transition(s.deal.id, await cookieFor(s.broker.id), { action: "qualify", version: "0" })).status).toBe(302);
    expect((await transition(s.deal.id, await cookieFor(admin.id), { action: "introduce", version: "1" })).status).toBe(302);
    const history = await prisma.dealTransition.findMany({ where: { dealId: s.deal.id, fromStage: { not: null } }, orderBy: { createdAt: "asc" }, select: { actorId: true } });
    expect(history.map((h) => h.actorId)).toEqual([s.broker.id, admin.id]);
  });

  it("refuses every action to the parties and to brokers who do not carry the deal", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const otherBroker = await createBroker();
    const cases: [string, string, Record<string, string>][] = [
      ["NEW", "qualify", {}],
      ["QUALIFIED", "introduce", {}],
      ["INTRODUCED", "sign_nda", {}],
      ["NDA_SIGNED", "negotiate", {}],
      ["NEGOTIATING", "reach_agreement", { agreementType: "LICENCE", agreedValue: "1000", agreedCurrency: "VND" }],
      ["AGREEMENT_REACHED", "complete", {}],
      ["NEW", "hold", {}],
      ["ON_HOLD", "resume", {}],
      ["NEW", "lose", { reason: REASON }],
    ];
    const cookies = await Promise.all([parties.provider.user.id, parties.seeker.user.id, otherBroker.id].map(cookieFor));
    for (const [stage, action, fields] of cases) {
      const deal = await createDealBetween(parties, { stage: stage as never, stageBeforeHold: stage === "ON_HOLD" ? "QUALIFIED" : null, assignedBrokerId: broker.id });
      for (const cookie of cookies) expect((await transition(deal.id, cookie, { action, version: "0", ...fields })).status, `${action} by a non-carrier`).toBe(403);
      expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } }), action).toMatchObject({ stage, version: 0 });
      expect((await transition(deal.id, await cookieFor(broker.id), { action, version: "0", ...fields })).status, `${action} by the broker`).toBe(302);
    }
  });

  it("shows parties their deal page read-only, with the thread, and hides it from outsiders", async () => {
    const parties = await createParties({ request: false });
    const broker = await createBroker();
    const inquiry = await createInquiry(parties.offer.id, parties.seeker.organisation.id);
    await createInquiryMessage(inquiry.id, { authorId: parties.seeker.user.id, organisationId: parties.seeker.organisation.id, body: "Công suất 2 tấn/ngày được không?" });
    const deal = await createDealBetween(parties, {
      inquiryId: inquiry.id,
      assignedBrokerId: broker.id,
      stage: "AGREEMENT_REACHED",
      agreementType: "LICENCE",
      agreedValue: 9_007_199_254_740_991n,
      agreedCurrency: "VND",
    });
    const response = await page(deal.id, await cookieFor(parties.seeker.user.id));
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.deal).toMatchObject({
      agreedValue: "9007199254740991",
      providerOrg: { id: parties.provider.organisation.id },
      seekerOrg: { id: parties.seeker.organisation.id },
      offerListing: { id: parties.offer.id, title: parties.offer.title },
      assignedBroker: { name: broker.name },
    });
    expect(data.thread).toMatchObject([{ body: "Công suất 2 tấn/ngày được không?", organisationName: parties.seeker.organisation.name }]);
    expect(data.permissions).toEqual({ actions: [], canTake: false, canAssign: false });

    const asBroker = await (await page(deal.id, await cookieFor(broker.id))).json();
    expect(asBroker.permissions.actions).toEqual(["complete", "hold", "lose"]);

    const outsider = await createMemberWithOrganisation();
    expect((await page(deal.id, await cookieFor(outsider.user.id))).status).toBe(404);
    expect((await page("no-such-deal", await cookieFor(broker.id))).status).toBe(404);
    expect((await page(deal.id)).status).toBe(302);
  });

  it("lets a broker take an unassigned deal, not one someone carries; an admin reassigns", async () => {
    const parties = await createParties();
    const deal = await createDealBetween(parties);
    const broker = await createBroker();
    const second = await createBroker();
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    const member = parties.provider.user;

    expect((await post(dealAction, `/deals/${deal.id}`, { intent: "take", version: "0" }, await cookieFor(member.id), { id: deal.id })).status).toBe(403);
    const viewed = await (await page(deal.id, await cookieFor(broker.id))).json();
    expect(viewed.permissions).toMatchObject({ canTake: true, canAssign: false, actions: [] });

    expect((await post(dealAction, `/deals/${deal.id}`, { intent: "take", version: "0" }, await cookieFor(broker.id), { id: deal.id })).status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ assignedBrokerId: broker.id, version: 1 });
    const refused = await post(dealAction, `/deals/${deal.id}`, { intent: "take", version: "1" }, await cookieFor(second.id), { id: deal.id });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error[""]).toEqual(["deals.errors.notAllowed"]);

    const adminCookie = await cookieFor(admin.id);
    const adminView = await (await page(deal.id, adminCookie)).json();
    expect(adminView.brokers.map((b: { id: string }) => b.id)).toEqual(expect.arrayContaining([broker.id, second.id]));
    expect(adminView.brokers.map((b: { id: string }) => b.id)).not.toContain(member.id);
    const notBroker = await post(dealAction, `/deals/${deal.id}`, { intent: "assign", version: "1", brokerId: member.id }, adminCookie, { id: deal.id });
    expect(notBroker.status).toBe(400);
    expect((await notBroker.json()).error.brokerId).toEqual(["errors.chooseOne"]);
    // Only an admin reassigns.
    expect((await post(dealAction, `/deals/${deal.id}`, { intent: "assign", version: "1", brokerId: second.id }, await cookieFor(broker.id), { id: deal.id })).status).toBe(403);
    expect((await post(dealAction, `/deals/${deal.id}`, { intent: "assign", version: "1", brokerId: second.id }, adminCookie, { id: deal.id })).status).toBe(302);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ assignedBrokerId: second.id, version: 2 });
    expect(await prisma.auditLog.count({ where: { action: "deal.assign", entityId: deal.id } })).toBe(2);
    // The previous broker may no longer move it; the new one may.
    expect((await transition(deal.id, await cookieFor(broker.id), { action: "qualify", version: "2" })).status).toBe(403);
    expect((await transition(deal.id, await cookieFor(second.id), { action: "qualify", version: "2" })).status).toBe(302);
  });
});

describe("concurrent changes", () => {
  it("answers 409 to a form that saw an older version, and changes nothing", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { assignedBrokerId: broker.id });
    const cookie = await cookieFor(broker.id);
    expect((await transition(deal.id, cookie, { action: "qualify", version: "0" })).status).toBe(302);
    const stale = await transition(deal.id, cookie, { action: "lose", version: "0", reason: REASON });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error[""]).toEqual(["deals.errors.stale"]);
    expect(await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stage: "QUALIFIED", version: 1, lostReason: null });
  });

  it("lets exactly one of two simultaneous transitions from the same version win", async () => {
    const parties = await createParties();
    const broker = await createBroker();
    const admin = await createUser({ roles: ["member", "broker", "admin"] });
    const deal = await createDealBetween(parties, { stage: "NEGOTIATING", assignedBrokerId: broker.id });
    const [a, b] = await Promise.all([loadActor(broker.id), loadActor(admin.id)]);
    const results = await Promise.all([
      transitionDeal(a!, deal.id, { intent: "transition", action: "reach_agreement", version: 0, comment: "", agreementType: "LICENCE", agreedValue: 500_000_000n, agreedCurrency: "VND" }),
      transitionDeal(b!, deal.id, { intent: "transition", action: "lose", version: 0, comment: "", reason: REASON }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "stale" }]);
    const after = await prisma.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after.version).toBe(1);
    const moves = await prisma.dealTransition.findMany({ where: { dealId: deal.id, fromStage: { not: null } } });
    expect(moves).toHaveLength(1);
    expect(moves[0]!.toStage).toBe(after.stage);
    // The loser left no trace: one audit entry, and its side's fields are untouched.
    expect(await prisma.auditLog.count({ where: { action: "deal.transition", entityId: deal.id } })).toBe(1);
    if (after.stage === "LOST") expect(after.agreedValue).toBeNull();
    else expect(after.lostReason).toBeNull();
  });
});

describe("the pipeline board", () => {
  // Brokers see every deal: start each board from an empty pipeline (this file has its own database).
  beforeEach(async () => {
    await prisma.deal.deleteMany();
  });

  it("shows brokers every open stage as a column with counts, closed stages as counts, and filters by broker, sector and province", async () => {
    const broker = await createBroker({ name: "An Broker" });
    const other = await createBroker({ name: "Bình Broker" });
    const food = await createParties({ offer: { sectorCodes: ["2.11"], provinceCode: "79" }, request: { sectorCodes: ["2.11"], provinceCode: "79" } });
    const machines = await createParties({ offer: { type: "EQUIPMENT_OFFER", sectorCodes: ["2.3"], provinceCode: "01" }, request: false });
    const mine = await createDealBetween(food, { stage: "NEGOTIATING", assignedBrokerId: broker.id, agreedValue: null });
    const theirs = await createDealBetween(machines, { stage: "QUALIFIED", assignedBrokerId: other.id });
    const nobodys = await createDealBetween(machines, { stage: "ON_HOLD", stageBeforeHold: "NEW" });
    const completed = await createDealBetween(food, {
      stage: "COMPLETED",
      assignedBrokerId: broker.id,
      agreementType: "LICENCE",
      agreedValue: 800_000_000n,
      agreedCurrency: "VND",
      closedAt: new Date(),
    });
    const cookie = await cookieFor(broker.id);

    const all = await board("", cookie);
    expect(all.kind).toBe("board");
    const columns = all.board.columns as { stage: string; total: number; deals: { id: string }[] }[];
    expect(columns.map((c) => c.stage)).toEqual(["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED", "ON_HOLD"]);
    const ids = (stage: string, view = all) => (view.board.columns as typeof columns).find((c) => c.stage === stage)!.deals.map((d) => d.id);
    expect(ids("NEGOTIATING")).toEqual([mine.id]);
    expect(ids("QUALIFIED")).toEqual([theirs.id]);
    expect(ids("ON_HOLD")).toEqual([nobodys.id]);
    expect(all.board.counts).toMatchObject({ COMPLETED: 1, LOST: 0, NEGOTIATING: 1 });
    const card = columns.find((c) => c.stage === "NEGOTIATING")!.deals[0];
    expect(card).toMatchObject({ title: food.offer.title, providerOrg: { name: food.provider.organisation.name }, assignedBroker: { name: "An Broker" }, ageDays: 0 });

    const mineOnly = await board("?broker=mine", cookie);
    expect(Object.values(mineOnly.board.counts).reduce((a: number, b) => a + (b as number), 0)).toBe(2);
    expect(ids("NEGOTIATING", mineOnly)).toEqual([mine.id]);
    expect(ids("QUALIFIED", mineOnly)).toEqual([]);
    expect(ids("ON_HOLD", await board("?broker=unassigned", cookie))).toEqual([nobodys.id]);
    expect(ids("QUALIFIED", await board(`?broker=${other.id}`, cookie))).toEqual([theirs.id]);

    // Sector "2" covers 2.3 and 2.11; "2.3" only the machines.
    const bySector = await board("?sector=2.3", cookie);
    expect(ids("QUALIFIED", bySector)).toEqual([theirs.id]);
    expect(ids("NEGOTIATING", bySector)).toEqual([]);
    expect(bySector.board.counts.COMPLETED).toBe(0);
    expect((await board("?sector=2", cookie)).board.counts).toMatchObject({ QUALIFIED: 1, NEGOTIATING: 1, ON_HOLD: 1, COMPLETED: 1 });
    const byProvince = await board("?province=79", cookie);
    expect(ids("NEGOTIATING", byProvince)).toEqual([mine.id]);
    expect(ids("QUALIFIED", byProvince)).toEqual([]);
    // A bad filter value is ignored, not a 500.
    expect((await board("?sector=abc&province=zz&broker=%27%3B", cookie)).board.counts.NEGOTIATING).toBe(1);

    const closed = await board("?stage=COMPLETED", cookie);
    expect(closed.board.closed).toMatchObject({ stage: "COMPLETED", total: 1, page: 1, deals: [{ id: completed.id, agreedValue: "800000000", agreedCurrency: "VND" }] });
    expect(closed.board.columns).toEqual([]);
  });

  it("caps a column and still counts it all", async () => {
    const broker = await createBroker();
    const parties = await createParties({ request: false });
    const total = 33;
    for (let i = 0; i < total; i++) await createDealBetween(parties, { stage: "INTRODUCED", assignedBrokerId: broker.id });
    const view = await board("", await cookieFor(broker.id));
    const column = view.board.columns.find((c: { stage: string }) => c.stage === "INTRODUCED");
    expect(column.total).toBe(total);
    expect(column.deals).toHaveLength(30);
  });

  it("gives members a list of their organisations' deals only", async () => {
    const ours = await createParties({ request: false });
    const theirs = await createParties({ request: false });
    const deal = await createDealBetween(ours, { stage: "INTRODUCED" });
    await createDealBetween(theirs);
    const view = await board("?broker=mine", await cookieFor(ours.seeker.user.id));
    expect(view.kind).toBe("list");
    expect(view.deals.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    const nobody = await createMemberWithOrganisation();
    expect((await board("", await cookieFor(nobody.user.id))).deals).toEqual([]);
  });
});
