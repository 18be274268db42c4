import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Meilisearch, MeilisearchApiError } from "meilisearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { meiliTimeouts } from "~/lib/meili.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { createListing as createListingService, expireListings, transitionListing } from "~/modules/listings/listings.server.ts";
import { listingSchema } from "~/modules/listings/schema.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { searchParamsSchema } from "~/modules/search/schema.ts";
import { searchListingHits, searchListings } from "~/modules/search/search.server.ts";
import { reconcile, syncListing } from "~/modules/search/sync.server.ts";
import { loader as healthz } from "~/routes/healthz.ts";
import { startEmbeddedMeilisearch } from "../scripts/lib/embedded-meilisearch.ts";
import { freePort } from "../scripts/lib/ports.ts";
import { startWorker } from "../scripts/lib/worker.ts";
import { createListing, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./factories/index.ts";

const store = () => (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
const search = (input: Record<string, unknown>) => searchListings(searchParamsSchema.parse(input));
const ids: Record<string, string> = {};

beforeAll(async () => {
  await ensureListingsIndex();
  const org = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp Miền Nam" });
  const make = async (key: string, overrides: Parameters<typeof createListing>[1]) => {
    const listing = await createListing(org.id, { keywords: [], ...overrides });
    ids[key] = listing.id;
    await syncListing(listing.id);
  };
  await make("dryer", { title: "Máy sấy bơm nhiệt cho trái cây", summary: "Sấy lạnh giữ màu, tiết kiệm năng lượng 40% so với sấy nóng.", provinceCode: "92", sectorCodes: ["2.3"], trl: 8, priceMin: 300_000_000n, priceMax: 300_000_000n });
  await make("wastewater", { title: "Hệ thống xử lý nước thải chế biến thủy sản", summary: "Xử lý nước thải đạt QCVN 11-MT:2015 cho nhà máy cá tra.", provinceCode: "82", sectorCodes: ["2.7"], trl: 9, priceMin: 2_000_000_000n, priceMax: 3_000_000_000n });
  await make("usd", { title: "Solar drying tunnel for coffee beans", summary: "A solar tunnel dryer that halves drying time for coffee.", language: "en", provinceCode: "92", sectorCodes: ["2.3"], trl: 6, priceMin: 20_000n, priceMax: 20_000n, currency: "USD" });
  await make("plainDryer", { title: "Máy sấy nông sản dạng tháp", summary: "Máy sấy tháp cho lúa và ngô, công suất 10 tấn mỗi mẻ.", provinceCode: "01", sectorCodes: ["4.1"], trl: 7 });
  await make("featuredDryer", { title: "Máy sấy nông sản dạng tháp", summary: "Máy sấy tháp cho lúa và ngô, công suất 10 tấn mỗi mẻ.", provinceCode: "01", sectorCodes: ["4.1"], trl: 7, featuredUntil: new Date(Date.now() + 86_400_000) });
});

describe("searching listings", () => {
  it("finds Vietnamese listings from English and everyday words through the synonyms", async () => {
    expect((await search({ q: "dryer" })).hits.map((h) => h.id)).toEqual(expect.arrayContaining([ids.dryer, ids.plainDryer]));
    expect((await search({ q: "wastewater treatment" })).hits[0]?.id).toBe(ids.wastewater);
    expect((await search({ q: "tiết kiệm điện" })).hits.map((h) => h.id)).toContain(ids.dryer);
    expect((await search({ q: "nuoc thai thuy san" })).hits[0]?.id).toBe(ids.wastewater);
    // …and the reverse: a Vietnamese query finds an English listing.
    expect((await search({ q: "máy sấy" })).hits.map((h) => h.id)).toContain(ids.usd);
  });

  it("ranks a featured listing first among equally relevant ones", async () => {
    const hits = (await search({ q: "máy sấy tháp" })).hits.map((h) => h.id);
    expect(hits.indexOf(ids.featuredDryer!)).toBeLessThan(hits.indexOf(ids.plainDryer!));
    expect((await search({ q: "máy sấy tháp" })).hits[0]?.featured).toBe(true);
  });

  it("filters, counts facets disjunctively, and sorts by price in VND", async () => {
    const inOne = await search({ q: "", province: "92" });
    expect(inOne.hits.map((h) => h.id).sort()).toEqual([ids.dryer, ids.usd].sort());
    // The province facet still counts the other provinces, so a second one can be added.
    expect(inOne.facets.provinceCode).toMatchObject({ "92": 2, "82": 1, "01": 2 });
    expect(inOne.facets.type).toEqual({ TECHNOLOGY_OFFER: 2 });
    const two = await search({ province: ["92", "82"], sort: "price-asc" });
    // 20,000 USD is 500,000,000 VND at the configured rate: between the two VND prices.
    expect(two.hits.map((h) => h.id)).toEqual([ids.dryer, ids.usd, ids.wastewater]);
    expect(two.priceRange).toEqual({ min: 300_000_000, max: 2_000_000_000 });
    expect((await search({ trl: 9 })).hits.map((h) => h.id)).toEqual([ids.wastewater]);
    expect((await search({ sector: "2" })).totalHits).toBe(3);
    expect((await search({ priceMin: 400_000_000, priceMax: 600_000_000 })).hits.map((h) => h.id)).toEqual([ids.usd]);
  });

  it("finds the same hits without counting facets for a caller that shows none (alerts)", async () => {
    const params = searchParamsSchema.parse({ q: "máy sấy", province: ["92", "01"], sort: "newest" });
    const [full, hitsOnly] = await Promise.all([searchListings(params), searchListingHits(params)]);
    expect(hitsOnly.hits).toEqual(full.hits);
    expect([hitsOnly.totalHits, hitsOnly.totalPages, hitsOnly.degraded]).toEqual([full.totalHits, full.totalPages, false]);
    expect(hitsOnly).not.toHaveProperty("facets");
    expect(hitsOnly).not.toHaveProperty("priceRange");
  });

  it("pages with a total, and highlights with markers instead of HTML", async () => {
    const page = await search({ q: "", perPage: 2, page: 2 });
    expect(page).toMatchObject({ page: 2, hitsPerPage: 2, totalHits: 5, totalPages: 3 });
    expect(page.hits).toHaveLength(2);
    const hit = (await search({ q: "thuy san" })).hits[0]!;
    expect(hit.highlight.title).toContain("\u0002thủy\u0003 \u0002sản\u0003");
    expect(hit.url).toBe(`/listings/${ids.wastewater}`);
  });

  it("ranks an English listing first for a Vietnamese query that names it, above one sharing only syllables", async () => {
    const org = await createOrganisation({ name: "Mekong Agri Machines" });
    const english = await createListing(org.id, { title: "Cashew shelling machine, 1 t/h", summary: "Automatic cutting and separation of shells and kernels.", keywords: ["cashew shelling machine"], language: "en", provinceCode: "79", sectorCodes: ["4.1"] });
    // Every word of the query, scattered: what Meilisearch preferred to a synonym of a long phrase.
    const syllables = await createListing(org.id, { title: "Máy sấy hạt giống", summary: "Điều khiển nhiệt độ tự động, tách ẩm nhanh, vỏ máy inox.", keywords: [], provinceCode: "79", sectorCodes: ["4.1"] });
    await syncListing(english.id);
    await syncListing(syllables.id);
    try {
      const hits = (await search({ q: "máy tách vỏ hạt điều" })).hits.map((h) => h.id);
      expect(hits[0]).toBe(english.id);
      expect(hits).toContain(syllables.id);
    } finally {
      await prisma.listing.updateMany({ where: { id: { in: [english.id, syllables.id] } }, data: { status: "ARCHIVED" } });
      await syncListing(english.id);
      await syncListing(syllables.id);
    }
  });

  it("tells mây (rattan) from máy (machine), which Meilisearch folds alike, for a word typed with marks", async () => {
    const org = await createOrganisation({ name: "HTX Mây tre Phú Vinh" });
    const rattan = await createListing(org.id, { title: "Bàn ghế mây đan tay xuất khẩu", summary: "Sợi mây tự nhiên, khung tre, đan thủ công.", keywords: [], provinceCode: "01", sectorCodes: ["4.1"] });
    await syncListing(rattan.id);
    try {
      expect((await search({ q: "mây" })).hits.map((h) => h.id)).toEqual([rattan.id]);
      expect((await search({ q: "máy" })).hits.map((h) => h.id)).not.toContain(rattan.id);
      // Typed without marks, both; with marks no listing uses, the folded word still finds both.
      expect((await search({ q: "may" })).hits.map((h) => h.id)).toEqual(expect.arrayContaining([rattan.id, ids.dryer]));
      expect((await search({ q: "mầy" })).hits.map((h) => h.id)).toEqual(expect.arrayContaining([rattan.id, ids.dryer]));
    } finally {
      await prisma.listing.update({ where: { id: rattan.id }, data: { status: "ARCHIVED" } });
      await syncListing(rattan.id);
    }
  });

  it("falls back to PostgreSQL when Meilisearch is unreachable, and /healthz says so", async () => {
    const real = store().get("meilisearch");
    store().set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await freePort()}`, timeout: 500 }));
    try {
      const result = await search({ q: "duong nuoc thai", sort: "relevance" });
      expect(result.degraded).toBe(true);
      // No listing has all three words… but folding works on both sides:
      expect((await search({ q: "xu ly nuoc thai" })).hits.map((h) => h.id)).toEqual([ids.wastewater]);
      expect(result.totalHits).toBe(0);
      const filtered = await search({ q: "may say", province: "01" });
      expect(filtered.degraded).toBe(true);
      expect(filtered.hits.map((h) => h.id)).toEqual([ids.featuredDryer, ids.plainDryer]);
      expect(filtered.facets.type).toEqual({ TECHNOLOGY_OFFER: 2 });
      const health = await healthz();
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ database: "ok", search: "down" });
    } finally {
      store().set("meilisearch", real);
    }
  });
});

describe("the search outbox", () => {
  const work = mkdtempSync(path.join(tmpdir(), "techex-outbox-"));
  let runner: Awaited<ReturnType<typeof startWorker>> | undefined;
  afterAll(async () => {
    await runner?.stop();
  });

  const inIndex = (id: string) =>
    listingsIndex()
      .getDocument(id, { fields: ["id"] })
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof MeilisearchApiError && error.cause?.code === "document_not_found") return false;
          throw error;
        },
      );

  /**
   * Waits until the outbox has delivered (the listing's document is in, or out of, the
   * index), then checks what a search for `query` finds. Polled by id, not by search:
   * with the domain synonyms a search costs Meilisearch 0.1–1.3 s of CPU on a loaded
   * machine, and polling with it every 250 ms slowed the very indexing it waited for.
   * On timeout, says what the queued jobs were doing.
   */
  async function untilIndexed(query: string, id: string, present: boolean, timeout = 45_000) {
    const deadline = Date.now() + timeout;
    while ((await inIndex(id)) !== present) {
      if (Date.now() > deadline) {
        const jobs = await prisma.$queryRaw`SELECT task_identifier, attempts, max_attempts, last_error, run_at, locked_at FROM graphile_worker.jobs ORDER BY id`;
        throw new Error(`${id} ${present ? "never appeared" : "never left"} within ${timeout} ms; jobs: ${JSON.stringify(jobs)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const ids = (await listingsIndex().search(query)).hits.map((h) => h.id);
    expect(ids.includes(id), `"${query}" found ${ids.join(",") || "nothing"}`).toBe(present);
  }

  it("catches up with every change made while Meilisearch was down, losing nothing", { timeout: 180_000 }, async () => {
    // Its own Meilisearch, so it can be stopped without disturbing the other tests.
    const port = await freePort();
    let server = await startEmbeddedMeilisearch({ dataDir: work, port });
    const real = store().get("meilisearch");
    // The app's own background timeout: a shorter one failed matching jobs under load, and each
    // retry sent Meilisearch another multi-search while it still computed the abandoned one.
    store().set("meilisearch", new Meilisearch({ host: server.host, apiKey: server.masterKey, timeout: meiliTimeouts().background }));
    try {
      await ensureListingsIndex();
      // Indexing above queued matching for listings this Meilisearch has never seen; that work
      // is not what this test is about, and on a busy machine it delayed the outbox it waits for.
      await prisma.$executeRaw`SELECT graphile_worker.complete_jobs(array_agg(id)) FROM graphile_worker.jobs`;
      runner = await startWorker(process.env.DATABASE_URL!);
      const { user, organisation } = await createMemberWithOrganisation();
      const owner = (await loadActor(user.id))!;
      const brokerUser = await createUser({ roles: ["member", "broker"] });
      await createMembership(brokerUser.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
      const broker = (await loadActor(brokerUser.id))!;
      const post = async (title: string) => {
        const input = listingSchema.parse({ type: "TECHNOLOGY_REQUEST", language: "vi", title, summary: "Doanh nghiệp cần công nghệ phù hợp, ngân sách linh hoạt.", sectorCodes: ["2.7"], problemStatement: "Nước thải vượt chuẩn COD, cần xử lý trong 6 tháng tới." });
        const created = await createListingService(owner, organisation.id, input);
        if (!created.ok) throw new Error("create failed");
        await transitionListing(owner, created.id, "submit");
        await transitionListing(broker, created.id, "approve");
        return created.id;
      };
      const first = await post("Cần hệ thống lọc sinh học cho ao nuôi");
      await untilIndexed("lọc sinh học", first, true);

      // A listing that expires leaves the index through the same outbox.
      const expiring = await post("Cần thiết bị đo độ ẩm hạt cà phê");
      await untilIndexed("đo độ ẩm hạt cà phê", expiring, true);
      await prisma.listing.update({ where: { id: expiring }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect(await expireListings()).toBeGreaterThanOrEqual(1);
      await untilIndexed("đo độ ẩm hạt cà phê", expiring, false);

      await server.stop();
      // With Meilisearch stopped, search answers from PostgreSQL and says so.
      const degraded = await search({ q: "loc sinh hoc" });
      expect(degraded).toMatchObject({ degraded: true });
      expect(degraded.hits.map((h) => h.id)).toContain(first);
      expect(await (await healthz()).json()).toMatchObject({ database: "ok", search: "down" });
      const second = await post("Cần máy tách vỏ hạt điều tự động");
      await transitionListing(owner, first, "archive");
      // While search is down the writes still commit, each with its outbox job.
      expect(await prisma.listing.findUniqueOrThrow({ where: { id: second }, select: { status: true } })).toEqual({ status: "PUBLISHED" });
      await new Promise((r) => setTimeout(r, 1_500));
      server = await startEmbeddedMeilisearch({ dataDir: work, port });

      await untilIndexed("tách vỏ hạt điều", second, true, 90_000);
      await untilIndexed("lọc sinh học", first, false);
      const drift = await reconcile();
      expect(drift.missing).not.toContain(second);
      expect(drift.extra).not.toContain(first);
    } finally {
      await runner?.stop();
      runner = undefined;
      await server.stop();
      store().set("meilisearch", real);
    }
  });
});
