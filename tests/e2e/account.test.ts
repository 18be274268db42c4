import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { createListing, createMemberWithOrganisation } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `account-${name}.png`), fullPage: true });
const NEW_PASSWORD = "mat-khau-moi-2026";
/** A link among the account page's tabs (the header has its own "Notifications"). */
const tab = (page: Page, name: string) => page.getByRole("navigation", { name: "Account sections" }).getByRole("link", { name, exact: true });

describe("the account page", () => {
  it("a member edits the profile in the new language, chooses notifications, signs out elsewhere, changes the password and deletes the account", async () => {
    const { user, organisation } = await createMemberWithOrganisation({ user: { name: "Lê Thị Tài Khoản", locale: "vi" } });
    const listing = await createListing(organisation.id, { createdById: user.id });
    const page = await logIn(await e2e.newContext({ locale: "vi-VN" }), user.email);
    const elsewhere = await logIn(await e2e.newContext({ locale: "vi-VN" }), user.email);

    // From the header's menu.
    await page.getByText("Thêm", { exact: true }).click();
    await page.getByRole("link", { name: "Tài khoản của tôi" }).click();
    await page.waitForURL("**/account");
    expect(await page.getByLabel("Họ và tên").inputValue()).toBe("Lê Thị Tài Khoản");
    await page.getByLabel("Họ và tên").fill("Lê Thị Mới");
    await page.getByLabel("Số điện thoại").fill("0909 123 456");
    await page.getByLabel("Ngôn ngữ").selectOption("en");
    await page.getByRole("button", { name: "Lưu hồ sơ" }).click();
    // Saved, and the site now speaks English.
    await page.getByText("Your profile is saved.").waitFor();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("My account");
    expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, phone: true, locale: true } })).toEqual({
      name: "Lê Thị Mới",
      phone: "0909 123 456",
      locale: "en",
    });
    await shot(page, "profile");

    await tab(page, "Notifications").click();
    await page.getByLabel("New listings for your saved searches").selectOption("OFF");
    await page.getByLabel("A deal of yours changes stage").selectOption("IN_APP_ONLY");
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Your notification preferences are saved.").waitFor();
    expect(await page.getByLabel("New listings for your saved searches").inputValue()).toBe("OFF");
    expect(await prisma.notificationPreference.findMany({ where: { userId: user.id }, orderBy: { type: "asc" }, select: { type: true, channel: true } })).toEqual([
      { type: "DEAL_STAGE_CHANGED", channel: "IN_APP_ONLY" },
      { type: "SAVED_SEARCH_ALERT", channel: "OFF" },
    ]);
    await shot(page, "notifications");

    await tab(page, "Sessions").click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(2);
    expect(await page.locator('tr[data-session="current"]').textContent()).toContain("This device");
    expect(await page.locator('tr[data-session="current"]').textContent()).toContain("Chrome");
    await shot(page, "sessions");
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await page.getByText("1 other session was signed out.").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    await elsewhere.reload();
    await elsewhere.waitForURL("**/login?redirectTo=*");

    await tab(page, "Password").click();
    await page.getByLabel("Current password").fill("mat-khau-sai-123");
    await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("The password is not right.").waitFor();
    await page.getByLabel("Current password").fill("correct-horse-42");
    await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your password is changed.").waitFor();

    await tab(page, "Delete account").click();
    await page.getByLabel("Your password").fill(NEW_PASSWORD);
    await page.getByLabel("I understand that my account is deleted for good.").check();
    await shot(page, "delete");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("heading", { name: "Your account is deleted." }).waitFor();
    // Signed out: the header offers to log in again.
    expect(await page.getByRole("link", { name: "Log in" }).count()).toBe(1);
    const deleted = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, email: true, deletedAt: true } });
    expect(deleted.name).toBe("Deleted user");
    expect(deleted.email).not.toBe(user.email);
    expect(deleted.deletedAt).not.toBeNull();
    // The organisation keeps its listing.
    expect(await prisma.listing.count({ where: { id: listing.id, organisationId: organisation.id } })).toBe(1);
  }, 90_000);
});
