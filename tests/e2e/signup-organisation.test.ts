import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadDemoDataIfEmpty } from "../../prisma/seed/demo.ts";
import { ARTIFACTS, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  await loadDemoDataIfEmpty();
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("a new member's first visit", () => {
  it("signs up, creates an organisation and sees it on the dashboard", async () => {
    const context = await e2e.newContext({ locale: "vi-VN" });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await page.goto("/");
    await expect.poll(() => page.locator("h1").first().textContent()).toContain("Tìm công nghệ");
    await page.screenshot({ path: path.join(ARTIFACTS, "home-vi.png"), fullPage: true });
    await page.getByRole("link", { name: "Đăng ký" }).first().click();
    await page.waitForURL("**/signup");

    // The browser checks the form before it is sent (conform + the shared zod schema).
    await page.getByLabel("Họ và tên").fill("Đỗ Quang Huy");
    await page.getByLabel("E-mail").fill("huy.do@example.test");
    await page.getByLabel("Mật khẩu", { exact: true }).fill("mat-khau-2026");
    await page.getByLabel("Nhập lại mật khẩu").fill("mat-khau-khac-1");
    await page.getByLabel(/Tôi đã đọc và đồng ý/).check();
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await expect.poll(() => page.getByText("Hai mật khẩu không khớp nhau.").count()).toBe(1);
    expect(await prisma.user.count({ where: { email: "huy.do@example.test" } })).toBe(0);

    await page.getByLabel("Nhập lại mật khẩu").fill("mat-khau-2026");
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("**/dashboard");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Xin chào, Đỗ Quang Huy");

    await page.getByRole("link", { name: "Tạo tổ chức" }).first().click();
    await page.waitForURL("**/orgs/new");
    await page.getByLabel("Tên tổ chức").fill("Công ty CP Cơ khí Chính xác Hưng Yên");
    await page.getByLabel("Loại hình").selectOption("ENTERPRISE");
    await page.getByLabel("Tỉnh / thành phố").selectOption({ label: "Hưng Yên" });
    await page.getByLabel("Mã số thuế").fill("0901234567");
    await page.getByRole("button", { name: "Tạo tổ chức" }).click();
    await page.waitForURL("**/dashboard?created=*");

    const card = page.locator(".org-card", { hasText: "Công ty CP Cơ khí Chính xác Hưng Yên" });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain("Chủ sở hữu");
    expect(await card.textContent()).toContain("Hưng Yên");
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-vi.png"), fullPage: true });
    // The owner manages members on the organisation's own page (not inside its public profile).
    await card.getByRole("link", { name: "Thành viên" }).click();
    await page.waitForURL("**/members");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Thành viên của Công ty CP Cơ khí Chính xác Hưng Yên");
    expect(await page.getByRole("button", { name: "Gửi lời mời" }).count()).toBe(1);

    const membership = await prisma.membership.findFirstOrThrow({
      where: { user: { email: "huy.do@example.test" } },
      select: { role: true, organisation: { select: { name: true, kind: true, taxCode: true } } },
    });
    expect(membership).toEqual({ role: "OWNER", organisation: { name: "Công ty CP Cơ khí Chính xác Hưng Yên", kind: "ENTERPRISE", taxCode: "0901234567" } });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows the site in English when the browser asks for it, and switches back with the switcher", async () => {
    const context = await e2e.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    await page.goto("/");
    await expect.poll(() => page.locator("h1").first().textContent()).toBe("Find the technology you need. Offer the one you have.");
    await page.screenshot({ path: path.join(ARTIFACTS, "home-en.png"), fullPage: true });
    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await expect.poll(() => page.locator("h1").first().textContent()).toContain("Tìm công nghệ");
    expect(await page.locator("html").getAttribute("lang")).toBe("vi");
    const listing = page.locator(".listing-card__title a").first();
    await listing.click();
    await page.waitForURL("**/listings/*");
    await page.screenshot({ path: path.join(ARTIFACTS, "listing-vi.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await page.screenshot({ path: path.join(ARTIFACTS, "home-phone.png"), fullPage: false });
    await context.close();
  });

  it("answers an unknown listing with the not-found page", async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    const response = await page.goto("/listings/does-not-exist");
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Không tìm thấy trang");
    await context.close();
  });
});
