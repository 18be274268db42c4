import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { createListing, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});


describe("an equipment offer from posting to the public page", () => {
  it("a supplier posts it with a photo, a broker approves it, a visitor reads it in Vietnamese and English", async () => {
    const { user: supplier } = await createMemberWithOrganisation({ organisation: { name: "Công ty TNHH Cơ khí Nông nghiệp Thanh Hóa", provinceCode: "38" } });
    const broker = await createUser({ roles: ["member", "broker"] });
    await createMembership(broker.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);

    // The supplier writes the offer.
    const supplierContext = await e2e.newContext({ locale: "vi-VN" });
    const page = await logIn(supplierContext, supplier.email);
    const photo = path.join(ARTIFACTS, "pellet-press.png");
    writeFileSync(photo, await page.screenshot({ clip: { x: 0, y: 0, width: 640, height: 400 } }));
    await page.goto("/listings/new");
    await page.getByRole("link", { name: "Thiết bị" }).click();
    await page.waitForURL("**/listings/new?type=EQUIPMENT_OFFER");
    await page.getByLabel("Tiêu đề").fill("Máy ép viên mùn cưa 1 tấn/giờ, còn 90%");
    await page.getByLabel("Tóm tắt").fill("Máy ép viên nén mùn cưa công suất 1 tấn/giờ, vận hành 2 năm, bảo hành 3 tháng sau bàn giao.");
    await page.getByLabel("Mô tả chi tiết").fill("### Tình trạng\n\n- Khuôn mới thay tháng 6\n- **Động cơ 75 kW**");
    await page.locator("summary", { hasText: "Khoa học kỹ thuật" }).click();
    await page.getByLabel("2.3 ", { exact: false }).first().check();
    await page.getByLabel("Tỉnh / thành phố").selectOption({ label: "Thanh Hóa" });
    await page.getByLabel("Tình trạng").selectOption("USED");
    await page.getByLabel("Bán", { exact: true }).check();
    await page.getByLabel("Loại giá").selectOption("FIXED");
    await page.getByLabel("Giá từ").fill("350000000");
    await page.getByLabel("Đơn vị tiền").selectOption("VND");
    await page.getByLabel("Thông số kỹ thuật").fill("Công suất: 1 tấn/giờ\nĐộng cơ: 75 kW");
    await page.screenshot({ path: path.join(ARTIFACTS, "listing-new-vi.png"), fullPage: true });
    await page.getByRole("button", { name: "Lưu nháp" }).click();
    await page.waitForURL("**/edit?saved=1");
    const id = page.url().match(/listings\/([^/]+)\/edit/)![1]!;

    await page.getByLabel("Chọn ảnh hoặc tệp PDF").setInputFiles(photo);
    await page.getByRole("button", { name: "Tải lên" }).click();
    await expect.poll(() => prisma.attachment.count({ where: { listingId: id } })).toBe(1);
    await page.getByRole("button", { name: "Gửi duyệt", exact: true }).click();
    await page.waitForURL("**/edit?done=submit");
    await page.screenshot({ path: path.join(ARTIFACTS, "listing-edit-vi.png"), fullPage: true });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING_REVIEW");

    // A visitor cannot see it yet.
    const visitor = await e2e.newContext({ locale: "vi-VN" });
    const early = await (await visitor.newPage()).goto(`/listings/${id}`);
    expect(early?.status()).toBe(404);

    // The broker approves it from the queue.
    const brokerPage = await logIn(await e2e.newContext({ locale: "vi-VN" }), broker.email);
    await brokerPage.goto("/moderation");
    await brokerPage.screenshot({ path: path.join(ARTIFACTS, "moderation-vi.png"), fullPage: true });
    await brokerPage.getByRole("link", { name: "Máy ép viên mùn cưa 1 tấn/giờ, còn 90%" }).click();
    await brokerPage.getByRole("button", { name: "Duyệt và đăng" }).click();
    await brokerPage.waitForURL("**/moderation?decided=*");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id } })).status).toBe("PUBLISHED");

    // A visitor reads it in Vietnamese, photo included…
    const vi = await visitor.newPage();
    await vi.goto(`/listings/${id}`);
    expect(await vi.locator("h1").textContent()).toBe("Máy ép viên mùn cưa 1 tấn/giờ, còn 90%");
    expect((await vi.locator(".facts").textContent())!.replace(/\s/g, " ")).toContain("350.000.000 ₫");
    expect(await vi.locator(".prose strong", { hasText: "Động cơ 75 kW" }).count()).toBe(1);
    const image = vi.locator("img").first();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    await vi.screenshot({ path: path.join(ARTIFACTS, "listing-public-vi.png"), fullPage: true });
    // …and the view was counted by the page's POST.
    await expect.poll(async () => (await prisma.listing.findUniqueOrThrow({ where: { id } })).viewCount).toBe(1);

    // …and in English.
    const en = await (await e2e.newContext({ locale: "en-GB" })).newPage();
    await en.goto(`/listings/${id}`);
    expect(await en.locator(".badge--equipment_offer").first().textContent()).toBe("Equipment");
    expect(await en.locator(".facts").textContent()).toContain("Condition");
    expect(await en.locator(".facts").textContent()).toContain("350,000,000");
    await en.screenshot({ path: path.join(ARTIFACTS, "listing-public-en.png"), fullPage: true });
    // Four browser contexts and some forty steps: about 16 s alone, over 30 s beside the rest of CI.
  }, 90_000);

  it("writes a Persian title right to left", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id, { language: "fa", title: "فناوری تصفیه آب با انرژی خورشیدی", summary: "سامانه تصفیه آب آشامیدنی با انرژی خورشیدی برای روستاها." });
    const page = await (await e2e.newContext()).newPage();
    await page.goto(`/listings/${listing.id}`);
    expect(await page.locator("h1").evaluate((h) => getComputedStyle(h).direction)).toBe("rtl");
    expect(await page.locator("h1").getAttribute("lang")).toBe("fa");
  });
});
