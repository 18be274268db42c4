/**
 * Factories: one call builds a valid row; override only what a test is about.
 * The demo seed (prisma/seed/demo.ts) builds its data with these too.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { hashPassword } from "../../app/modules/auth/password.server.ts";
import type { RoleName } from "../../app/modules/auth/permissions.ts";

let sequence = 0;
/** A value unique within this process (and, with the pid, across test workers). */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

const hashes = new Map<string, Promise<string>>();
/** Hashing is deliberately slow; factories hash each distinct password once. */
function passwordHashFor(password: string) {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return hashes.get(password)!;
}

export const DEFAULT_PASSWORD = "correct-horse-42";
const DAY = 24 * 60 * 60 * 1000;

export async function createUser(
  overrides: Partial<Prisma.UserUncheckedCreateInput> & { password?: string; roles?: RoleName[] } = {},
) {
  const { password = DEFAULT_PASSWORD, roles = ["member"], ...data } = overrides;
  const email = data.email ?? `${unique("user")}@example.test`;
  return prisma.user.create({
    data: {
      name: "Nguyễn Văn Thử",
      passwordHash: await passwordHashFor(password),
      // Verified unless a test is about verification ({ emailVerifiedAt: null }): only self sign-ups start unverified.
      emailVerifiedAt: new Date(),
      ...data,
      email,
      roles: { create: roles.map((name) => ({ role: { connect: { name } } })) },
    },
  });
}

export function createSession(userId: string, overrides: Partial<Prisma.SessionUncheckedCreateInput> = {}) {
  return prisma.session.create({ data: { userId, expiresAt: new Date(Date.now() + 30 * DAY), ...overrides } });
}

export function createOrganisation(overrides: Partial<Prisma.OrganisationUncheckedCreateInput> = {}) {
  return prisma.organisation.create({
    data: { name: unique("Công ty TNHH Thử nghiệm"), kind: "ENTERPRISE", provinceCode: "79", ...overrides },
  });
}

export function createMembership(userId: string, organisationId: string, role: "OWNER" | "MEMBER" = "MEMBER") {
  return prisma.membership.create({ data: { userId, organisationId, role } });
}

/** A user who owns a fresh organisation (or the one given). */
export async function createMemberWithOrganisation(
  options: { user?: Parameters<typeof createUser>[0]; organisation?: Partial<Prisma.OrganisationUncheckedCreateInput> } = {},
) {
  const user = await createUser(options.user);
  const organisation = await createOrganisation(options.organisation);
  await createMembership(user.id, organisation.id, "OWNER");
  return { user, organisation };
}

type ListingOverrides = Omit<Partial<Prisma.ListingUncheckedCreateInput>, "confidential"> & { sectorCodes?: string[]; confidential?: { details: string; ndaText: string } };

const TYPE_DEFAULTS: Record<"TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST", Partial<Prisma.ListingUncheckedCreateInput>> = {
  TECHNOLOGY_OFFER: {
    title: "Công nghệ sấy lạnh bảo quản trái cây",
    trl: 7,
    ipStatus: "UTILITY_SOLUTION_GRANTED",
    ipNumbers: ["2-0002345"],
    transferModes: ["LICENSE_NON_EXCLUSIVE", "TECHNICAL_ASSISTANCE"],
    transferObjects: ["KNOW_HOW", "TRAINING"],
    priceType: "NEGOTIABLE",
    priceMin: 300_000_000n,
    priceMax: 600_000_000n,
    currency: "VND",
  },
  EQUIPMENT_OFFER: {
    title: "Máy phay CNC 3 trục đã qua sử dụng",
    condition: "USED",
    manufacturer: "Haas",
    model: "VF-2",
    manufactureYear: 2018,
    quantity: 1,
    specifications: { "Hành trình X": "762 mm" },
    leaseAvailable: false,
    transferModes: ["EQUIPMENT_SALE"],
    priceType: "FIXED",
    priceMin: 1_200_000_000n,
    priceMax: 1_200_000_000n,
    currency: "VND",
  },
  TECHNOLOGY_REQUEST: {
    title: "Cần công nghệ xử lý nước thải chế biến thủy sản",
    problemStatement: "Nước thải sau chế biến có COD cao, cần đạt QCVN 11-MT:2015/BTNMT.",
    minTrl: 6,
    budgetMin: 500_000_000n,
    budgetMax: 2_000_000_000n,
    budgetCurrency: "VND",
    transferModes: ["TURNKEY"],
    deadline: new Date("2027-06-30T00:00:00Z"),
    preferredProvinceCodes: ["92"],
    priceType: "NEGOTIABLE",
  },
};

