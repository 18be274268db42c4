/**
 * Demo operations for the centre dashboard: inquiries with replies, deals at
 * every stage (with their transitions and agreed values in VND and USD), a few
 * matches, paid and refunded payments, and this year's KPI targets. Runs after
 * the demo catalogue (prisma/seed/demo.ts) on the same fresh database; every
 * instant lies between a listing's publication and now, so the figures add up.
 */
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { vnYear } from "../../app/modules/reports/period.ts";
import { createBrokerageFee, createDeal, createDealTransition, createInquiry, createInquiryMessage, createKpiTarget, createPayment } from "../../tests/factories/index.ts";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

type Stage = Prisma.DealCreateInput["stage"] & string;
const PATH: Stage[] = ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED", "COMPLETED"];

const QUESTIONS = [
  { need: "Chúng tôi cần dây chuyền công suất khoảng 2 tấn/ngày cho nhà máy mới.", intendedUse: "Sản xuất thương mại", timeline: "Trong 6 tháng" },
  { need: "Muốn được chuyển giao quy trình kèm đào tạo vận hành cho 5 kỹ thuật viên.", intendedUse: "Nâng cấp dây chuyền hiện có", timeline: "Quý tới" },
  { need: "Cần báo giá và thời gian lắp đặt tại Cần Thơ.", intendedUse: "Mở rộng sản xuất", timeline: "Trước mùa vụ" },
  { need: "We would like to license the process for our plant in Đồng Nai.", intendedUse: "Commercial production", timeline: "Within a year" },
];
const REPLIES = [
  "Cảm ơn quý công ty đã quan tâm. Chúng tôi gửi kèm hồ sơ kỹ thuật và đề xuất lịch khảo sát hiện trường.",
  "Chúng tôi có thể chuyển giao trọn gói, bao gồm đào tạo và bảo hành 12 tháng. Xin hẹn trao đổi trực tuyến tuần sau.",
  "Thank you for your interest. We can arrange a site visit and a trial run next month.",
];
const DEALS: { stage: Stage; value?: bigint; currency?: "VND" | "USD"; type?: Prisma.DealCreateInput["agreementType"] }[] = [
  { stage: "NEW" },
  { stage: "QUALIFIED" },
  { stage: "INTRODUCED" },
  { stage: "NDA_SIGNED" },
  { stage: "NEGOTIATING" },
  { stage: "AGREEMENT_REACHED", value: 1_850_000_000n, currency: "VND", type: "LICENCE" },
  { stage: "AGREEMENT_REACHED", value: 45_000n, currency: "USD", type: "TECHNICAL_COOPERATION" },
  { stage: "COMPLETED", value: 3_200_000_000n, currency: "VND", type: "ASSIGNMENT" },
  { stage: "COMPLETED", value: 1_200_000_000n, currency: "VND", type: "EQUIPMENT_SALE" },
  { stage: "ON_HOLD" },
  { stage: "LOST" },
];

