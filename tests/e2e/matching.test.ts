import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { recomputeNeed } from "~/modules/matching/matching.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createMembership, createMemberWithOrganisation, createOrganisation, createUser } from "../factories/index.ts";
import { ARTIFACTS, logIn, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});


describe("matching in the browser", () => {
  it("an owner sees why an offer fits; a broker introduces the two sides and lands on the deal", async () => {
    await ensureListingsIndex();
    const seeker = await createMemberWithOrganisation({ organisation: { name: "Công ty Nông sản Cửu Long" } });
    const provider = await createMemberWithOrganisation({ organisation: { name: "Viện Công nghệ Sau thu hoạch" } });
    const broker = await createUser({ roles: ["member", "broker"] });
    await createMembership(broker.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
    const need = await createListing(seeker.organisation.id, {
      type: "TECHNOLOGY_REQUEST",
      title: "Cần công nghệ sấy lạnh bảo quản xoài",
      problemStatement: "Xoài hỏng nhanh sau thu hoạch; cần sấy lạnh giữ màu và vitamin.",
      keywords: ["sấy lạnh", "xoài"],
      sectorCodes: ["2.11"],
      minTrl: 6,
      budgetMax: 800_000_000n,
      budgetCurrency: "VND",
      transferModes: ["LICENSE_NON_EXCLUSIVE"],
      preferredProvinceCodes: ["79"],
    });
    const offer = await createListing(provider.organisation.id, {
      title: "Công nghệ sấy lạnh bảo quản xoài và trái cây",
      keywords: ["sấy lạnh", "xoài"],
      sectorCodes: ["2.11"],
      trl: 7,
      priceType: "FIXED",
      priceMin: 500_000_000n,
      priceMax: 500_000_000n,
      transferModes: ["LICENSE_NON_EXCLUSIVE"],
      provinceCode: "79",
    });
    await syncListing(need.id);
    await syncListing(offer.id);
    await recomputeNeed(need.id);

    const owner = await logIn(await e2e.newContext({ locale: "vi-VN" }), seeker.user.email);
    await owner.setViewportSize({ width: 1200, height: 800 });
    await owner.goto(`/listings/${need.id}/matches`);
    await expect(owner.getByRole("heading", { name: "Gợi ý kết nối" })).toBeTruthy();
    await owner.getByRole("link", { name: "Công nghệ sấy lạnh bảo quản xoài và trái cây" }).waitFor();
    await owner.getByText("cùng lĩnh vực 2.11 Kỹ thuật thực phẩm và đồ uống").waitFor();
    await owner.getByText("TRL 7 ≥ 6").waitFor();
    await owner.getByText("trong ngân sách", { exact: true }).waitFor();
    await owner.screenshot({ path: path.join(ARTIFACTS, "matching-owner.png"), fullPage: true });

    const page = await logIn(await e2e.newContext({ locale: "vi-VN" }), broker.email);
    await page.setViewportSize({ width: 1300, height: 900 });
    await page.goto("/matching");
    await page.getByRole("heading", { name: "Kết nối cung – cầu", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Cần công nghệ sấy lạnh bảo quản xoài" }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "matching-board.png"), fullPage: true });
    await page.getByRole("button", { name: "Giới thiệu hai bên" }).click();
    await page.waitForURL("**/deals/**");
    const deal = await prisma.deal.findFirstOrThrow({ where: { offerListingId: offer.id, requestListingId: need.id } });
    expect(page.url()).toContain(`/deals/${deal.id}`);
    expect(deal.stage).toBe("INTRODUCED");

    const api = await (await fetch(`${e2e.baseUrl}/api/listings/${need.id}/matches`)).json();
    expect(api.matches[0]).toMatchObject({ id: offer.id, title: "Công nghệ sấy lạnh bảo quản xoài và trái cây" });
  }, 90_000);
});
