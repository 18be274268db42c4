import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { verifyPassword } from "~/modules/auth/password.server.ts";
import * as factories from "./factories/index.ts";
import {
  createAttachment,
  createAuditLog,
  createBrokerageFee,
  createDeal,
  createDealTransition,
  createFeaturedPlacement,
  createImportRun,
  createInquiry,
  createInquiryMessage,
  createInquiryRead,
  createKpiTarget,
  createListing,
  createListingEvent,
  createListingRevision,
  createMatch,
  createMemberWithOrganisation,
  createMembership,
  createNdaAcceptance,
  createNotification,
  createOrganisation,
  createPayment,
  createSavedSearch,
  createSavedSearchDelivery,
  createSession,
  createStripeEvent,
  createUser,
  DEFAULT_PASSWORD,
  unique,
} from "./factories/index.ts";

const DAY = 24 * 60 * 60 * 1000;

/** Every factory this file exercises; a new factory must be added here (and tested). */
const COVERED = [
  "createUser", "createSession", "createOrganisation", "createMembership", "createMemberWithOrganisation",
  "createListing", "createListingEvent", "createListingRevision", "createAttachment", "createImportRun",
  "createInquiry", "createInquiryMessage", "createInquiryRead", "createNdaAcceptance", "createDeal",
  "createDealTransition", "createMatch", "createSavedSearch", "createSavedSearchDelivery", "createNotification",
  "createPayment", "createFeaturedPlacement", "createBrokerageFee", "createStripeEvent", "createKpiTarget",
  "createAuditLog",
];

const TECHNOLOGY_OFFER_FIELDS = ["trl", "ipStatus", "partnerSought"] as const;
const EQUIPMENT_FIELDS = ["condition", "manufacturer", "model", "manufactureYear", "quantity", "specifications", "leaseAvailable"] as const;
const REQUEST_FIELDS = ["problemStatement", "minTrl", "budgetMin", "budgetMax", "budgetCurrency", "deadline"] as const;

