import { createInstance, type TFunction } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import type { Actor } from "~/modules/auth/permissions.ts";
import { i18nOptions } from "~/modules/i18n/config.ts";
import { resources } from "~/modules/i18n/resources.server.ts";
import { dismissMatch, introduceMatch } from "~/modules/matching/decisions.server.ts";
import { NOTIFY_MIN_SCORE } from "~/modules/matching/scoring.ts";
import { recomputeListing, recomputeNeed, runFullPass } from "~/modules/matching/matching.server.ts";
import { getPublicMatches, getReasonLabels } from "~/modules/matching/queries.server.ts";
import { describeReasons } from "~/modules/matching/reasons.ts";
import { parseReasons } from "~/modules/matching/schema.ts";
import { matchingCron, matchingTasks } from "~/modules/matching/tasks.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { action as boardAction, loader as boardLoader } from "~/routes/matching._index.tsx";
import { loader as listingMatchesLoader } from "~/routes/listings.$id_.matches.tsx";
import { loader as apiLoader } from "~/routes/api.listings.$id.matches.ts";
import { createListing, createMembership, createMemberWithOrganisation, createOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

const ids: Record<string, string> = {};
const actors: Record<string, Actor> = {};
const cookies: Record<string, string> = {};
const orgs: Record<string, string> = {};

async function translator(lng: "vi" | "en"): Promise<TFunction> {
  const i18n = createInstance();
  await i18n.init({ ...i18nOptions, resources, lng });
  return i18n.t;
}

const matchOf = (offer: string, need = ids.need!) =>
  prisma.match.findUnique({ where: { offerListingId_requestListingId: { offerListingId: offer, requestListingId: need } } });

beforeAll(async () => {
  await ensureListingsIndex();
  const needSide = await createMemberWithOrganisation({ organisation: { name: "Công ty Xuất khẩu Trái cây Miền Tây" } });
  const offerSide = await createMemberWithOrganisation({ organisation: { name: "Viện Cơ điện Nông nghiệp và Công nghệ Sau thu hoạch" } });
  const other = await createOrganisation({ name: "Trường Đại học Bách khoa" });
  const outsider = await createMemberWithOrganisation();
  const brokerUser = await createUser({ roles: ["member", "broker"] });
  await createMembership(brokerUser.id, (await createOrganisation({ kind: "BROKER_CENTER", name: "Trung tâm Ứng dụng tiến bộ KH&CN" })).id);
  const secondBroker = await createUser({ roles: ["member", "broker"] });
  for (const [key, user] of [["needOwner", needSide.user], ["offerOwner", offerSide.user], ["outsider", outsider.user], ["broker", brokerUser], ["broker2", secondBroker]] as const) {
    actors[key] = (await loadActor(user.id))!;
    cookies[key] = (await startSession(user.id, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
  }
  orgs.need = needSide.organisation.id;
  orgs.offer = offerSide.organisation.id;

  const mango = { keywords: ["sấy lạnh", "xoài", "bảo quản"], sectorCodes: ["2.11"], provinceCode: "79" };
  ids.need = (
    await createListing(orgs.need, {
      type: "TECHNOLOGY_REQUEST",
      externalRef: "NEED-1",
      title: "Cần công nghệ sấy lạnh bảo quản xoài xuất khẩu",
      summary: "Doanh nghiệp xuất khẩu xoài cần công nghệ sấy lạnh giữ màu và vitamin.",
      problemStatement: "Xoài sau thu hoạch hỏng nhanh; cần sấy lạnh giữ màu, hương vị và vitamin C.",
      keywords: ["sấy lạnh", "xoài", "bảo quản"],
      sectorCodes: ["2.11"],
      minTrl: 6,
      budgetMin: 200_000_000n,
      budgetMax: 800_000_000n,
      budgetCurrency: "VND",
      transferModes: ["LICENSE_NON_EXCLUSIVE", "TURNKEY"],
      preferredProvinceCodes: ["79"],
    })
  ).id;
  const offer = (title: string, overrides: Parameters<typeof createListing>[1] = {}, org = orgs.offer!) =>
    createListing(org, { title, summary: "Sấy lạnh ở 15–20 °C giữ màu và vitamin, tiết kiệm năng lượng.", ...mango, ...overrides }).then((l) => l.id);
  ids.good = await offer("Công nghệ sấy lạnh bảo quản xoài và trái cây", {
    externalRef: "OFFER-GOOD",
    trl: 7,
    priceType: "FIXED",
    priceMin: 500_000_000n,
    priceMax: 500_000_000n,
    currency: "VND",
    transferModes: ["LICENSE_NON_EXCLUSIVE", "TECHNICAL_ASSISTANCE"],
  });
  // The same technology, failing one hard criterion each.
  ids.lowTrl = await offer("Công nghệ sấy lạnh bảo quản xoài quy mô phòng thí nghiệm", { trl: 4, priceType: "FIXED", priceMin: 300_000_000n, priceMax: 300_000_000n });
  ids.overBudget = await offer("Dây chuyền sấy lạnh bảo quản xoài công suất lớn", { trl: 8, priceType: "FIXED", priceMin: 2_500_000_000n, priceMax: 3_000_000_000n });
  ids.overBudgetUsd = await offer("Hệ thống sấy lạnh xoài nhập khẩu", { trl: 8, priceType: "FIXED", priceMin: 50_000n, priceMax: 50_000n, currency: "USD" }, other.id);
  // Fine, but less so: a USD price within budget (20,000 USD = 500,000,000 VND), no preferred province, other mode.
  ids.usd = await offer("Cold drying of mango and tropical fruit", { language: "en", summary: "Cold drying keeps colour and vitamin C.", keywords: ["cold drying", "mango"], trl: 6, priceType: "FIXED", priceMin: 20_000n, priceMax: 20_000n, currency: "USD", provinceCode: "01", transferModes: ["TURNKEY", "ASSIGNMENT"] }, other.id);
  // The same technology, but none of the transfer modes the need wants.
  ids.noMode = await offer("Chuyển nhượng công nghệ sấy lạnh bảo quản xoài", { trl: 8, priceType: "FIXED", priceMin: 300_000_000n, priceMax: 300_000_000n, transferModes: ["ASSIGNMENT"] }, other.id);
  ids.negotiable = await offer("Thiết bị sấy lạnh trái cây", { trl: 7, priceType: "ON_REQUEST", priceMin: null, priceMax: null, currency: null, transferModes: ["TURNKEY"] }, other.id);
  // Nothing to do with the need.
  ids.unrelated = await offer("Máy phay CNC 3 trục", { type: "EQUIPMENT_OFFER", summary: "Máy phay CNC đã qua sử dụng.", keywords: ["cnc", "phay"], sectorCodes: ["2.3"], provinceCode: "01" }, other.id);
  // The need's own organisation never gets its own offer suggested.
  ids.sameOrg = await offer("Công nghệ sấy lạnh bảo quản xoài nội bộ", { trl: 8 }, orgs.need);
  ids.draft = await offer("Công nghệ sấy lạnh xoài chưa duyệt", { status: "DRAFT", trl: 8 });
  for (const id of Object.values(ids)) await syncListing(id);
});

describe("computing matches", () => {
  it("ranks the offer built to match first, with the expected reasons", async () => {
    const result = await recomputeNeed(ids.need!);
    expect(result.created).toBeGreaterThanOrEqual(2);
    const matches = await prisma.match.findMany({ where: { requestListingId: ids.need }, orderBy: { score: "desc" } });
    expect(matches[0]!.offerListingId).toBe(ids.good);
    const reasons = parseReasons(matches[0]!.reasons);
    expect(reasons).toEqual(
      expect.arrayContaining([
        { code: "SECTOR", sector: "2.11" },
        { code: "TRL_OK", trl: 7, min: 6 },
        { code: "WITHIN_BUDGET" },
        { code: "TRANSFER_MODE", modes: ["LICENSE_NON_EXCLUSIVE"] },
        { code: "PROVINCE", province: "79" },
      ]),
    );
    expect(matches[0]!.textScore).toBeGreaterThan(0.5);
    expect(matches[0]!.score).toBeGreaterThan(0.8);
    expect(matches.every((m) => m.score >= 0 && m.score <= 1)).toBe(true);
    // In words, in both languages, with the sector's label.
    const labels = await getReasonLabels();
    const vi = describeReasons(reasons, await translator("vi"), labels, "vi");
    expect(vi).toContain("cùng lĩnh vực 2.11 Kỹ thuật thực phẩm và đồ uống; TRL 7 ≥ 6; trong ngân sách");
    expect(vi).toContain("ở tỉnh/thành ưu tiên: Hồ Chí Minh");
    const en = describeReasons(reasons, await translator("en"), labels, "en");
    expect(en).toContain("same sector 2.11 Food and beverage technology; TRL 7 ≥ 6; within budget");
    expect(en).toContain("wanted transfer mode: ");
  });

  it("excludes a pair failing a hard criterion (TRL too low, fixed price over budget, also in USD, no wanted transfer mode)", async () => {
    const offers = (await prisma.match.findMany({ where: { requestListingId: ids.need }, select: { offerListingId: true } })).map((m) => m.offerListingId);
    expect(offers).not.toContain(ids.lowTrl);
    expect(offers).not.toContain(ids.noMode);
    expect(offers).not.toContain(ids.overBudget);
    expect(offers).not.toContain(ids.overBudgetUsd);
    // …while the softer mismatches stay, ranked below the full match.
    expect(offers).toContain(ids.usd);
    expect(offers).toContain(ids.negotiable);
    const usd = (await matchOf(ids.usd!))!;
    expect(parseReasons(usd.reasons)).toEqual(expect.arrayContaining([{ code: "WITHIN_BUDGET" }, { code: "TRANSFER_MODE", modes: ["TURNKEY"] }, { code: "OTHER_PROVINCE" }]));
    expect(usd.score).toBeLessThan((await matchOf(ids.good!))!.score);
    expect(parseReasons((await matchOf(ids.negotiable!))!.reasons)).toContainEqual({ code: "PRICE_UNKNOWN" });
    // Never the unrelated offer, the need's own organisation, or an unpublished offer.
    expect(offers).not.toContain(ids.unrelated);
    expect(offers).not.toContain(ids.sameOrg);
    expect(offers).not.toContain(ids.draft);
  });

  it("gives a pair the same score whichever side triggered it", async () => {
    const before = (await matchOf(ids.good!))!;
    await prisma.match.delete({ where: { id: before.id } });
    const result = await recomputeListing(ids.good!);
    expect(result).toMatchObject({ kind: "offer" });
    const after = (await matchOf(ids.good!))!;
    expect(after.score).toBe(before.score);
    expect(after.textScore).toBe(before.textScore);
    expect(after.reasons).toEqual(before.reasons);
  });

  it("schedules one digest for each side of a new suggestion, not a notification per match, and not on every recompute", async () => {
    const match = (await matchOf(ids.good!))!;
    const digestJobs = () => prisma.$queryRaw<{ key: string }[]>`
      SELECT j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'matching:digest' AND j.key IN (${`match-digest:${ids.need}`}, ${`match-digest:${ids.good}`})`;
    expect(match.score).toBeGreaterThanOrEqual(NOTIFY_MIN_SCORE);
    expect((await digestJobs()).map((j) => j.key).sort()).toEqual([`match-digest:${ids.need}`, `match-digest:${ids.good}`].sort());
    expect(await prisma.notification.count({ where: { type: { in: ["MATCH_SUGGESTED", "MATCH_DIGEST"] } } })).toBe(0);
    await recomputeNeed(ids.need!);
    await recomputeListing(ids.good!);
    expect(await digestJobs()).toHaveLength(2);
  });

  it("queues the matching job when the search index job upserts or deletes a listing", async () => {
    await prisma.$queryRaw`SELECT graphile_worker.remove_job(${`match:${ids.good}`})`;
    await syncListing(ids.good!);
    const jobs = await prisma.$queryRaw<{ task_identifier: string; payload: unknown }[]>`
      SELECT t.identifier AS task_identifier, j.payload FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = ${`match:${ids.good}`}`;
    expect(jobs).toEqual([{ task_identifier: "matching:listing", payload: { listingId: ids.good } }]);
    expect(Object.keys(matchingTasks).sort()).toEqual(["matching:digest", "matching:full-pass", "matching:listing"]);
    // The job itself: a bad payload throws (graphile-worker keeps the error); a good one recomputes.
    const run = matchingTasks["matching:listing"] as (payload: unknown, helpers: never) => Promise<void>;
    await expect(run({ listing: ids.good }, {} as never)).rejects.toThrow("bad payload");
    const before = (await matchOf(ids.good!))!;
    await prisma.match.delete({ where: { id: before.id } });
    await run({ listingId: ids.good }, {} as never);
    expect((await matchOf(ids.good!))!.score).toBe(before.score);
    expect(matchingCron).toEqual(["0 18 * * * matching:full-pass ?max=3"]);
  });
});

describe("brokers decide", () => {
  it("dismisses a match, and recomputing never brings it back", async () => {
    const match = (await matchOf(ids.negotiable!))!;
    expect(await dismissMatch(actors.broker!, match.id)).toEqual({ ok: true });
    await recomputeNeed(ids.need!);
    await runFullPass();
    const after = (await matchOf(ids.negotiable!))!;
    expect(after).toMatchObject({ id: match.id, status: "DISMISSED", dismissedById: actors.broker!.id });
    expect(await dismissMatch(actors.broker!, match.id)).toEqual({ ok: false, error: "decided" });
    expect(await prisma.auditLog.count({ where: { action: "match.dismiss", entityId: match.id } })).toBe(1);
  });

  it("introduces both sides: one deal at INTRODUCED even when two brokers click at once", async () => {
    const match = (await matchOf(ids.good!))!;
    const results = await Promise.all([introduceMatch(actors.broker!, match.id), introduceMatch(actors.broker2!, match.id)]);
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "decided" }]);
    const deals = await prisma.deal.findMany({ where: { matchId: match.id } });
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({ id: ok[0]!.dealId, stage: "INTRODUCED", providerOrgId: orgs.offer, seekerOrgId: orgs.need, offerListingId: ids.good, requestListingId: ids.need });
    const introduced = (await prisma.match.findUniqueOrThrow({ where: { id: match.id } }))!;
    expect(introduced.status).toBe("INTRODUCED");
    expect([actors.broker!.id, actors.broker2!.id]).toContain(introduced.introducedById);
    expect(deals[0]!.assignedBrokerId).toBe(introduced.introducedById);
    expect(await prisma.auditLog.count({ where: { action: "match.introduce", entityId: match.id } })).toBe(1);
    // Both parties hear of the deal.
    const told = await prisma.notification.findMany({ where: { type: "DEAL_STAGE_CHANGED", data: { path: ["dealId"], equals: deals[0]!.id } }, select: { userId: true } });
    expect(told.map((n) => n.userId)).toEqual(expect.arrayContaining([actors.needOwner!.id, actors.offerOwner!.id]));
    // Recomputing keeps it introduced and keeps the deal.
    await recomputeNeed(ids.need!);
    expect((await prisma.match.findUniqueOrThrow({ where: { id: match.id } })).status).toBe("INTRODUCED");
  });

  it("is for brokers only: a member is told the match does not exist", async () => {
    const match = (await matchOf(ids.usd!))!;
    expect((await settle(introduceMatch(actors.needOwner!, match.id))).status).toBe(404);
    expect((await settle(dismissMatch(actors.outsider!, match.id))).status).toBe(404);
    expect((await prisma.match.findUniqueOrThrow({ where: { id: match.id } })).status).toBe("SUGGESTED");
  });
});

