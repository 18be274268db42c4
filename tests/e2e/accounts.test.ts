import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { accountTasks } from "~/modules/auth/tasks.server.ts";
import { mailTo, runJobs } from "../factories/alerts.ts";
import { createUser, unique } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `accounts-${name}.png`), fullPage: true });

/** The path of the newest link of that kind e-mailed to the address. */
async function linkFor(address: string, kind: "password" | "verify-email") {
  await runJobs(accountTasks);
  const text = mailTo(address).at(-1)?.text ?? "";
  return new RegExp(`http://localhost:\\d+(/${kind}/[A-Za-z0-9_-]{43})`).exec(text)?.[1];
}

describe("accounts in the browser", () => {
  it("resets a forgotten password from the e-mailed link, which logs out the other browser", async () => {
    const user = await createUser({ name: "Hoàng Thị Quên" });
    const other = await logIn(await e2e.newContext({ locale: "vi-VN" }), user.email);

    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    await page.goto("/login");
    await page.getByRole("link", { name: "Quên mật khẩu?" }).click();
    await page.waitForURL("**/forgot-password");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByRole("button", { name: "Gửi liên kết" }).click();
    await page.getByText(`Nếu ${user.email} là e-mail của một tài khoản Techex`).waitFor();
    await shot(page, "forgot-sent");

    const link = await linkFor(user.email, "password");
    expect(link).toBeDefined();
    await page.goto(link!);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Chọn mật khẩu mới");
    // A common password is refused with the reason, by the server.
    await page.getByLabel("Mật khẩu mới").fill("Password123");
    await page.getByLabel("Nhập lại mật khẩu").fill("Password123");
    await page.getByRole("button", { name: "Lưu mật khẩu mới" }).click();
    await page.getByText("Mật khẩu này nằm trong số những mật khẩu phổ biến nhất").waitFor();
    await page.getByLabel("Mật khẩu mới").fill("ca-phe-sua-da-2027");
    await page.getByLabel("Nhập lại mật khẩu").fill("ca-phe-sua-da-2027");
    await page.getByRole("button", { name: "Lưu mật khẩu mới" }).click();
    await page.waitForURL("**/dashboard");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Xin chào, Hoàng Thị Quên");

    // The browser that was signed in with the old password is signed out.
    await other.goto("/dashboard");
    await other.waitForURL("**/login?redirectTo=*");
    // The link is used up.
    await page.goto(link!);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Không thể dùng liên kết này");
  }, 90_000);

  it("signs up with consent, is asked to verify before posting, resends the e-mail and verifies from its link", async () => {
    const address = `${unique("xac-nhan")}@example.test`;
    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    await page.goto("/signup");
    await page.getByLabel("Họ và tên").fill("Trịnh Văn Mới");
    await page.getByLabel("E-mail").fill(address);
    await page.getByLabel("Mật khẩu", { exact: true }).fill("dua-hau-ngot-2027");
    await page.getByLabel("Nhập lại mật khẩu").fill("dua-hau-ngot-2027");
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    // Consent is required (the browser's own check stops the form first; the server says it too).
    expect(await prisma.user.count({ where: { email: address } })).toBe(0);
    await page.getByLabel(/Tôi đã đọc và đồng ý/).check();
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("**/dashboard");
    await page.getByText(`Mở liên kết trong e-mail xác nhận chúng tôi đã gửi tới ${address}.`).waitFor();
    await shot(page, "dashboard-unverified");

    await page.goto("/listings/new");
    await page.getByText("Hãy xác nhận địa chỉ e-mail trước khi đăng tin, gửi yêu cầu hoặc thanh toán.").waitFor();
    await shot(page, "posting-needs-verification");
    await page.getByRole("button", { name: "Gửi lại e-mail xác nhận" }).click();
    await page.getByText(`Đã gửi một e-mail xác nhận mới tới ${address}.`).waitFor();

    const link = await linkFor(address, "verify-email");
    expect(link).toBeDefined();
    expect(mailTo(address).length).toBeGreaterThanOrEqual(1);
    await page.goto(link!);
    await page.getByText(`Xác nhận rằng ${address} là địa chỉ e-mail của bạn.`).waitFor();
    await page.getByRole("button", { name: "Xác nhận địa chỉ này" }).click();
    await page.waitForURL("**/verify-email?done=1");
    await page.getByText("Địa chỉ e-mail của bạn đã được xác nhận.").waitFor();
    expect((await prisma.user.findUniqueOrThrow({ where: { email: address } })).emailVerifiedAt).not.toBeNull();

    const response = await page.goto("/listings/new");
    expect(response?.status()).toBe(200);
    expect(await page.getByText("Hãy xác nhận địa chỉ e-mail").count()).toBe(0);
  }, 90_000);
});
