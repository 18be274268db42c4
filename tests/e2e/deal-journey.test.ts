import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { DEFAULT_NDA_TEXT } from "~/modules/listings/listings.server.ts";
import { notificationTasks } from "~/modules/notifications/tasks.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { mailTo, runJobs } from "../factories/alerts.ts";
import { createBroker } from "../factories/deals.ts";
import { createListing, createMemberWithOrganisation } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  await ensureListingsIndex();
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});


const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `deal-journey-${name}.png`), fullPage: true });

describe("from a search to an agreed deal", () => {
  it("a buyer finds an offer, accepts its NDA and asks; the supplier answers; a broker carries the deal to an agreement; both parties are told", async () => {
    const supplier = await createMemberWithOrganisation({ user: { name: "Lê Văn Cung" }, organisation: { name: "Viện Công nghệ Sau thu hoạch" } });
    const buyer = await createMemberWithOrganisation({ user: { name: "Phạm Thị Cầu" }, organisation: { name: "Công ty CP Xoài Cao Lãnh" } });
    const broker = await createBroker({ name: "Trần Thu Hà" });
    const secret = "Nhiệt độ buồng sấy 12°C, độ ẩm 35% (bí mật)";
    const listing = await createListing(supplier.organisation.id, {
      title: "Công nghệ sấy lạnh bảo quản xoài",
      summary: "Sấy lạnh giữ màu và vitamin của xoài, tiết kiệm 30% điện so với sấy nóng.",
      confidential: { details: secret, ndaText: DEFAULT_NDA_TEXT },
    });
    await syncListing(listing.id);

    // The buyer finds the offer without typing diacritics.
    const buyerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), buyer.user.email);
    await buyerPage.goto("/search?q=say+lanh+xoai");
    await buyerPage.getByRole("link", { name: "Công nghệ sấy lạnh bảo quản xoài" }).first().click();
    await buyerPage.waitForURL(`**/listings/${listing.id}`);
    await expect(buyerPage.getByText(secret).count()).resolves.toBe(0);

    // Accepts the NDA: the details appear.
    await buyerPage.getByLabel(/Tôi đã đọc và chấp nhận/).check();
    await buyerPage.getByRole("button", { name: "Chấp nhận và xem thông tin" }).click();
    await buyerPage.getByText(secret).first().waitFor();
    const acceptance = await prisma.ndaAcceptance.findFirstOrThrow({ where: { listingId: listing.id } });
    expect(acceptance).toMatchObject({ organisationId: buyer.organisation.id, userId: buyer.user.id });
    expect(acceptance.textHash).toMatch(/^[0-9a-f]{64}$/);

    // Sends an inquiry.
    await buyerPage.getByRole("link", { name: "Gửi yêu cầu tìm hiểu" }).first().click();
    await buyerPage.waitForURL("**/inquire");
    await buyerPage.getByLabel("Nội dung").fill("Chúng tôi chế biến xoài sấy xuất khẩu và muốn tìm hiểu công nghệ sấy lạnh của viện.");
    await buyerPage.getByLabel("Nhu cầu của bạn").fill("Dây chuyền 2 tấn quả tươi mỗi ngày");
    await buyerPage.getByLabel("Mục đích sử dụng").fill("Sản xuất xoài sấy dẻo xuất khẩu");
    await buyerPage.getByLabel("Thời gian dự kiến").fill("Trong 6 tháng");
    await buyerPage.getByRole("button", { name: "Gửi yêu cầu" }).click();
    await buyerPage.waitForURL("**/inquiries/**");
    await shot(buyerPage, "1-thread-buyer");

    // The supplier sees it unread in the inbox and answers.
    const supplierPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), supplier.user.email);
    await supplierPage.goto("/inquiries");
    await supplierPage.getByText("1 tin nhắn chưa đọc").first().waitFor();
    await supplierPage.getByRole("link", { name: "Công nghệ sấy lạnh bảo quản xoài" }).first().click();
    await supplierPage.getByLabel("Trả lời").fill("Cảm ơn quý công ty. Dây chuyền 2 tấn/ngày phù hợp; chúng tôi gửi báo giá sơ bộ trong tuần.");
    await supplierPage.getByRole("button", { name: "Gửi", exact: true }).click();
    await supplierPage.locator(".message__body", { hasText: "báo giá sơ bộ" }).waitFor();

    // The broker takes the inquiry over and opens a deal from it.
    const brokerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), broker.email);
    await brokerPage.goto("/inquiries");
    await brokerPage.getByRole("button", { name: "Tiếp nhận" }).first().click();
    await brokerPage.waitForURL("**/inquiries/**");
    await brokerPage.locator(".message__body", { hasText: "báo giá sơ bộ" }).waitFor();
    await brokerPage.getByRole("button", { name: "Mở giao dịch" }).click();
    await brokerPage.waitForURL("**/deals/**");
    const dealId = new URL(brokerPage.url()).pathname.split("/")[2]!;

    // …and moves it stage by stage to an agreement with a value.
    const stageOf = async () => (await prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage;
    expect(await stageOf()).toBe("NEW");
    for (const [button, stage] of [
      ["Xác nhận đã thẩm định", "QUALIFIED"],
      ["Đã giới thiệu hai bên", "INTRODUCED"],
      ["Đã ký NDA", "NDA_SIGNED"],
      ["Bắt đầu đàm phán", "NEGOTIATING"],
    ] as const) {
      await brokerPage.getByRole("button", { name: button, exact: true }).click();
      await expect.poll(stageOf).toBe(stage);
      await brokerPage.waitForLoadState("networkidle");
    }
    await brokerPage.getByLabel("Hình thức thỏa thuận").selectOption("LICENCE");
    await brokerPage.getByLabel("Giá trị thỏa thuận").fill("1.250.000.000");
    await brokerPage.getByLabel("Đơn vị tiền tệ").selectOption("VND");
    await brokerPage.getByRole("button", { name: "Ghi nhận thỏa thuận" }).click();
    await expect.poll(stageOf).toBe("AGREEMENT_REACHED");
    await brokerPage.waitForLoadState("networkidle");
    await shot(brokerPage, "2-deal-agreed");
    const deal = await prisma.deal.findUniqueOrThrow({ where: { id: dealId }, include: { transitions: true } });
    expect(deal).toMatchObject({ agreementType: "LICENCE", agreedValue: 1_250_000_000n, agreedCurrency: "VND", assignedBrokerId: broker.id });
    expect(deal.transitions.map((t) => t.toStage).sort()).toEqual(
      ["NEW", "QUALIFIED", "INTRODUCED", "NDA_SIGNED", "NEGOTIATING", "AGREEMENT_REACHED"].sort(),
    );
    expect(deal.transitions.every((t) => t.actorId === broker.id)).toBe(true);

    // Both parties see it in their notification centre and got the e-mails.
    for (const [page, who] of [
      [buyerPage, "buyer"],
      [supplierPage, "supplier"],
    ] as const) {
      await page.goto("/notifications");
      await page.getByText("Giao dịch “Công nghệ sấy lạnh bảo quản xoài”: Đã đạt thỏa thuận").first().waitFor();
      await shot(page, `3-notifications-${who}`);
    }
    await runJobs(notificationTasks);
    const subjects = (email: string) => mailTo(email).map((m) => m.subject);
    expect(subjects(supplier.user.email)).toContain("Yêu cầu thông tin mới về “Công nghệ sấy lạnh bảo quản xoài”");
    expect(subjects(buyer.user.email)).toContain("Phản hồi mới về “Công nghệ sấy lạnh bảo quản xoài”");
    for (const email of [buyer.user.email, supplier.user.email]) {
      expect(subjects(email)).toContain("Giao dịch “Công nghệ sấy lạnh bảo quản xoài”: Đã đạt thỏa thuận");
    }
    // The broker acted, so is not told about their own moves.
    expect(subjects(broker.email).filter((s) => s.includes("Đã đạt thỏa thuận"))).toEqual([]);
  }, 120_000);
});