/** A listing of `type` (default: a published technology offer) for an organisation. */
export async function createListing(organisationId: string, overrides: ListingOverrides = {}) {
  const { sectorCodes = ["2.11"], confidential, ...data } = overrides;
  const type = data.type ?? "TECHNOLOGY_OFFER";
  const status = data.status ?? "PUBLISHED";
  const published = status === "PUBLISHED" ? new Date() : null;
  return prisma.listing.create({
    data: {
      summary: "Giải pháp đã kiểm chứng ở quy mô sản xuất, chuyển giao trọn gói kèm đào tạo.",
      description: "Mô tả chi tiết công nghệ.",
      keywords: ["thử nghiệm"],
      provinceCode: "79",
      publishedAt: published,
      expiresAt: published ? new Date(published.getTime() + 365 * DAY) : null,
      ...TYPE_DEFAULTS[type],
      ...data,
      title: data.title ?? TYPE_DEFAULTS[type].title ?? "Tin thử nghiệm",
      type,
      status,
      organisationId,
      sectors: { create: sectorCodes.map((sectorCode) => ({ sectorCode })) },
      ...(confidential ? { confidential: { create: confidential } } : {}),
    },
  });
}

export function createListingEvent(listingId: string, overrides: Partial<Prisma.ListingEventUncheckedCreateInput> = {}) {
  return prisma.listingEvent.create({ data: { listingId, kind: "SUBMITTED", fromStatus: "DRAFT", toStatus: "PENDING_REVIEW", ...overrides } });
}

export function createListingRevision(listingId: string, overrides: Partial<Prisma.ListingRevisionUncheckedCreateInput> = {}) {
  return prisma.listingRevision.create({ data: { listingId, data: { title: "Tiêu đề mới" }, ...overrides } });
}

export function createAttachment(listingId: string, overrides: Partial<Prisma.AttachmentUncheckedCreateInput> = {}) {
  const key = unique("upload");
  return prisma.attachment.create({
    data: {
      listingId,
      kind: "IMAGE",
      storageKey: `listings/${listingId}/${key}.jpg`,
      originalName: "anh-may.jpg",
      contentType: "image/jpeg",
      byteSize: 1024,
      sha256: createHash("sha256").update(key).digest("hex"),
      ...overrides,
    },
  });
}

export function createImportRun(overrides: Partial<Prisma.ImportRunUncheckedCreateInput> = {}) {
  return prisma.importRun.create({
    data: { format: "json", fileName: "catalogue.json", totalRows: 0, createdCount: 0, updatedCount: 0, failedCount: 0, report: [], ...overrides },
  });
}

export function createInquiry(listingId: string, fromOrganisationId: string, overrides: Partial<Prisma.InquiryUncheckedCreateInput> = {}) {
  return prisma.inquiry.create({
    data: {
      listingId,
      fromOrganisationId,
      need: "Chúng tôi cần dây chuyền 2 tấn/ngày.",
      intendedUse: "Sản xuất thương mại",
      timeline: "Trong 6 tháng",
      ...overrides,
    },
  });
}

export function createInquiryMessage(inquiryId: string, overrides: Partial<Prisma.InquiryMessageUncheckedCreateInput> = {}) {
  return prisma.inquiryMessage.create({ data: { inquiryId, body: "Xin chào, chúng tôi quan tâm.", ...overrides } });
}

export function createInquiryRead(inquiryId: string, userId: string, lastReadAt = new Date()) {
  return prisma.inquiryRead.create({ data: { inquiryId, userId, lastReadAt } });
}

