import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { organisationTasks } from "~/modules/orgs/tasks.server.ts";
import { mailTo, runJobs } from "../factories/alerts.ts";
import { createMemberWithOrganisation, unique } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `invitation-${name}.png`), fullPage: true });

describe("joining an organisation by invitation", () => {
  it("an owner invites an address; its holder signs up from the e-mailed link, accepts and is a member", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation({ user: { name: "Võ Thị Chủ" }, organisation: { name: "Viện Cơ điện Nông nghiệp" } });
    const address = `${unique("ky-su")}@example.test`;

    const ownerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), owner.email);
    await ownerPage.goto(`/orgs/${organisation.id}/members`);
    await ownerPage.getByLabel("E-mail").fill(address);
    await ownerPage.getByLabel("Vai trò").selectOption("MEMBER");
    await ownerPage.getByRole("button", { name: "Gửi lời mời" }).click();
    await ownerPage.getByText(`Nếu ${address} là địa chỉ đang dùng được`).waitFor();
    await expect.poll(() => ownerPage.getByRole("cell", { name: address }).count()).toBe(1);
    // The form is ready for the next address, as a member by default.
    expect(await ownerPage.getByLabel("Vai trò").inputValue()).toBe("MEMBER");
    await shot(ownerPage, "members");

    await runJobs(organisationTasks);
    const link = /http:\/\/localhost:\d+(\/invitations\/[A-Za-z0-9_-]{43})/.exec(mailTo(address).at(-1)?.text ?? "")?.[1];
    expect(link).toBeDefined();

    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    await page.goto(link!);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Lời mời tham gia Viện Cơ điện Nông nghiệp");
    await shot(page, "signed-out");
    await page.getByRole("link", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("**/signup?redirectTo=*");
    await page.getByLabel("Họ và tên").fill("Đặng Văn Kỹ");
    await page.getByLabel("E-mail").fill(address);
    await page.getByLabel("Mật khẩu", { exact: true }).fill("mat-khau-2026");
    await page.getByLabel("Nhập lại mật khẩu").fill("mat-khau-2026");
    await page.getByLabel(/Tôi đã đọc và đồng ý/).check();
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL(`**${link}`);
    await shot(page, "ready");
    await page.getByRole("button", { name: "Chấp nhận và tham gia" }).click();
    await page.waitForURL(`**/orgs/${organisation.id}`);

    const user = await prisma.user.findUniqueOrThrow({ where: { email: address } });
    expect(await prisma.membership.findFirst({ where: { userId: user.id, organisationId: organisation.id }, select: { role: true } })).toEqual({ role: "MEMBER" });
    // The link is used up.
    await page.goto(link!);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Không thể dùng liên kết mời này");

    await ownerPage.reload();
    await expect(ownerPage.getByRole("cell", { name: address }).count()).resolves.toBe(1);
    await expect(ownerPage.getByText("Không có lời mời nào đang chờ.").count()).resolves.toBe(1);
  });
});