export async function loadDemoOperations(log: (line: string) => void = () => {}) {
  const now = Date.now();
  const broker = await prisma.user.findUnique({ where: { email: "broker@techex.local" }, select: { id: true } });
  const admin = await prisma.user.findUnique({ where: { email: "admin@techex.local" }, select: { id: true } });
  const listings = await prisma.listing.findMany({
    where: { status: "PUBLISHED", publishedAt: { not: null } },
    orderBy: [{ publishedAt: "asc" }, { id: "asc" }],
    select: { id: true, type: true, title: true, organisationId: true, publishedAt: true },
  });
  const organisations = await prisma.organisation.findMany({ where: { kind: { not: "BROKER_CENTER" } }, orderBy: { name: "asc" }, select: { id: true } });
  const offers = listings.filter((l) => l.type !== "TECHNOLOGY_REQUEST");
  const requests = listings.filter((l) => l.type === "TECHNOLOGY_REQUEST");
  if (offers.length < DEALS.length + 4 || organisations.length < 3) return { inquiries: 0, deals: 0 };

  // Inquiries on the oldest offers, from organisations other than the owner; most answered, some late, a few not.
  const inquiries: { id: string; listing: (typeof offers)[number]; fromOrganisationId: string; createdAt: Date }[] = [];
  for (let i = 0; i < DEALS.length + 4; i++) {
    const listing = offers[i]!;
    const from = organisations.filter((o) => o.id !== listing.organisationId)[(i * 7) % (organisations.length - 1)]!;
    const published = listing.publishedAt!.getTime();
    const createdAt = new Date(published + Math.min((2 + i) * DAY, (now - published) / 3));
    const answerHours = [3, 20, 30, 47, 70, 96, 5, 12, null, 26, 8, null, 40, 2, null][i % 15];
    const firstAnsweredAt = answerHours == null ? null : new Date(Math.min(createdAt.getTime() + answerHours * HOUR, now - HOUR));
    const q = QUESTIONS[i % QUESTIONS.length]!;
    const inquiry = await createInquiry(listing.id, from.id, { ...q, createdAt, firstAnsweredAt, lastMessageAt: firstAnsweredAt ?? createdAt, status: i % 5 === 4 ? "CLOSED" : "OPEN", closedAt: i % 5 === 4 ? firstAnsweredAt ?? createdAt : null, assignedBrokerId: i % 3 === 0 ? broker?.id ?? null : null });
    await createInquiryMessage(inquiry.id, { organisationId: from.id, body: q.need, createdAt });
    if (firstAnsweredAt) await createInquiryMessage(inquiry.id, { organisationId: listing.organisationId, body: REPLIES[i % REPLIES.length]!, createdAt: firstAnsweredAt });
    inquiries.push({ id: inquiry.id, listing, fromOrganisationId: from.id, createdAt });
  }

  // One deal per stage (and a few agreed), opened from the inquiries, walked through the pipeline.
  let deals = 0;
  for (const [i, spec] of DEALS.entries()) {
    const inquiry = inquiries[i]!;
    const openedAt = new Date(Math.min(inquiry.createdAt.getTime() + 3 * DAY, now - 2 * DAY));
    const target = spec.stage === "ON_HOLD" ? "NDA_SIGNED" : spec.stage === "LOST" ? "NEGOTIATING" : spec.stage;
    const steps = PATH.slice(0, PATH.indexOf(target) + 1);
    const span = Math.max(HOUR, now - openedAt.getTime() - DAY);
    const at = (k: number, total: number) => new Date(openedAt.getTime() + Math.floor((span * k) / Math.max(1, total)));
    const moves: { from: Stage | null; to: Stage; at: Date }[] = steps.map((to, k) => ({ from: k ? steps[k - 1]! : null, to, at: at(k, steps.length + 1) }));
    if (spec.stage === "ON_HOLD" || spec.stage === "LOST") moves.push({ from: target, to: spec.stage, at: at(steps.length, steps.length + 1) });
    const agreedAt = moves.find((m) => m.to === "AGREEMENT_REACHED")?.at ?? null;
    const completedAt = moves.find((m) => m.to === "COMPLETED")?.at ?? null;
    const provider = inquiry.listing.organisationId;
    const deal = await createDeal(provider, inquiry.fromOrganisationId, {
      title: `Chuyển giao: ${inquiry.listing.title}`.slice(0, 200),
      stage: spec.stage,
      stageBeforeHold: spec.stage === "ON_HOLD" ? "NDA_SIGNED" : null,
      inquiryId: inquiry.id,
      offerListingId: inquiry.listing.id,
      assignedBrokerId: broker?.id ?? null,
      openedById: broker?.id ?? null,
      agreementType: agreedAt ? spec.type ?? "LICENCE" : null,
      agreedValue: agreedAt ? spec.value ?? null : null,
      agreedCurrency: agreedAt ? spec.currency ?? null : null,
      agreedAt,
      completedAt,
      lostReason: spec.stage === "LOST" ? "Bên cầu chọn giải pháp trong nước có chi phí thấp hơn." : null,
      closedAt: spec.stage === "LOST" || spec.stage === "COMPLETED" ? moves.at(-1)!.at : null,
      createdAt: openedAt,
    });
    for (const m of moves) {
      await createDealTransition(deal.id, { fromStage: m.from, toStage: m.to, actorId: broker?.id ?? null, createdAt: m.at, comment: m.to === "LOST" ? "Không đạt thỏa thuận về giá." : "" });
      await prisma.auditLog.create({
        data: { actorId: broker?.id ?? null, action: m.from ? "deal.transition" : "deal.open", entityType: "Deal", entityId: deal.id, data: { from: m.from, to: m.to }, createdAt: m.at },
      });
    }
    if (spec.stage === "COMPLETED" && spec.currency === "VND" && spec.value) {
      const paidAt = new Date(completedAt!.getTime() + 2 * HOUR);
      const payment = await createPayment(inquiry.fromOrganisationId, { purpose: "BROKERAGE_FEE", status: "PAID", amount: spec.value / 50n, currency: "VND", featuredDays: null, paidAt, createdAt: completedAt! });
      await createBrokerageFee(deal.id, inquiry.fromOrganisationId, { basis: "PERCENT", percentBps: 200, amount: spec.value / 50n, status: "PAID", paymentId: payment.id, issuedById: broker?.id ?? null, description: "Phí môi giới 2% giá trị hợp đồng" });
      await prisma.auditLog.create({ data: { actorId: null, action: "payment.paid", entityType: "Payment", entityId: payment.id, data: { amount: payment.amount.toString(), currency: "VND" }, createdAt: paidAt } });
    }
    deals++;
  }

  // Featured placements: three paid, one refunded.
  for (let i = 0; i < 4; i++) {
    const listing = offers[offers.length - 1 - i]!;
    const paidAt = new Date(Math.max(listing.publishedAt!.getTime() + HOUR, now - (10 + i * 9) * DAY));
    const refunded = i === 3;
    const payment = await createPayment(listing.organisationId, {
      purpose: "FEATURED_PLACEMENT",
      status: refunded ? "REFUNDED" : "PAID",
      amount: 1_500_000n,
      currency: "VND",
      featuredDays: 30,
      listingId: listing.id,
      paidAt,
      refundedAt: refunded ? new Date(paidAt.getTime() + DAY) : null,
      createdAt: paidAt,
    });
    await prisma.auditLog.create({ data: { actorId: null, action: refunded ? "payment.refunded" : "payment.paid", entityType: "Payment", entityId: payment.id, createdAt: refunded ? new Date(paidAt.getTime() + DAY) : paidAt } });
  }

  // A few suggested and introduced matches.
  for (let i = 0; i < Math.min(5, requests.length); i++) {
    const request = requests[i]!;
    const offer = offers[(i * 5) % offers.length]!;
    const computedAt = new Date(Math.max(request.publishedAt!.getTime(), offer.publishedAt!.getTime()) + HOUR);
    const introduced = i < 2;
    await prisma.match.upsert({
      where: { offerListingId_requestListingId: { offerListingId: offer.id, requestListingId: request.id } },
      update: {},
      create: {
        offerListingId: offer.id,
        requestListingId: request.id,
        score: 0.9 - i * 0.07,
        textScore: 0.8 - i * 0.05,
        reasons: [{ code: "SECTOR" }],
        status: introduced ? "INTRODUCED" : "SUGGESTED",
        computedAt,
        introducedAt: introduced ? new Date(Math.min(computedAt.getTime() + 2 * DAY, now - HOUR)) : null,
        introducedById: introduced ? broker?.id ?? null : null,
      },
    });
  }

  // This year's targets, as a centre would set them in January.
  const year = vnYear();
  const targets: [Prisma.KpiTargetUncheckedCreateInput["metric"], bigint, string][] = [
    ["LISTINGS_PUBLISHED", 300n, ""],
    ["TECHNOLOGY_OFFERS_PUBLISHED", 150n, ""],
    ["EQUIPMENT_OFFERS_PUBLISHED", 10n, ""],
    ["REQUESTS_PUBLISHED", 10n, ""],
    ["ORGANISATIONS_JOINED", 30n, ""],
    ["INQUIRIES_RECEIVED", 100n, ""],
    ["INQUIRIES_ANSWERED_48H", 10n, ""],
    ["MATCHES_INTRODUCED", 20n, ""],
    ["DEALS_OPENED", 40n, ""],
    ["DEALS_AGREED", 4n, ""],
    ["DEALS_COMPLETED", 10n, ""],
    ["AGREED_VALUE", 20_000_000_000n, "VND"],
    ["AGREED_VALUE", 200_000n, "USD"],
    ["FEATURED_REVENUE", 30_000_000n, "VND"],
    ["FEE_REVENUE", 100_000_000n, "VND"],
  ];
  for (const [metric, target, currency] of targets) await createKpiTarget({ year, metric, target, currency, setById: admin?.id ?? null });

  log(`demo operations: ${inquiries.length} inquiries, ${deals} deals, ${targets.length} KPI targets for ${year}`);
  return { inquiries: inquiries.length, deals };
}
