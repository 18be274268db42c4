import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createMemberWithOrganisation, DEFAULT_PASSWORD } from "../factories/index.ts";
import { startStripeServer, type StripeTestServer } from "../setup/stripe-server.ts";
import { ARTIFACTS, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
let stripe: StripeTestServer;
beforeAll(async () => {
  // The local Stripe server first, so the app reads its key and address when it starts.
  stripe = await startStripeServer();
  Object.assign(process.env, stripe.env);
  e2e = await startE2E();
  stripe.setWebhookUrl(`${e2e.baseUrl}/webhooks/stripe`);
  await ensureListingsIndex();
});
afterAll(async () => {
  await e2e?.close();
  await stripe?.close();
});

describe("featuring a listing", () => {
  it("goes from the owner's 'Feature this listing' button through Checkout to a featured listing", async () => {
    const { user, organisation } = await createMemberWithOrganisation({ organisation: { name: "Viện Công nghệ Sau thu hoạch" } });
    const title = "Công nghệ sấy thăng hoa thanh long xuất khẩu";
    const listing = await createListing(organisation.id, { title });
    const page = await (await e2e.newContext({ locale: "vi-VN" })).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await page.goto("/login");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Mật khẩu").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Đăng nhập" }).last().click();
    await page.waitForURL("**/dashboard");

    await page.goto(`/listings/${listing.id}/feature`);
    await expect.poll(() => page.getByText("Đồng Việt Nam: 500.000 ₫").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "feature-listing-vi.png"), fullPage: true });
    await page.getByRole("button", { name: "Đưa tin lên nổi bật" }).click();

    // Stripe's hosted page (the local server's) with the amount of our record.
    await page.waitForURL(`${stripe.url}/checkout/**`);
    expect(await page.locator("#amount").textContent()).toBe("500000 VND");
    const payment = await prisma.payment.findFirstOrThrow({ where: { listingId: listing.id } });
    expect(payment.status).toBe("PENDING");
    await page.getByRole("button", { name: "Pay" }).click();

    // Back on the receipt, after the signed webhook reached the app.
    await page.waitForURL(`**/payments/${payment.id}?session_id=*`);
    await expect.poll(() => page.getByRole("heading", { name: "Biên nhận thanh toán" }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator(".featured-granted").textContent()).toMatch(/^Tin được nổi bật từ .+ đến .+\.$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "payment-receipt-vi.png"), fullPage: true });
    expect(stripe.deliveries).toEqual([expect.objectContaining({ type: "checkout.session.completed", status: 200 })]);
    const featured = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(featured.featuredUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    // The home page shows it among the featured listings…
    await page.goto("/");
    const card = page.locator("section[aria-labelledby='featured-title'] .listing-card", { hasText: title });
    expect(await card.locator(".badge--featured").count()).toBe(1);

    // …and, once the outbox job has run, search marks it too.
    await syncListing(listing.id);
    await page.goto("/search?featured=1");
    const hit = page.locator(".search-hit", { hasText: title });
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.locator(".badge--featured").count()).toBe(1);

    // The feature page now offers to extend from the end date.
    await page.goto(`/listings/${listing.id}/feature`);
    expect(await page.getByText(/Tin đang nổi bật đến/).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
