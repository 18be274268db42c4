import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { reindexAll } from "~/modules/search/sync.server.ts";
import { loadDemoDataIfEmpty } from "../../prisma/seed/demo.ts";
import { ARTIFACTS, startE2E, type E2E } from "./harness.ts";

/** Issue #11, point 7: a search box in every page's header, a prominent one on the home page, field tiles as searches. */
let e2e: E2E;
beforeAll(async () => {
  await loadDemoDataIfEmpty();
  await ensureListingsIndex();
  await reindexAll();
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

/** Waits until React owns the header's box, so a submit is a client-side navigation. */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const input = document.querySelector("#site-search-q");
    return !!input && Object.keys(input).some((k) => k.startsWith("__reactProps"));
  });
}

const headerBox = (page: Page) => page.getByRole("search", { name: "Tìm trên toàn sàn" }).getByRole("searchbox");
const countOf = async (page: Page) => Number((await page.locator(".search-count strong").textContent())!.replace(/\D/g, ""));
const hitTitles = (page: Page) => page.locator(".search-hit__title").allTextContents();

describe("search within reach", () => {
  it("searches from the header of another page, keeps the query there, and reaches the box by keyboard", async () => {
    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    // A listing page: not the search page, and the header box is empty.
    await page.goto("/");
    const listing = (await page.locator(".listing-card__title a").first().getAttribute("href"))!;
    expect(listing).toMatch(/^\/listings\//);
    await page.goto(listing);
    await hydrated(page);
    expect(await headerBox(page).inputValue()).toBe("");

    // Keyboard only: skip link, brand, then the search box.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("site-search-q");
    await page.keyboard.type("may say");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "may say");
    await expect.poll(() => countOf(page)).toBeGreaterThan(0);
    expect((await hitTitles(page))[0]!.toLowerCase()).toContain("sấy");
    // The query stays in the header box and in the page's own box.
    expect(await headerBox(page).inputValue()).toBe("may say");
    expect(await page.getByLabel("Từ khóa").inputValue()).toBe("may say");

    // A refined search on the page is followed by the header box.
    await page.getByLabel("Từ khóa").fill("kho lạnh");
    await page.waitForURL((url) => url.searchParams.get("q") === "kho lạnh");
    await expect.poll(() => headerBox(page).inputValue()).toBe("kho lạnh");

    // Leaving the search page empties it; Back brings the query back.
    await page.locator(".search-hit__title a").first().click();
    await page.waitForURL(/\/listings\//);
    await expect.poll(() => headerBox(page).inputValue()).toBe("");
    await page.goBack();
    await page.waitForURL((url) => url.pathname === "/search");
    await expect.poll(() => headerBox(page).inputValue()).toBe("kho lạnh");

    expect(pageErrors).toEqual([]);
  });

  it("the home page's box searches, and a field tile lands on the search filtered by that field", async () => {
    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto("/");
    await hydrated(page);

    const home = page.getByRole("search", { name: "Tìm nhanh trên sàn" });
    expect(await home.getByLabel("Bạn đang tìm công nghệ, thiết bị hay đối tác nào?").getAttribute("placeholder")).toBe("Ví dụ: máy sấy cà phê");
    await home.getByLabel("Bạn đang tìm công nghệ, thiết bị hay đối tác nào?").fill("xử lý nước thải");
    await home.getByRole("button", { name: "Tìm kiếm" }).click();
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "xử lý nước thải");
    await expect.poll(() => countOf(page)).toBeGreaterThan(0);
    expect(await headerBox(page).inputValue()).toBe("xử lý nước thải");

    // Field 2 (engineering and technology): as many results as the tile says, all under field 2.
    await page.goto("/");
    await hydrated(page);
    const tile = page.locator("a.sector-tile", { hasText: "Khoa học kỹ thuật và công nghệ" });
    const tileCount = Number((await tile.locator(".sector-tile__count").textContent())!.replace(/\D/g, ""));
    expect(tileCount).toBeGreaterThan(0);
    await tile.click();
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.getAll("sector").join() === "2");
    await expect.poll(() => countOf(page)).toBe(tileCount);
    expect(await page.locator(".filter-chip", { hasText: "Khoa học kỹ thuật và công nghệ" }).count()).toBe(1);
    for (const tags of await page.locator(".search-hit").evaluateAll((hits) => hits.map((h) => [...h.querySelectorAll(".tags li")].map((li) => li.textContent ?? "")))) {
      expect(tags.some((t) => t.startsWith("2.")), tags.join(", ")).toBe(true);
    }
    expect(pageErrors).toEqual([]);
  });

  it("works without JavaScript", async () => {
    const context = await e2e.browser.newContext({ locale: "vi-VN", baseURL: e2e.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    await page.goto("/login");
    await headerBox(page).fill("máy sấy");
    await page.getByRole("search", { name: "Tìm trên toàn sàn" }).getByRole("button", { name: "Tìm" }).click();
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "máy sấy");
    expect(await page.locator(".search-hit").count()).toBeGreaterThan(0);
    expect(await headerBox(page).inputValue()).toBe("máy sấy");
    await context.close();
  });

  it("fits a phone and a wide screen, in Vietnamese and English", async () => {
    for (const locale of ["vi-VN", "en-GB"]) {
      const phoneContext = await e2e.browser.newContext({ locale, baseURL: e2e.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      phoneContext.setDefaultTimeout(8_000);
      const phone = await phoneContext.newPage();
      await phone.goto("/");
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const header = (await phone.locator(".site-header").boundingBox())!;
      const box = (await phone.locator("#site-search-q").boundingBox())!;
      // Brand and search on one line, the menu under them: the sticky header stays short.
      expect(header.height).toBeLessThan(130);
      expect(box.width).toBeGreaterThan(150);
      expect(await phone.locator("#home-search-q").isVisible()).toBe(true);
      await phone.screenshot({ path: path.join(ARTIFACTS, `search-box-home-phone-${locale}.png`) });
      await phoneContext.close();

      const wide = await (await e2e.browser.newContext({ locale, baseURL: e2e.baseUrl, viewport: { width: 1366, height: 900 } })).newPage();
      await wide.goto("/search?q=dryer");
      const brand = (await wide.locator(".brand").boundingBox())!;
      const search = (await wide.locator(".site-search").boundingBox())!;
      const nav = (await wide.locator(".site-nav").boundingBox())!;
      // One line: brand, search, menu.
      expect(Math.abs(search.y + search.height / 2 - (brand.y + brand.height / 2))).toBeLessThan(6);
      expect(Math.abs(nav.y + nav.height / 2 - (brand.y + brand.height / 2))).toBeLessThan(6);
      expect(await wide.locator("#site-search-q").inputValue()).toBe("dryer");
      expect(await wide.locator("#site-search-q").getAttribute("placeholder")).toBe(locale === "en-GB" ? "Search Techex…" : "Tìm trên Techex…");
      await wide.screenshot({ path: path.join(ARTIFACTS, `search-box-search-${locale}.png`) });
      await wide.context().close();
    }
  });

  it("runs under the Content-Security-Policy: the app's own scripts work, an injected one is blocked and reported", async () => {
    const page = await (await e2e.newContext({ locale: "en-US" })).newPage();
    await page.goto("/search?q=may");
    await hydrated(page);
    expect(e2e.takeCspViolations()).toEqual([]);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
    });
    // The browser logs it on the console and posts a report to /csp-report, each in its own time: wait
    // for both, or the later one is left for close() to fail the file on.
    const seen: string[] = [];
    await expect
      .poll(() => {
        seen.push(...e2e.takeCspViolations());
        return { reported: seen.some((v) => /script-src-elem blocked inline/.test(v)), logged: seen.some((v) => /Content Security Policy/i.test(v)) };
      })
      .toEqual({ reported: true, logged: true });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  });
});
