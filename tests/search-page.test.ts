import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Meilisearch } from "meilisearch";
import { beforeAll, describe, expect, it } from "vitest";
import { HIGHLIGHT_END, HIGHLIGHT_START } from "~/modules/search/schema.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader as apiLoader } from "~/routes/api.search.ts";
import { loader as pageLoader } from "~/routes/search.tsx";
import { freePort } from "../scripts/lib/ports.ts";
import { createListing, createOrganisation } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

const XSS_TITLE = "Máy sấy <img src=x onerror=alert(1)> nông sản bơm nhiệt";
const ids: Record<string, string> = {};

beforeAll(async () => {
  await ensureListingsIndex();
  const organisation = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" });
  const listings = {
    dryer: await createListing(organisation.id, { title: "Máy sấy bơm nhiệt cho nông sản", sectorCodes: ["2.3"], provinceCode: "79", trl: 7, featuredUntil: new Date(Date.now() + 86_400_000) }),
    cnc: await createListing(organisation.id, { type: "EQUIPMENT_OFFER", title: "Máy phay CNC 3 trục đã qua sử dụng", sectorCodes: ["2.3"], provinceCode: "01" }),
    water: await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", title: "Cần công nghệ xử lý nước thải thủy sản", sectorCodes: ["2.7"], provinceCode: "92" }),
    xss: await createListing(organisation.id, { title: XSS_TITLE, summary: "Bản tóm tắt có <script>alert(2)</script> và máy sấy để kiểm tra việc thoát ký tự." }),
  };
  for (const [key, listing] of Object.entries(listings)) {
    ids[key] = listing.id;
    expect(await syncListing(listing.id)).toBe("upserted");
  }
});

async function page(url: string) {
  return settle(call(pageLoader, getRequest(url)));
}
async function api(url: string) {
  return settle(call(apiLoader, getRequest(url)));
}

describe("the search page's loader", () => {
  it("answers a query with hits, facets and labels", async () => {
    const response = await page("/search?q=may+say");
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.result.degraded).toBe(false);
    expect(data.result.hits.map((h: { id: string }) => h.id)).toContain(ids.dryer);
    expect(data.result.totalHits).toBeGreaterThanOrEqual(2);
    expect(data.result.facets.type.TECHNOLOGY_OFFER).toBeGreaterThanOrEqual(2);
    expect(data.params).toMatchObject({ q: "may say", page: 1, sort: "relevance" });
    expect(data.options.provinces.length).toBe(34);
    expect(data.title).toContain("may say");
  });

  it("filters by type and treats blank form fields as unset", async () => {
    const response = await page("/search?type=EQUIPMENT_OFFER&trl=&priceMin=&priceMax=&sort=relevance");
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.result.hits.map((h: { id: string }) => h.id)).toEqual([ids.cnc]);
  });

  it.each([
    ["page=0", "page", "errors.page"],
    ["trl=12", "trl", "errors.trlRange"],
    ["sector=drop", "sector", "errors.sector"],
    ["sort=random", "sort", "errors.chooseOne"],
    ["type=X", "type", "errors.chooseOne"],
  ])("refuses %s with a 400 naming the field", async (query, field, message) => {
    const response = await page(`/search?${query}`);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.fields[field]).toEqual([message]);
  });
});

describe("GET /api/search", () => {
  it("answers the public contract", async () => {
    const response = await api("/api/search?q=may+say");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=30");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = await response.json();
    for (const key of ["hits", "totalHits", "page", "hitsPerPage", "totalPages", "facets", "priceRange", "degraded"]) expect(body, key).toHaveProperty(key);
    expect(body).toMatchObject({ page: 1, hitsPerPage: 20, degraded: false });
    const dryer = body.hits.find((h: { id: string }) => h.id === ids.dryer);
    expect(dryer).toMatchObject({
      id: ids.dryer,
      externalRef: null,
      type: "TECHNOLOGY_OFFER",
      title: "Máy sấy bơm nhiệt cho nông sản",
      organisation: { id: expect.any(String), name: "Viện Cơ điện Nông nghiệp" },
      province: { code: "79", nameVi: expect.any(String), nameEn: expect.any(String) },
      sectors: ["2.3"],
      featured: true,
      url: `/listings/${ids.dryer}`,
      language: "vi",
      trl: 7,
    });
    for (const key of ["id", "externalRef", "type", "title", "summary", "organisation", "province", "sectors", "featured", "url"]) expect(dryer, key).toHaveProperty(key);
    expect(Object.keys(body.facets).sort()).toEqual(["condition", "ipStatus", "provinceCode", "sectorCodes", "transferModes", "trl", "type"]);
  });

  it.each([["page=0", "page"], ["trl=12", "trl"], ["sector=drop", "sector"], ["sort=random", "sort"], ["type=X", "type"]])(
    "refuses %s with 400 JSON field messages",
    async (query, field) => {
      const response = await settle(call(apiLoader, new Request(`http://localhost/api/search?${query}`, { headers: { "Accept-Language": "en" } })));
      expect(response.status).toBe(400);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const body = await response.json();
      expect(body.error).toBe("invalid parameters");
      expect(Object.keys(body.fields)).toEqual([field]);
      // Translated text, not message keys.
      expect(body.fields[field][0]).toMatch(/^[A-Z].+\.$/);
    },
  );

  it("returns listing text as text: markers around matches, no HTML added or interpreted", async () => {
    const body = await (await api("/api/search?q=onerror")).json();
    const hit = body.hits.find((h: { id: string }) => h.id === ids.xss);
    expect(hit.title).toBe(XSS_TITLE);
    const strip = (s: string) => s.replaceAll(HIGHLIGHT_START, "").replaceAll(HIGHLIGHT_END, "");
    expect(hit.highlight.title).toContain(`${HIGHLIGHT_START}onerror${HIGHLIGHT_END}`);
    expect(strip(hit.highlight.title)).toBe(XSS_TITLE);
    expect(hit.highlight.title).not.toMatch(/<\/?(em|mark|b|span)\b/);
    expect(strip(hit.highlight.summary)).toBe(hit.summary);
  });
});

/** The built app (the test command builds it first), to see the HTML a browser gets. */
async function renderedPage(url: string) {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  return handle(new Request(`http://localhost${url}`, { headers: { "Accept-Language": "vi" } }), { clientIp: "203.0.113.7" });
}

/** Runs `work` with the process's Meilisearch client pointing at a port nobody listens on. */
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

describe("when Meilisearch is unreachable", () => {
  it("the API still answers, marked degraded and not cacheable", async () => {
    const response = await withSearchDown(() => api("/api/search?q=may+say"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    expect(body.degraded).toBe(true);
    expect(body.hits.map((h: { id: string }) => h.id)).toContain(ids.dryer);
  });

  it("the page says the search is limited", async () => {
    const html = await withSearchDown(async () => (await renderedPage("/search?q=may+say")).text());
    expect(html).toContain("Tìm kiếm giới hạn");
    expect(html).toContain("Máy sấy bơm nhiệt cho nông sản");
  });
});

describe("the rendered search page", () => {
  it("explains a bad parameter", async () => {
    const response = await renderedPage("/search?q=cnc&page=0");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Tham số tìm kiếm không hợp lệ");
    expect(html).toContain("Số trang phải từ 1 đến 500.");
  });

  it("escapes listing text and marks the matches", async () => {
    const response = await renderedPage("/search?q=onerror");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<mark>onerror</mark>");
    expect(html).toContain("&lt;img src=x ");
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain("<script>alert(2)");
    expect(html).toContain(`href="/listings/${ids.xss}"`);
  });
});
