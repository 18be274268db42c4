import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, loadDemoData } from "../../prisma/seed/demo.ts";
import { ARTIFACTS, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  await loadDemoData();
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function logIn(email: string, locale = "vi-VN") {
  const page = await (await e2e.newContext({ locale })).newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel(/Mật khẩu|Password/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /Đăng nhập|Log in/ }).last().click();
  await page.waitForURL("**/dashboard");
  return { page, pageErrors };
}

describe("centre operations in the browser", () => {
  it("a broker reads the dashboard, follows a figure to its rows and prints the annual report", async () => {
    const { page, pageErrors } = await logIn("broker@techex.local");
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 365 * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
    await page.goto(`/reports?from=${from}&to=${today}`);
    await expect(page.getByRole("heading", { level: 1, name: "Báo cáo hoạt động" }).isVisible()).resolves.toBe(true);
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBe(4);
    // Each chart is named by its <title> and described by its <desc>.
    for (const name of ["Tin đăng và thương vụ theo tháng", "Tin đăng theo lĩnh vực"]) {
      await expect(page.getByRole("img", { name }).count()).resolves.toBe(1);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "reports-dashboard.png"), fullPage: true });

    await page.locator(".stat-card a").first().click();
    await page.waitForURL("**/reports/list?**metric=listings**");
    await page.getByRole("heading", { level: 1, name: "Tin được đăng trong kỳ" }).waitFor();
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(10);

    await page.goto(`/reports/annual?from=${from}&to=${today}`);
    await page.getByRole("heading", { name: "Các thương vụ đã thỏa thuận" }).waitFor();
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".site-header").isVisible()).resolves.toBe(false);
    const pdf = await page.pdf({ format: "A4", path: path.join(ARTIFACTS, "reports-annual.pdf") });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
  });

  it("an admin sets a target and sees it counted", async () => {
    const { page, pageErrors } = await logIn("admin@techex.local", "en-GB");
    await page.goto("/reports/targets?year=2031");
    await page.getByLabel("Metric").selectOption("DEALS_AGREED");
    await page.getByLabel("Target", { exact: true }).fill("40");
    await page.getByRole("button", { name: /Lưu chỉ tiêu|Save target/ }).click();
    await page.getByText("0/1 targets reached (0%)").waitFor();
    expect(pageErrors).toEqual([]);
  });
});
