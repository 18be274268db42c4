import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { reindexAll } from "~/modules/search/sync.server.ts";
import { loadDemoDataIfEmpty } from "../../prisma/seed/demo.ts";
import { ARTIFACTS, startE2E, type E2E } from "./harness.ts";

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

/** Waits until React owns the query box, so typing reaches its handlers. */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const input = document.querySelector("#search-q");
    return !!input && Object.keys(input).some((k) => k.startsWith("__reactProps"));
  });
}

const countText = (page: Page) => page.locator(".search-count strong").textContent();
const countOf = async (page: Page) => Number((await countText(page))!.replace(/\D/g, ""));
const hitTitles = (page: Page) => page.locator(".search-hit__title").allTextContents();

describe("searching the exchange", () => {
  it("updates as you type, filters through the URL, goes back, pages and explains an empty result", async () => {
    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await page.goto("/search");
    await hydrated(page);
    const everything = await countOf(page);
    expect(everything).toBeGreaterThan(20);

    // Results follow the typing, without Enter.
    await page.getByLabel("Từ khóa").pressSequentially("may say", { delay: 40 });
    await page.waitForURL(/[?&]q=may\+say/);
    await expect.poll(() => countOf(page)).toBeLessThan(everything);
    const drying = await countText(page);
    expect((await hitTitles(page))[0]!.toLowerCase()).toContain("sấy");
    expect(await page.locator(".search-hit mark").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "search-vi.png"), fullPage: true });

    // A facet is a navigation: in the URL, with new counts.
    await page.locator(".facet__links").getByRole("link", { name: /^Thiết bị/ }).click();
    await page.waitForURL(/type=EQUIPMENT_OFFER/);
    expect(new URL(page.url()).searchParams.get("q")).toBe("may say");
    await expect.poll(() => countText(page)).not.toBe(drying);
    for (const badge of await page.locator(".search-hit .badge--equipment_offer, .search-hit .badge--technology_offer, .search-hit .badge--technology_request").allTextContents()) {
      expect(badge).toBe("Thiết bị");
    }
    expect(await page.locator(".filter-chip", { hasText: "Thiết bị" }).count()).toBe(1);

    // Back returns to the previous results.
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes("type="));
    await expect.poll(() => countText(page)).toBe(drying);
    expect(await page.getByLabel("Từ khóa").inputValue()).toBe("may say");

    // Page 2 of everything keeps the other parameters.
    await page.goto("/search?sort=newest");
    await hydrated(page);
    const firstPage = await hitTitles(page);
    await page.locator(".pagination").getByRole("link", { name: "Trang 2", exact: true }).click();
    await page.waitForURL(/page=2/);
    expect(new URL(page.url()).searchParams.get("sort")).toBe("newest");
    await expect.poll(() => page.locator(".pagination__status").textContent()).toMatch(/^Trang 2 \/ \d+$/);
    expect((await hitTitles(page))[0]).not.toBe(firstPage[0]);

    // Nonsense under a filter: say so, show the query, offer to drop the filter.
    await page.goto("/search?type=EQUIPMENT_OFFER");
    await hydrated(page);
    await page.getByLabel("Từ khóa").fill("xyzzyqwerty");
    await page.waitForURL(/q=xyzzyqwerty/);
    // Typing on replaces the history entry instead of adding one per pause.
    const entries = await page.evaluate(() => history.length);
    await page.getByLabel("Từ khóa").pressSequentially(" zz", { delay: 40 });
    await page.waitForURL(/q=xyzzyqwerty\+zz/);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    await expect.poll(() => page.locator(".search-empty h2").textContent()).toBe("Không tìm thấy kết quả nào cho “xyzzyqwerty zz”");
    await page.locator(".search-empty").getByRole("link", { name: "Bỏ lọc: Thiết bị" }).click();
    await page.waitForURL((url) => !url.search.includes("type=") && url.search.includes("q=xyzzyqwerty+zz"));
    expect(await page.locator(".search-empty").getByRole("link", { name: "Xem tất cả tin đang công bố" }).count()).toBe(1);

    expect(pageErrors).toEqual([]);
  });

  it("works without JavaScript", async () => {
    const context = await e2e.browser.newContext({ locale: "vi-VN", baseURL: e2e.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    await page.goto("/search");
    await page.getByLabel("Từ khóa").fill("may say");
    await page.getByRole("button", { name: "Tìm kiếm", exact: true }).click();
    await page.waitForURL(/q=may\+say/);
    expect(await page.locator(".search-hit").count()).toBeGreaterThan(0);
    expect((await hitTitles(page))[0]!.toLowerCase()).toContain("sấy");

    // Filters apply with their own button; blank fields are not errors.
    const before = await countOf(page);
    await page.locator(".facet", { hasText: "Tỉnh / thành phố" }).locator("input[type=checkbox]").first().check();
    await page.getByRole("button", { name: "Áp dụng bộ lọc" }).click();
    await page.waitForURL(/province=\d\d/);
    expect(new URL(page.url()).searchParams.get("q")).toBe("may say");
    expect(await countOf(page)).toBeLessThanOrEqual(before);
    expect(await page.locator(".filter-chip").count()).toBe(1);
    await context.close();
  });

  it("reads in English and fits a phone", async () => {
    const en = await (await e2e.newContext({ locale: "en-GB" })).newPage();
    await en.goto("/search?q=dryer");
    await hydrated(en);
    expect(await countText(en)).toMatch(/^\d+ results?$/);
    expect(await en.getByLabel("Keywords").inputValue()).toBe("dryer");
    expect(await en.locator("#search-sort option").allTextContents()).toEqual(["Best match", "Newest", "Price, low to high", "Price, high to low", "Highest TRL"]);
    // Wide screen: the filters are a sidebar beside the results.
    const sidebar = (await en.locator(".search-filters").boundingBox())!;
    const results = (await en.locator(".search-results").boundingBox())!;
    expect(sidebar.x + sidebar.width).toBeLessThanOrEqual(results.x);
    expect(await en.getByText("Province / city").first().isVisible()).toBe(true);
    await en.screenshot({ path: path.join(ARTIFACTS, "search-en.png"), fullPage: true });

    const phoneContext = await e2e.browser.newContext({ locale: "vi-VN", baseURL: e2e.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phoneContext.setDefaultTimeout(8_000);
    const phone = await phoneContext.newPage();
    await phone.goto("/search?q=may+say");
    await hydrated(phone);
    // Phone: the filters fold above the results, and nothing is wider than the screen.
    expect(await phone.locator(".search-filters").getAttribute("open")).toBeNull();
    const filters = (await phone.locator(".search-filters").boundingBox())!;
    const list = (await phone.locator(".search-results").boundingBox())!;
    expect(filters.y).toBeLessThan(list.y);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(ARTIFACTS, "search-phone.png"), fullPage: true });
    await phone.locator(".search-filters__summary").click();
    expect(await phone.locator(".search-filters").getAttribute("open")).not.toBeNull();
    expect(await phone.getByText("Tỉnh / thành phố").first().isVisible()).toBe(true);
    await phone.screenshot({ path: path.join(ARTIFACTS, "search-phone-filters.png") });
    await phoneContext.close();
  });
});