describe("pages and the API", () => {
  it("shows brokers the board, best first, and lets them introduce with an intent", async () => {
    const response = await settle(call(boardLoader, getRequest("/matching", cookies.broker)));
    const data = await response.json();
    const scores = data.matches.map((m: { score: number }) => m.score);
    expect(scores.length).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    expect(data.matches.every((m: { status: string }) => m.status === "SUGGESTED")).toBe(true);
    expect((await (await settle(call(boardLoader, getRequest("/matching?status=INTRODUCED", cookies.broker)))).json()).matches.map((m: { offerListing: { id: string } }) => m.offerListing.id)).toEqual([ids.good]);
    expect((await (await settle(call(boardLoader, getRequest("/matching?min=100", cookies.broker)))).json()).matches).toEqual([]);
    expect((await settle(call(boardLoader, getRequest("/matching", cookies.needOwner)))).status).toBe(403);

    const usd = (await matchOf(ids.usd!))!;
    const bad = await settle(call(boardAction, await formRequest("/matching", { intent: "merge", matchId: usd.id }, { cookie: cookies.broker })));
    expect(bad.status).toBe(400);
    const introduced = await settle(call(boardAction, await formRequest("/matching", { intent: "introduce", matchId: usd.id }, { cookie: cookies.broker })));
    expect(introduced.status).toBe(302);
    const deal = await prisma.deal.findUniqueOrThrow({ where: { matchId: usd.id } });
    expect(introduced.headers.get("Location")).toBe(`/deals/${deal.id}`);
    const again = await settle(call(boardAction, await formRequest("/matching", { intent: "dismiss", matchId: usd.id }, { cookie: cookies.broker })));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "decided" });
    expect((await settle(call(boardAction, await formRequest("/matching", { intent: "dismiss", matchId: usd.id }, { cookie: cookies.needOwner })))).status).toBe(404);
  });

  it("shows a listing's owner its matches (other side's public data only), brokers too, outsiders 404", async () => {
    const owner = await (await settle(call(listingMatchesLoader, getRequest(`/listings/${ids.need}/matches`, cookies.needOwner), { params: { id: ids.need! } }))).json();
    expect(owner.matches[0].other).toMatchObject({ id: ids.good, title: "Công nghệ sấy lạnh bảo quản xoài và trái cây", organisation: { name: "Viện Cơ điện Nông nghiệp và Công nghệ Sau thu hoạch" } });
    expect(owner.matches.map((m: { status: string }) => m.status)).not.toContain("DISMISSED");
    expect(JSON.stringify(owner)).not.toContain("priceMin");
    const offerSide = await (await settle(call(listingMatchesLoader, getRequest(`/listings/${ids.good}/matches`, cookies.offerOwner), { params: { id: ids.good! } }))).json();
    expect(offerSide.matches.map((m: { other: { id: string } }) => m.other.id)).toEqual([ids.need]);
    expect((await settle(call(listingMatchesLoader, getRequest(`/listings/${ids.need}/matches`, cookies.broker), { params: { id: ids.need! } }))).status).toBe(200);
    expect((await settle(call(listingMatchesLoader, getRequest(`/listings/${ids.need}/matches`, cookies.outsider), { params: { id: ids.need! } }))).status).toBe(404);
    expect((await settle(call(listingMatchesLoader, getRequest(`/listings/nope/matches`, cookies.broker), { params: { id: "nope" } }))).status).toBe(404);
  });

  it("answers GET /api/listings/:id/matches with the DESIGN shape, best first, never dismissed", async () => {
    const response = await settle(call(apiLoader, getRequest(`/api/listings/${ids.need}/matches`), { params: { id: ids.need! } }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["matches"]);
    expect(body.matches[0]).toEqual({ id: ids.good, externalRef: "OFFER-GOOD", title: "Công nghệ sấy lạnh bảo quản xoài và trái cây", score: expect.any(Number), reasons: expect.arrayContaining([{ code: "SECTOR", sector: "2.11" }]) });
    for (const m of body.matches) expect(Object.keys(m).sort()).toEqual(["externalRef", "id", "reasons", "score", "title"]);
    expect(body.matches.map((m: { id: string }) => m.id)).not.toContain(ids.negotiable);
    const scores = body.matches.map((m: { score: number }) => m.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    expect((await settle(call(apiLoader, getRequest(`/api/listings/${ids.draft}/matches`), { params: { id: ids.draft! } }))).status).toBe(404);
  });

  it("drops a listing's suggestions when it leaves the index; decided matches stay", async () => {
    await prisma.listing.update({ where: { id: ids.need }, data: { status: "ARCHIVED", archivedAt: new Date() } });
    await syncListing(ids.need!);
    await recomputeListing(ids.need!);
    const left = await prisma.match.findMany({ where: { requestListingId: ids.need }, select: { status: true } });
    expect(left.map((m) => m.status).sort()).toEqual(["DISMISSED", "INTRODUCED", "INTRODUCED"]);
    expect(await getPublicMatches(ids.need!)).toBeNull();
  });
});
