import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module reads the environment: this file's documents go to a fresh directory.
await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  process.env.UPLOAD_DIR = mkdtempSync(join(tmpdir(), "techex-e2e-verifications-"));
});

import { prisma } from "~/lib/db.server.ts";
import { demoRegistrationPdf } from "../../prisma/seed/demo.ts";
import { createListing, createMembership, createMemberWithOrganisation, createOrganisation, createUser } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `verification-${name}.png`), fullPage: true });

describe("verifying an organisation", () => {
  it("an owner submits the registration, a broker verifies it, and visitors see the badge", async () => {
    const name = "Công ty Cổ phần Cơ khí Chính xác Phú Thịnh";
    const { user: owner, organisation } = await createMemberWithOrganisation({ user: { name: "Trần Văn Chủ" }, organisation: { name } });
    const listing = await createListing(organisation.id, { title: "Máy cắt laser fiber 3 kW cho thép tấm" });
    const centre = await createOrganisation({ name: "Trung tâm Chuyển giao Công nghệ Thử nghiệm", kind: "BROKER_CENTER" });
    const broker = await createUser({ name: "Lê Môi Giới", roles: ["member", "broker"] });
    await createMembership(broker.id, centre.id);
    const pageErrors: string[] = [];

    const ownerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), owner.email);
    ownerPage.on("pageerror", (e) => pageErrors.push(e.message));
    await ownerPage.locator(".org-card", { hasText: name }).getByRole("link", { name: /Xác minh/ }).click();
    await ownerPage.waitForURL(`**/orgs/${organisation.id}/verification`);
    await expect.poll(() => ownerPage.locator("h1").textContent()).toBe(`Xác minh ${name}`);
    await ownerPage.getByLabel("Loại giấy tờ đăng ký").selectOption("ENTERPRISE_CODE");
    // The browser checks the number before the form is sent (the shared zod schema).
    await ownerPage.getByLabel("Số đăng ký").fill("0101234");
    await ownerPage.getByLabel("Tên theo đăng ký").fill(name);
    await ownerPage.getByLabel(/^Giấy tờ đăng ký/).setInputFiles({
      name: "giay-chung-nhan-dkdn.pdf",
      mimeType: "application/pdf",
      buffer: demoRegistrationPdf(["GIAY CHUNG NHAN DANG KY DOANH NGHIEP", name, "0101234567"]),
    });
    await ownerPage.getByRole("button", { name: "Gửi để xác minh" }).click();
    await ownerPage.getByText("Mã số doanh nghiệp gồm 10 chữ số").waitFor();
    expect(await prisma.organisationVerification.count({ where: { organisationId: organisation.id } })).toBe(0);
    await ownerPage.getByLabel("Số đăng ký").fill("0101234567");
    await ownerPage.getByRole("button", { name: "Gửi để xác minh" }).click();
    await ownerPage.getByText("Đã gửi hồ sơ xác minh.").waitFor().catch(async (e: Error) => {
      await shot(ownerPage, "submit-failed");
      throw new Error(`${e.message}\n${ownerPage.url()}\n${await ownerPage.locator("body").innerText()}`);
    });
    expect(ownerPage.url()).toContain("/verification?submitted=1");
    expect(await ownerPage.locator(".verification-status").first().textContent()).toBe("Đang chờ trung tâm xét");
    await shot(ownerPage, "submitted");

    const brokerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), broker.email);
    brokerPage.on("pageerror", (e) => pageErrors.push(e.message));
    await brokerPage.goto("/moderation");
    await brokerPage.getByRole("link", { name: "Tổ chức chờ xác minh" }).click();
    await brokerPage.waitForURL("**/moderation/organisations");
    const card = brokerPage.getByRole("listitem").filter({ has: brokerPage.getByRole("heading", { name }) });
    expect(await card.textContent()).toContain("0101234567");
    // The broker can open the document the organisation sent.
    const document = await brokerPage.request.get(await card.getByRole("link", { name: /giay-chung-nhan-dkdn\.pdf/ }).getAttribute("href") ?? "");
    expect(document.status()).toBe(200);
    expect((await document.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await shot(brokerPage, "queue");
    await card.getByRole("button", { name: "Xác minh" }).click();
    await brokerPage.waitForURL("**/moderation/organisations?decided=*");
    await brokerPage.getByText("Đã ghi nhận quyết định.").waitFor();
    expect(await brokerPage.getByText("Không có tổ chức nào đang chờ xác minh.").count()).toBe(1);

    const visitor = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    visitor.on("pageerror", (e) => pageErrors.push(e.message));
    await visitor.goto(`/orgs/${organisation.id}`);
    await expect.poll(() => visitor.locator(".page-header .badge--verified").textContent()).toBe("Đã xác minh");
    await shot(visitor, "badge");
    await visitor.goto(`/listings/${listing.id}`);
    expect(await visitor.locator(".org-card .badge--verified").textContent()).toBe("Đã xác minh");
    // The document is not for visitors.
    expect((await visitor.request.get(`/orgs/${organisation.id}/verification/${(await prisma.organisationVerification.findFirstOrThrow({ where: { organisationId: organisation.id } })).id}`)).status()).toBe(404);

    const audit = await prisma.auditLog.findMany({ where: { entityId: organisation.id, action: { startsWith: "organisation." } }, orderBy: { createdAt: "asc" }, select: { action: true, actorId: true } });
    expect(audit.slice(-2)).toEqual([
      { action: "organisation.verification.submit", actorId: owner.id },
      { action: "organisation.verify", actorId: broker.id },
    ]);
    expect(pageErrors).toEqual([]);
  });
});
