import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { importCatalogue } from "~/modules/listings/import.server.ts";
import { digestDay, digestRunAt, DIGEST_DELAY_MS, MATCH_DIGEST_TASK, notifySuggested, NOTIFY_MIN_SCORE, sendMatchDigest } from "~/modules/matching/digest.server.ts";
import { runFullPass } from "~/modules/matching/matching.server.ts";
import { matchingTasks } from "~/modules/matching/tasks.server.ts";
import { renderNotification } from "~/modules/notifications/render.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { createListing, createMembership, createMemberWithOrganisation, createUser } from "./factories/index.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The digest jobs waiting in graphile-worker, by listing. */
async function digestJobs() {
  const rows = await prisma.$queryRaw<{ key: string; payload: { listingId: string }; run_at: Date; priority: number }[]>`
    SELECT j.key, j.payload, j.run_at, j.priority FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${MATCH_DIGEST_TASK} ORDER BY j.key`;
  return rows;
}
const clearDigestJobs = () => prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks t WHERE t.id = j.task_id AND t.identifier = ${MATCH_DIGEST_TASK}`;
const digestsOf = (userId: string) => prisma.notification.findMany({ where: { userId, type: "MATCH_DIGEST" }, orderBy: { createdAt: "asc" }, select: { data: true, url: true } });

/** Runs every waiting digest job through the real task handler, as the worker would. */
async function runDigestJobs() {
  const run = matchingTasks[MATCH_DIGEST_TASK] as (payload: unknown, helpers: never) => Promise<void>;
  const jobs = await digestJobs();
  await clearDigestJobs();
  for (const job of jobs) await run(job.payload, {} as never);
  return jobs.length;
}

describe("when a digest runs", () => {
  it("waits to collect a burst, and moves to 07:00 in Vietnam in quiet hours or after today's digest", () => {
    const morning = new Date("2026-12-03T02:00:00Z"); // 09:00 in Vietnam
    expect(digestRunAt(morning, false).getTime()).toBe(morning.getTime() + DIGEST_DELAY_MS);
    expect(digestRunAt(morning, true).toISOString()).toBe("2026-12-04T00:00:00.000Z");
    // 01:00 in Vietnam, when the nightly full pass runs: the digest waits for 07:00.
    expect(digestRunAt(new Date("2026-12-03T18:00:00Z"), false).toISOString()).toBe("2026-12-04T00:00:00.000Z");
    expect(digestDay(new Date("2026-12-03T23:59:00Z")).toISOString()).toBe("2026-12-03T00:00:00.000Z");
  });
});

describe("match digests", () => {
  const users: Record<string, string> = {};
  let need = "";
  const offers: string[] = [];
  const weak: string[] = [];
  let needOrg = "";
  let offerOrg = "";

  beforeAll(async () => {
    const needSide = await createMemberWithOrganisation({ organisation: { name: "HTX Nông sản Tiền Giang" } });
    const second = await createUser();
    await createMembership(second.id, needSide.organisation.id);
    const offerSide = await createMemberWithOrganisation({ organisation: { name: "Viện Cơ điện Nông nghiệp" } });
    users.needOwner = needSide.user.id;
    users.needColleague = second.id;
    users.offerOwner = offerSide.user.id;
    needOrg = needSide.organisation.id;
    offerOrg = offerSide.organisation.id;
    need = (await createListing(needOrg, { type: "TECHNOLOGY_REQUEST", title: "Cần máy sấy lạnh trái cây" })).id;
    for (let i = 0; i < 12; i++) offers.push((await createListing(offerOrg, { title: `Máy sấy lạnh trái cây mẫu ${i + 1}` })).id);
    for (let i = 0; i < 3; i++) weak.push((await createListing(offerOrg, { title: `Thiết bị lạnh khác ${i + 1}` })).id);
  });

  /** What the matcher does for each new suggestion: the Match row and notifySuggested, in one transaction. */
  async function suggest(offerIds: string[], score: number) {
    const needRow = await prisma.listing.findUniqueOrThrow({ where: { id: need } });
    for (const offerId of offerIds) {
      await prisma.$transaction(async (tx) => {
        const offerRow = await tx.listing.findUniqueOrThrow({ where: { id: offerId } });
        await tx.match.create({ data: { offerListingId: offerId, requestListingId: need, score, textScore: score, reasons: [] } });
        await notifySuggested(tx, [{ need: needRow, offer: offerRow, score }]);
      });
    }
  }

  it("a burst of suggestions queues one digest job per listing and notifies no one yet; below the threshold queues nothing", async () => {
    await suggest(weak, NOTIFY_MIN_SCORE - 0.05);
    expect(await digestJobs()).toEqual([]);
    await suggest(offers, 0.9);
    const jobs = await digestJobs();
    // One job for the need (12 suggestions coalesced), one for each offer.
    expect(jobs.map((j) => j.payload.listingId).sort()).toEqual([need, ...offers].sort());
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    expect(jobs.every((j) => j.run_at.getTime() >= Date.now() + DIGEST_DELAY_MS - 60_000)).toBe(true);
    // Behind the matching jobs still waiting (priority 10): a due digest never holds matching up.
    expect(jobs.every((j) => j.priority > 10)).toBe(true);
    expect(await prisma.notification.count({ where: { type: { in: ["MATCH_DIGEST", "MATCH_SUGGESTED"] } } })).toBe(0);
  });

  it("the digest job sends each member one notification per listing, in-app and by e-mail, listing the new matches", async () => {
    expect(await runDigestJobs()).toBe(13);
    for (const userId of [users.needOwner!, users.needColleague!]) {
      const digests = await digestsOf(userId);
      expect(digests).toHaveLength(1);
      expect(digests[0]!.url).toBe(`/listings/${need}/matches`);
      const en = renderNotification({ type: "MATCH_DIGEST", data: digests[0]!.data, url: digests[0]!.url }, "en");
      expect(en.title).toBe("12 new potential partners for “Cần máy sấy lạnh trái cây”");
      expect(en.items).toHaveLength(11); // ten named, then "… and 2 more"
      expect(en.items[0]!.text).toMatch(/^Máy sấy lạnh trái cây mẫu \d+ \(90%\)$/);
      expect(en.items[10]).toEqual({ text: "… and 2 more", path: null });
      expect(renderNotification({ type: "MATCH_DIGEST", data: digests[0]!.data, url: null }, "vi").title).toBe("12 đối tác tiềm năng mới cho “Cần máy sấy lạnh trái cây”");
      // Never the weak suggestions.
      expect(JSON.stringify(digests[0]!.data)).not.toContain("Thiết bị lạnh khác");
    }
    // The offer side: one digest per offer listing (12 listings, one partner each).
    const offerDigests = await digestsOf(users.offerOwner!);
    expect(offerDigests).toHaveLength(12);
    expect(new Set(offerDigests.map((d) => (d.data as { listingId: string }).listingId)).size).toBe(12);
    // Each notification also queued its e-mail.
    const emails = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'notifications:email'`;
    expect(Number(emails[0]!.n)).toBe(2 + 12);
    // Told once: the matches are marked, and the weak ones stay pending (and silent).
    expect(await prisma.match.count({ where: { requestListingId: need, requestNotifiedAt: null } })).toBe(3);
  });

  it("more suggestions the same day wait for tomorrow; tomorrow's digest lists only the new ones", async () => {
    const later = [];
    for (let i = 0; i < 3; i++) later.push((await createListing(offerOrg, { title: `Hệ thống sấy lạnh bổ sung ${i + 1}` })).id);
    await suggest(later, 0.8);
    const [job] = (await digestJobs()).filter((j) => j.payload.listingId === need);
    expect(job).toBeDefined();
    // Whatever the job's run time, running it today sends nothing more and re-queues it for tomorrow 07:00 (Vietnam).
    const now = new Date();
    const outcome = await sendMatchDigest(need, now);
    expect(outcome).toEqual({ kind: "postponed", runAt: new Date(digestDay(now).getTime() + DAY) });
    expect(await digestsOf(users.needOwner!)).toHaveLength(1);
    const [requeued] = (await digestJobs()).filter((j) => j.payload.listingId === need);
    expect(requeued!.run_at.toISOString()).toBe(new Date(digestDay(now).getTime() + DAY).toISOString());

    // The next day: one new digest, with the three new partners only.
    const tomorrow = new Date(digestDay(now).getTime() + DAY + 2 * HOUR);
    expect(await sendMatchDigest(need, tomorrow)).toEqual({ kind: "sent", count: 3, recipients: 2 });
    const digests = await digestsOf(users.needOwner!);
    expect(digests).toHaveLength(2);
    expect(renderNotification({ type: "MATCH_DIGEST", data: digests[1]!.data, url: null }, "en").title).toBe("3 new potential partners for “Cần máy sấy lạnh trái cây”");
    // And nothing twice: the same day again finds nothing pending.
    expect(await sendMatchDigest(need, new Date(tomorrow.getTime() + HOUR))).toEqual({ kind: "nothing" });
    expect(await prisma.matchDigest.count({ where: { listingId: need } })).toBe(2);
  });
});

