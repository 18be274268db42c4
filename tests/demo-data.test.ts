import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { logIn } from "~/modules/auth/accounts.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { getHomePage } from "~/modules/listings/catalogue.server.ts";
import { DEMO_USERS, loadDemoDataIfEmpty, readDemoCatalogue } from "../prisma/seed/demo.ts";

describe("demo data", () => {
  it("loads a real-looking catalogue into an empty database, once", async () => {
    expect(await loadDemoDataIfEmpty()).toMatch(/^loaded \d+ listings/);
    expect(await loadDemoDataIfEmpty()).toBe("kept the existing data (database not empty)");

    const listings = await prisma.listing.findMany({ select: { type: true, language: true, provinceCode: true, title: true, description: true, status: true } });
    expect(listings.length).toBeGreaterThanOrEqual(60);
    const byType = (t: string) => listings.filter((l) => l.type === t).length;
    expect(byType("TECHNOLOGY_OFFER")).toBeGreaterThanOrEqual(15);
    expect(byType("EQUIPMENT_OFFER")).toBeGreaterThanOrEqual(10);
    expect(byType("TECHNOLOGY_REQUEST")).toBeGreaterThanOrEqual(10);
    expect(listings.every((l) => l.status === "PUBLISHED")).toBe(true);
    const vi = listings.filter((l) => l.language === "vi");
    expect(vi.length / listings.length).toBeGreaterThan(0.6);
    expect(vi.every((l) => /[ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ]/i.test(l.title + l.description))).toBe(true);
    expect(listings.some((l) => l.language === "en")).toBe(true);
    expect(new Set(listings.map((l) => l.provinceCode)).size).toBeGreaterThanOrEqual(15);
    // Written, not templated: no two descriptions share their first 80 characters.
    expect(new Set(listings.map((l) => l.description.slice(0, 80))).size).toBe(listings.length);
    expect(await prisma.listingSector.groupBy({ by: ["sectorCode"] }).then((r) => r.length)).toBeGreaterThanOrEqual(12);

    const kinds = await prisma.organisation.groupBy({ by: ["kind"], _count: { _all: true } });
    expect(kinds.map((k) => k.kind).sort()).toEqual(["BROKER_CENTER", "ENTERPRISE", "INDIVIDUAL", "RESEARCH_INSTITUTE", "UNIVERSITY"]);
    expect(readDemoCatalogue().listings.length).toBe(listings.length);
    // Every demo organisation shows the badge except one, whose registration waits for the demo broker.
    const standing = await prisma.organisation.groupBy({ by: ["verificationStatus"], _count: { _all: true } });
    expect(Object.fromEntries(standing.map((s) => [s.verificationStatus, s._count._all]))).toEqual({ VERIFIED: readDemoCatalogue().organisations.length - 1, PENDING: 1 });
    expect(await prisma.organisationVerification.count({ where: { status: "PENDING", documentType: "application/pdf" } })).toBe(1);

    const home = await getHomePage();
    expect(home.latest).toHaveLength(9);
    expect(home.counts.TECHNOLOGY_OFFER + home.counts.EQUIPMENT_OFFER + home.counts.TECHNOLOGY_REQUEST).toBe(listings.length);
  });

  it("has one demo user per role who can log in with the printed password", async () => {
    for (const demo of DEMO_USERS) {
      const result = await logIn({ email: demo.email, password: demo.password });
      expect(result.ok, demo.email).toBe(true);
      const actor = (await loadActor(result.ok ? result.userId : ""))!;
      expect(actor.roles).toContain(demo.role);
      expect(actor.organisationIds.length).toBe(1);
    }
  });
});
