import { describe, expect, it } from "vitest";
import { loader } from "~/routes/api.listings.$id.ts";
import { createListing, createOrganisation } from "./factories/index.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

const get = async (id: string) => settle(call(loader, getRequest(`/api/listings/${id}`), { params: { id } }));

describe("GET /api/listings/:id", () => {
  it("answers a published listing's public fields, never its confidential details", async () => {
    const organisation = await createOrganisation({ name: "Viện Nghiên cứu Cơ khí Đồng Nai" });
    const listing = await createListing(organisation.id, {
      type: "EQUIPMENT_OFFER",
      title: "Máy phay CNC Haas VF-2 đời 2018",
      sectorCodes: ["2.3"],
      confidential: { details: "Giá nhập khẩu gốc: 1,1 tỷ đồng", ndaText: "NDA" },
    });
    const response = await get(listing.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const text = await response.text();
    expect(text).not.toContain("Giá nhập khẩu gốc");
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      id: listing.id,
      type: "EQUIPMENT_OFFER",
      title: "Máy phay CNC Haas VF-2 đời 2018",
      organisation: { id: organisation.id, name: "Viện Nghiên cứu Cơ khí Đồng Nai", url: `/orgs/${organisation.id}` },
      price: { type: "FIXED", min: 1_200_000_000, max: 1_200_000_000, currency: "VND" },
      equipment: { condition: "USED", manufacturer: "Haas", model: "VF-2", year: 2018, quantity: 1 },
      technology: null,
      request: null,
      hasConfidentialDetails: true,
      url: `/listings/${listing.id}`,
    });
    expect(body.sectors).toEqual([{ code: "2.3", labelVi: expect.any(String), labelEn: expect.any(String) }]);
  });

  it("answers 404 for drafts, expired and unknown listings", async () => {
    const organisation = await createOrganisation();
    const draft = await createListing(organisation.id, { status: "DRAFT" });
    const expired = await createListing(organisation.id, { publishedAt: new Date("2024-01-01"), expiresAt: new Date("2025-01-01") });
    for (const id of [draft.id, expired.id, "no-such-listing"]) {
      const response = await get(id);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toEqual({ error: "not found" });
    }
  });
});