describe("an import and a full pass", () => {
  it("give each member at most one digest per listing per day, however many suggestions they create", async () => {
    await ensureListingsIndex();
    const broker = await createUser({ roles: ["member", "broker"] });
    const actor = (await loadActor(broker.id))!;
    const mango = { language: "vi", sectors: ["2.11"], province: "79", keywords: ["sấy lạnh", "xoài", "bảo quản"], transferModes: ["LICENSE_NON_EXCLUSIVE", "TURNKEY"] };
    const rows = [
      ...[1, 2, 3].map((i) => ({
        ...mango,
        externalRef: `NEED-${i}`,
        type: "TECHNOLOGY_REQUEST",
        title: `Cần công nghệ sấy lạnh bảo quản xoài xuất khẩu (${i})`,
        summary: "Doanh nghiệp xuất khẩu xoài cần công nghệ sấy lạnh giữ màu và vitamin C.",
        problemStatement: "Xoài sau thu hoạch hỏng nhanh; cần sấy lạnh giữ màu, hương vị và vitamin C.",
        minTrl: 5,
        budget: { min: 100_000_000, max: 900_000_000, currency: "VND" },
        organisation: { name: `Công ty Trái cây Miền Tây ${i}`, kind: "ENTERPRISE" },
      })),
      ...Array.from({ length: 8 }, (_, i) => ({
        ...mango,
        externalRef: `OFFER-${i}`,
        type: "TECHNOLOGY_OFFER",
        title: `Công nghệ sấy lạnh bảo quản xoài và trái cây, phiên bản ${i + 1}`,
        summary: "Sấy lạnh xoài ở 15–20 °C giữ màu, hương vị và vitamin C; tiết kiệm năng lượng.",
        trl: 7,
        price: { type: "FIXED", min: 400_000_000, max: 400_000_000, currency: "VND" },
        ipStatus: "KNOW_HOW",
        organisation: { name: "Viện Công nghệ Sau thu hoạch", kind: "RESEARCH_INSTITUTE" },
      })),
    ];
    const report = await importCatalogue(actor, { fileName: "catalogue.json", content: JSON.stringify(rows) });
    expect(report.rows.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(report).toMatchObject({ created: 11, failed: 0 });
    const imported = await prisma.listing.findMany({ where: { externalRef: { in: rows.map((r) => r.externalRef) } }, select: { id: true, organisationId: true } });
    // Members for every organisation the import created.
    const members = [];
    for (const orgId of new Set(imported.map((l) => l.organisationId))) {
      const user = await createUser();
      await createMembership(user.id, orgId);
      members.push(user.id);
    }
    await clearDigestJobs();

    // The real worker and task list index the import and match it; then the nightly full pass runs on top.
    const { startWorker } = await import("../scripts/lib/worker.ts");
    const runner = await startWorker(process.env.DATABASE_URL!);
    try {
      const busy = () => prisma.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier IN ('search:index-listing', 'matching:listing')`;
      const until = Date.now() + 120_000;
      while (Number((await busy())[0]!.n) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(Number((await busy())[0]!.n)).toBe(0);
    } finally {
      await runner.stop();
    }
    await runFullPass();
    const importedIds = new Set(imported.map((l) => l.id));
    const strong = await prisma.match.count({ where: { requestListingId: { in: [...importedIds] }, score: { gte: NOTIFY_MIN_SCORE } } });
    expect(strong).toBeGreaterThanOrEqual(3);

    const jobs = await digestJobs();
    expect(new Set(jobs.map((j) => j.payload.listingId)).size).toBe(jobs.length);
    await runDigestJobs();
    // A second full pass the same day changes nothing for anyone's inbox.
    await runFullPass();
    await runDigestJobs();
    for (const userId of members) {
      const digests = await digestsOf(userId);
      const perListing = new Map<string, number>();
      for (const d of digests) {
        const id = (d.data as { listingId: string }).listingId;
        perListing.set(id, (perListing.get(id) ?? 0) + 1);
      }
      expect([...perListing.values()].every((n) => n === 1)).toBe(true);
    }
    // The need owners did hear about their strong matches, once.
    const needOwners = await prisma.notification.count({ where: { userId: { in: members }, type: "MATCH_DIGEST" } });
    expect(needOwners).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