describe("factories", () => {
  it("cover every exported factory", () => {
    const exported = Object.entries(factories)
      .filter(([name, value]) => typeof value === "function" && name.startsWith("create"))
      .map(([name]) => name)
      .sort();
    expect(exported).toEqual([...COVERED].sort());
  });

  it("unique() never repeats", () => {
    const values = Array.from({ length: 50 }, () => unique("x"));
    expect(new Set(values).size).toBe(50);
    for (const v of values) expect(v).toMatch(new RegExp(`^x-${process.pid}-\\d+$`));
  });

  it("build users, sessions, organisations and memberships", async () => {
    const user = await createUser();
    const other = await createUser();
    expect(user.email).not.toBe(other.email);
    expect(user.email).toMatch(/@example\.test$/);
    expect(await verifyPassword(user.passwordHash, DEFAULT_PASSWORD)).toBe(true);
    const withRoles = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, include: { roles: { include: { role: true } } } });
    expect(withRoles.roles.map((r) => r.role.name)).toEqual(["member"]);

    const broker = await createUser({ roles: ["broker"], email: `${unique("broker")}@example.test`, password: "another-pass-77" });
    const brokerRoles = await prisma.userRole.findMany({ where: { userId: broker.id }, include: { role: true } });
    expect(brokerRoles.map((r) => r.role.name)).toEqual(["broker"]);
    expect(await verifyPassword(broker.passwordHash, "another-pass-77")).toBe(true);
    expect(await verifyPassword(broker.passwordHash, DEFAULT_PASSWORD)).toBe(false);
    const admin = await createUser({ roles: ["member", "admin"] });
    expect((await prisma.userRole.findMany({ where: { userId: admin.id }, include: { role: true } })).map((r) => r.role.name).sort()).toEqual(["admin", "member"]);

    const session = await createSession(user.id);
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: session.id }, include: { user: true } })).user.id).toBe(user.id);

    const organisation = await createOrganisation();
    const second = await createOrganisation();
    expect(organisation.name).not.toBe(second.name);
    expect((await prisma.organisation.findUniqueOrThrow({ where: { id: organisation.id }, include: { province: true } })).province?.shortNameVi).toBe("Hồ Chí Minh");

    const membership = await createMembership(user.id, organisation.id);
    expect(membership.role).toBe("MEMBER");
    const readBack = await prisma.membership.findUniqueOrThrow({ where: { id: membership.id }, include: { user: true, organisation: true } });
    expect([readBack.user.id, readBack.organisation.id]).toEqual([user.id, organisation.id]);

    const owned = await createMemberWithOrganisation({ organisation: { kind: "UNIVERSITY" } });
    const ownerships = await prisma.membership.findMany({ where: { userId: owned.user.id }, include: { organisation: true } });
    expect(ownerships).toHaveLength(1);
    expect(ownerships[0]).toMatchObject({ role: "OWNER", organisationId: owned.organisation.id, organisation: { kind: "UNIVERSITY" } });
  });

  it("build a valid listing of each type, with only that type's fields set", async () => {
    const { organisation } = await createMemberWithOrganisation();

    const offer = await createListing(organisation.id, { confidential: { details: "Quy trình chi tiết", ndaText: "NDA" } });
    expect(offer).toMatchObject({ type: "TECHNOLOGY_OFFER", status: "PUBLISHED", trl: 7, ipStatus: "UTILITY_SOLUTION_GRANTED", currency: "VND" });
    expect(offer.ipNumbers).toEqual(["2-0002345"]);
    expect(offer.transferObjects).toEqual(["KNOW_HOW", "TRAINING"]);
    expect(offer.priceMin).toBe(300_000_000n);
    for (const f of [...EQUIPMENT_FIELDS, ...REQUEST_FIELDS]) expect(offer[f], f).toBeNull();
    expect(offer.preferredProvinceCodes).toEqual([]);
    expect(offer.publishedAt).toBeInstanceOf(Date);
    expect(offer.expiresAt!.getTime() - offer.publishedAt!.getTime()).toBe(365 * DAY);
    const offerBack = await prisma.listing.findUniqueOrThrow({
      where: { id: offer.id },
      include: { sectors: { include: { sector: true } }, confidential: true, organisation: true, province: true },
    });
    expect(offerBack.sectors.map((s) => s.sector.code)).toEqual(["2.11"]);
    expect(offerBack.confidential).toMatchObject({ details: "Quy trình chi tiết", ndaText: "NDA" });
    expect(offerBack.organisation.id).toBe(organisation.id);
    expect(offerBack.province?.code).toBe("79");

    const equipment = await createListing(organisation.id, { type: "EQUIPMENT_OFFER", sectorCodes: ["2.3", "2.11"] });
    expect(equipment).toMatchObject({
      type: "EQUIPMENT_OFFER",
      title: "Máy phay CNC 3 trục đã qua sử dụng",
      condition: "USED",
      manufacturer: "Haas",
      model: "VF-2",
      manufactureYear: 2018,
      quantity: 1,
      leaseAvailable: false,
      specifications: { "Hành trình X": "762 mm" },
      priceType: "FIXED",
    });
    for (const f of [...TECHNOLOGY_OFFER_FIELDS, ...REQUEST_FIELDS]) expect(equipment[f], f).toBeNull();
    expect(equipment.ipNumbers).toEqual([]);
    expect(equipment.transferObjects).toEqual([]);
    expect(
      (await prisma.listingSector.findMany({ where: { listingId: equipment.id }, orderBy: { sectorCode: "asc" } })).map((s) => s.sectorCode),
    ).toEqual(["2.11", "2.3"]);

    const request = await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", status: "DRAFT" });
    expect(request).toMatchObject({ type: "TECHNOLOGY_REQUEST", status: "DRAFT", minTrl: 6, budgetCurrency: "VND", publishedAt: null, expiresAt: null });
    expect(request.problemStatement).toMatch(/COD/);
    expect([request.budgetMin, request.budgetMax]).toEqual([500_000_000n, 2_000_000_000n]);
    expect(request.deadline).toEqual(new Date("2027-06-30T00:00:00Z"));
    expect(request.preferredProvinceCodes).toEqual(["92"]);
    for (const f of [...TECHNOLOGY_OFFER_FIELDS, ...EQUIPMENT_FIELDS, "priceMin", "priceMax", "currency"] as const) expect(request[f], f).toBeNull();
    expect(request.ipNumbers).toEqual([]);
    expect(request.transferObjects).toEqual([]);

    // Overrides win over the type's defaults.
    expect(await createListing(organisation.id, { trl: 3, title: "Khác" })).toMatchObject({ trl: 3, title: "Khác" });
  });

  it("build listing events, revisions, attachments and import runs", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { createdById: user.id });

    const event = await createListingEvent(listing.id, { actorId: user.id });
    expect(event).toMatchObject({ kind: "SUBMITTED", fromStatus: "DRAFT", toStatus: "PENDING_REVIEW" });
    const revision = await createListingRevision(listing.id, { submittedById: user.id });
    expect(revision).toMatchObject({ status: "PENDING", data: { title: "Tiêu đề mới" } });
    const a1 = await createAttachment(listing.id);
    const a2 = await createAttachment(listing.id, { kind: "DOCUMENT", contentType: "application/pdf" });
    expect(a1.storageKey).not.toBe(a2.storageKey);
    expect(a1.storageKey.startsWith(`listings/${listing.id}/`)).toBe(true);
    expect(a1.sha256).toMatch(/^[0-9a-f]{64}$/);
    const run = await createImportRun({ userId: user.id, organisationId: organisation.id });
    expect(run).toMatchObject({ format: "json", totalRows: 0, report: [] });

    const back = await prisma.listing.findUniqueOrThrow({
      where: { id: listing.id },
      include: { events: { include: { actor: true } }, revisions: { include: { submittedBy: true } }, attachments: true, createdBy: true },
    });
    expect(back.createdBy?.id).toBe(user.id);
    expect(back.events.map((e) => [e.id, e.actor?.id])).toEqual([[event.id, user.id]]);
    expect(back.revisions.map((r) => [r.id, r.submittedBy?.id])).toEqual([[revision.id, user.id]]);
    expect(back.attachments.map((a) => a.id).sort()).toEqual([a1.id, a2.id].sort());
    const runBack = await prisma.importRun.findUniqueOrThrow({ where: { id: run.id }, include: { user: true, organisation: true } });
    expect([runBack.user?.id, runBack.organisation?.id]).toEqual([user.id, organisation.id]);
  });

  it("build inquiries, messages, reads and NDA acceptances", async () => {
    const provider = await createMemberWithOrganisation();
    const seeker = await createMemberWithOrganisation();
    const listing = await createListing(provider.organisation.id);

    const inquiry = await createInquiry(listing.id, seeker.organisation.id, { createdById: seeker.user.id });
    expect(inquiry.status).toBe("OPEN");
    const message = await createInquiryMessage(inquiry.id, { authorId: seeker.user.id, organisationId: seeker.organisation.id });
    const read = await createInquiryRead(inquiry.id, provider.user.id);
    expect(read.lastReadAt).toBeInstanceOf(Date);
    const nda1 = await createNdaAcceptance(listing.id, seeker.organisation.id, { userId: seeker.user.id });
    const nda2 = await createNdaAcceptance(listing.id, seeker.organisation.id);
    expect(nda1.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(nda1.textHash).not.toBe(nda2.textHash);

    const back = await prisma.inquiry.findUniqueOrThrow({
      where: { id: inquiry.id },
      include: { listing: true, fromOrganisation: true, createdBy: true, messages: { include: { author: true } }, reads: true },
    });
    expect(back.listing.id).toBe(listing.id);
    expect(back.fromOrganisation.id).toBe(seeker.organisation.id);
    expect(back.createdBy?.id).toBe(seeker.user.id);
    expect(back.messages.map((m) => [m.id, m.author?.id, m.organisationId])).toEqual([[message.id, seeker.user.id, seeker.organisation.id]]);
    expect(back.reads.map((r) => r.userId)).toEqual([provider.user.id]);
    const ndas = await prisma.ndaAcceptance.findMany({ where: { listingId: listing.id }, include: { organisation: true, user: true } });
    expect(ndas.map((n) => n.id).sort()).toEqual([nda1.id, nda2.id].sort());
    expect(ndas.find((n) => n.id === nda1.id)?.user?.id).toBe(seeker.user.id);
  });

  it("build deals, transitions, matches and fees", async () => {
    const provider = await createMemberWithOrganisation();
    const seeker = await createMemberWithOrganisation();
    const broker = await createUser({ roles: ["broker"] });
    const offer = await createListing(provider.organisation.id);
    const request = await createListing(seeker.organisation.id, { type: "TECHNOLOGY_REQUEST" });

    const match = await createMatch(offer.id, request.id);
    expect(match).toMatchObject({ status: "SUGGESTED", score: 0.8, textScore: 0.7, reasons: [{ code: "SECTOR", sector: "2.11" }] });
    const deal = await createDeal(provider.organisation.id, seeker.organisation.id, {
      matchId: match.id,
      offerListingId: offer.id,
      requestListingId: request.id,
      assignedBrokerId: broker.id,
    });
    expect(deal).toMatchObject({ stage: "NEW", version: 0 });
    const transition = await createDealTransition(deal.id, { actorId: broker.id });
    expect(transition).toMatchObject({ fromStage: "NEW", toStage: "QUALIFIED" });
    const fee = await createBrokerageFee(deal.id, seeker.organisation.id, { issuedById: broker.id });
    expect(fee).toMatchObject({ basis: "FIXED", amount: 20_000_000n, currency: "VND", status: "ISSUED" });

    const back = await prisma.deal.findUniqueOrThrow({
      where: { id: deal.id },
      include: { providerOrg: true, seekerOrg: true, match: true, offerListing: true, requestListing: true, assignedBroker: true, transitions: true, fees: true },
    });
    expect(back.providerOrg.id).toBe(provider.organisation.id);
    expect(back.seekerOrg.id).toBe(seeker.organisation.id);
    expect([back.match?.id, back.offerListing?.id, back.requestListing?.id, back.assignedBroker?.id]).toEqual([match.id, offer.id, request.id, broker.id]);
    expect(back.transitions.map((t) => t.id)).toEqual([transition.id]);
    expect(back.fees.map((f) => f.id)).toEqual([fee.id]);
    const matchBack = await prisma.match.findUniqueOrThrow({ where: { id: match.id }, include: { offerListing: true, requestListing: true } });
    expect([matchBack.offerListing.type, matchBack.requestListing.type]).toEqual(["TECHNOLOGY_OFFER", "TECHNOLOGY_REQUEST"]);
  });

  it("build saved searches, deliveries and notifications", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const search = await createSavedSearch(user.id);
    expect(search).toMatchObject({ name: "Máy sấy", query: "máy sấy", filters: {}, frequency: "DAILY" });
    const delivery = await createSavedSearchDelivery(search.id, listing.id);
    expect(delivery.sentAt).toBeInstanceOf(Date);
    const notification = await createNotification(user.id, { type: "MATCH_SUGGESTED", url: "/matches" });
    expect(notification).toMatchObject({ type: "MATCH_SUGGESTED", readAt: null, url: "/matches" });

    const back = await prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { savedSearches: { include: { deliveries: { include: { listing: true } } } }, notifications: true },
    });
    expect(back.savedSearches.map((s) => s.id)).toEqual([search.id]);
    expect(back.savedSearches[0]!.deliveries.map((d) => d.listing.id)).toEqual([listing.id]);
    expect(back.notifications.map((n) => n.id)).toEqual([notification.id]);
  });

  it("build payments, featured placements, Stripe events, KPI targets and audit entries", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    const payment = await createPayment(organisation.id, { userId: user.id, listingId: listing.id });
    expect(payment).toMatchObject({ purpose: "FEATURED_PLACEMENT", status: "PENDING", amount: 1_500_000n, currency: "VND", featuredDays: 30 });
    const placement = await createFeaturedPlacement(listing.id, payment.id);
    expect(placement.endsAt.getTime() - placement.startsAt.getTime()).toBe(30 * DAY);
    const paymentBack = await prisma.payment.findUniqueOrThrow({
      where: { id: payment.id },
      include: { organisation: true, user: true, listing: true, featuredPlacement: true },
    });
    expect([paymentBack.organisation.id, paymentBack.user?.id, paymentBack.listing?.id, paymentBack.featuredPlacement?.id]).toEqual([
      organisation.id,
      user.id,
      listing.id,
      placement.id,
    ]);

    const e1 = await createStripeEvent();
    const e2 = await createStripeEvent();
    expect(e1.id).toMatch(/^evt_[A-Za-z0-9]+$/);
    expect(e1.id).not.toBe(e2.id);
    expect(await prisma.stripeEvent.count({ where: { id: { in: [e1.id, e2.id] } } })).toBe(2);

    const kpi = await createKpiTarget({ setById: user.id });
    expect(kpi).toMatchObject({ metric: "LISTINGS_PUBLISHED", target: 300n, currency: "" });
    // Repeated calls with the defaults do not collide on (year, metric, currency).
    const kpi2 = await createKpiTarget();
    expect(kpi2.year).not.toBe(kpi.year);
    expect((await prisma.kpiTarget.findUniqueOrThrow({ where: { id: kpi.id }, include: { setBy: true } })).setBy?.id).toBe(user.id);

    const audit = await createAuditLog({ actorId: user.id, entityId: listing.id, data: { n: 1 } });
    expect(audit).toMatchObject({ action: "test.action", entityType: "Test", entityId: listing.id, data: { n: 1 } });
    expect((await prisma.auditLog.findUniqueOrThrow({ where: { id: audit.id }, include: { actor: true } })).actor?.id).toBe(user.id);
  });
});
