import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Meilisearch } from "meilisearch";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader as pageLoader } from "~/routes/search.tsx";
import { freePort } from "../scripts/lib/ports.ts";
import { createListing, createOrganisation } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

/** Issue #11, point 7: search is in reach from every page, and a field tile is a filtered search. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  await ensureListingsIndex();
  const organisation = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" });
  const listings = {
    // Two sub-fields of field 2 (engineering and technology), one of field 4 (agricultural sciences).
    press: await createListing(organisation.id, { title: "Máy ép viên nén mùn cưa 1 tấn/giờ", sectorCodes: ["2.3"] }),
    mango: await createListing(organisation.id, { title: "Dây chuyền sấy xoài dẻo giữ màu", sectorCodes: ["2.11", "4.1"] }),
    rice: await createListing(organisation.id, { title: "Giống lúa chịu mặn cho vùng ven biển", sectorCodes: ["4.1"] }),
  };
  for (const [key, listing] of Object.entries(listings)) {
    ids[key] = listing.id;
    expect(await syncListing(listing.id)).toBe("upserted");
  }
});

async function searchData(url: string) {
  const response = await settle(call(pageLoader, getRequest(url)));
  expect(response.status).toBe(200);
  return (await response.json()) as { result: { hits: { id: string; sectors: string[] }[]; totalHits: number; degraded: boolean }; params: { sector: string[] } };
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

describe("a field of science as a search filter (the home page's tiles)", () => {
  it("a top-level field code finds the listings of all its sub-fields, and only those", async () => {
    const data = await searchData("/search?sector=2");
    expect(data.params.sector).toEqual(["2"]);
    expect(data.result.degraded).toBe(false);
    expect(data.result.hits.map((h) => h.id).sort()).toEqual([ids.press, ids.mango].sort());
    // The cards show sub-fields, each of them under field 2 or (for a listing in two fields) another.
    expect(data.result.hits.find((h) => h.id === ids.press)!.sectors).toEqual(["2.3"]);

    const agriculture = await searchData("/search?sector=4");
    expect(agriculture.result.hits.map((h) => h.id).sort()).toEqual([ids.mango, ids.rice].sort());
    expect((await searchData("/search?sector=5")).result.totalHits).toBe(0);
  });

  it("filters the same way when PostgreSQL answers instead of Meilisearch", async () => {
    const data = await withSearchDown(() => searchData("/search?sector=2"));
    expect(data.result.degraded).toBe(true);
    expect(data.result.hits.map((h) => h.id).sort()).toEqual([ids.press, ids.mango].sort());
  });
});

/** The built app (the test command builds it first), to see the HTML a browser gets, before any JavaScript. */
async function rendered(url: string, language = "vi") {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  const response = await handle(new Request(`http://localhost${url}`, { headers: { "Accept-Language": language } }), { clientIp: "203.0.113.8" });
  expect(response.status).toBe(200);
  return response.text();
}

/** The HTML of the first form with this class. */
function form(html: string, className: string) {
  const start = html.indexOf(`class="${className}"`);
  expect(start, `no form .${className}`).toBeGreaterThan(-1);
  const open = html.lastIndexOf("<form", start);
  return html.slice(open, html.indexOf("</form>", start) + "</form>".length);
}

describe("the search boxes in the HTML", () => {
  it("every page's header has a labelled GET search form to /search", async () => {
    for (const url of ["/login", "/signup", `/listings/${ids.press}`, "/search"]) {
      const header = form(await rendered(url), "site-search");
      expect(header, url).toMatch(/^<form method="get" action="\/search" role="search" aria-label="Tìm trên toàn sàn"/);
      expect(header).toMatch(/<label for="site-search-q" class="visually-hidden">Tìm công nghệ, thiết bị, nhu cầu<\/label>/);
      expect(header).toMatch(/<input id="site-search-q" name="q" type="search"/);
      expect(header).toContain('<span class="visually-hidden">Tìm</span>');
      expect(header).not.toMatch(/id="site-search-q"[^>]* value="[^"]/);
    }
  });

  it("on the search page the header box holds the current query", async () => {
    const header = form(await rendered("/search?q=m%C3%A1y+%C3%A9p&sector=2"), "site-search");
    expect(header).toMatch(/<input id="site-search-q" name="q" type="search"[^>]* value="máy ép"/);
    // A new search from the header does not carry the filters along.
    expect(header).not.toContain('name="sector"');
  });

  it("the home page has a prominent labelled box with examples, and field tiles that are filtered searches", async () => {
    const html = await rendered("/");
    const home = form(html, "home-search");
    expect(home).toMatch(/^<form method="get" action="\/search" role="search" aria-label="Tìm nhanh trên sàn"/);
    expect(home).toContain('<label for="home-search-q" class="home-search__label">Bạn đang tìm công nghệ, thiết bị hay đối tác nào?</label>');
    expect(home).toContain('placeholder="Ví dụ: máy sấy cà phê"');
    expect(home).toMatch(/<button type="submit" class="button home-search__submit">.*Tìm kiếm<\/button>/);
    expect(home).toContain(`href="/search?q=${encodeURIComponent("máy sấy nông sản").replaceAll("%20", "+")}"`);

    const tile = (code: string) => html.match(new RegExp(`<a class="sector-tile"[^>]*href="/search\\?sector=${code}"[^>]*>(.*?)</a>`))?.[1];
    expect(tile("2")).toContain("Khoa học kỹ thuật và công nghệ");
    expect(tile("2")).toContain("2 tin");
    expect(tile("4")).toContain("2 tin");
    expect(tile("5")).toContain("0 tin");

    const en = await rendered("/", "en");
    expect(form(en, "home-search")).toContain('placeholder="e.g. coffee dryer"');
    expect(form(en, "site-search")).toContain('aria-label="Search the exchange"');
  });
});