export function createNdaAcceptance(listingId: string, organisationId: string, overrides: Partial<Prisma.NdaAcceptanceUncheckedCreateInput> = {}) {
  return prisma.ndaAcceptance.create({
    data: { listingId, organisationId, textHash: createHash("sha256").update(unique("nda")).digest("hex"), ...overrides },
  });
}

export function createDeal(providerOrgId: string, seekerOrgId: string, overrides: Partial<Prisma.DealUncheckedCreateInput> = {}) {
  return prisma.deal.create({ data: { providerOrgId, seekerOrgId, title: "Chuyển giao công nghệ sấy lạnh", ...overrides } });
}

export function createDealTransition(dealId: string, overrides: Partial<Prisma.DealTransitionUncheckedCreateInput> = {}) {
  return prisma.dealTransition.create({ data: { dealId, fromStage: "NEW", toStage: "QUALIFIED", ...overrides } });
}

export function createMatch(offerListingId: string, requestListingId: string, overrides: Partial<Prisma.MatchUncheckedCreateInput> = {}) {
  return prisma.match.create({
    data: { offerListingId, requestListingId, score: 0.8, textScore: 0.7, reasons: [{ code: "SECTOR", sector: "2.11" }], ...overrides },
  });
}

export function createSavedSearch(userId: string, overrides: Partial<Prisma.SavedSearchUncheckedCreateInput> = {}) {
  return prisma.savedSearch.create({ data: { userId, name: "Máy sấy", query: "máy sấy", filters: {}, ...overrides } });
}

export function createSavedSearchDelivery(savedSearchId: string, listingId: string) {
  return prisma.savedSearchDelivery.create({ data: { savedSearchId, listingId } });
}

export function createNotification(userId: string, overrides: Partial<Prisma.NotificationUncheckedCreateInput> = {}) {
  return prisma.notification.create({ data: { userId, type: "INQUIRY_RECEIVED", data: {}, ...overrides } });
}

export function createPayment(organisationId: string, overrides: Partial<Prisma.PaymentUncheckedCreateInput> = {}) {
  return prisma.payment.create({
    data: { organisationId, purpose: "FEATURED_PLACEMENT", amount: 1_500_000n, currency: "VND", featuredDays: 30, ...overrides },
  });
}

export function createFeaturedPlacement(listingId: string, paymentId: string, overrides: Partial<Prisma.FeaturedPlacementUncheckedCreateInput> = {}) {
  const startsAt = new Date();
  return prisma.featuredPlacement.create({
    data: { listingId, paymentId, startsAt, endsAt: new Date(startsAt.getTime() + 30 * DAY), ...overrides },
  });
}

export function createBrokerageFee(dealId: string, payerOrganisationId: string, overrides: Partial<Prisma.BrokerageFeeUncheckedCreateInput> = {}) {
  return prisma.brokerageFee.create({
    data: { dealId, payerOrganisationId, basis: "FIXED", amount: 20_000_000n, currency: "VND", description: "Phí môi giới", ...overrides },
  });
}

export function createStripeEvent(overrides: Partial<Prisma.StripeEventUncheckedCreateInput> = {}) {
  return prisma.stripeEvent.create({
    data: { id: `evt_${unique("test").replace(/-/g, "")}`, type: "checkout.session.completed", stripeCreatedAt: new Date(), payload: {}, ...overrides },
  });
}

export function createKpiTarget(overrides: Partial<Prisma.KpiTargetUncheckedCreateInput> = {}) {
  // A distinct year per call keeps the (year, metric, currency) key free for repeated calls.
  return prisma.kpiTarget.create({ data: { year: 2000 + (++sequence % 1000), metric: "LISTINGS_PUBLISHED", target: 300n, ...overrides } });
}

export function createAuditLog(overrides: Partial<Prisma.AuditLogUncheckedCreateInput> = {}) {
  return prisma.auditLog.create({ data: { action: "test.action", entityType: "Test", ...overrides } });
}
