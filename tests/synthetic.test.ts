import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { generateListings, prng } from "../prisma/seed/synthetic.ts";
import { runScript } from "./setup/cli.ts";

describe("synthetic listings for benchmarks", () => {
  it("is reproducible from its seed", () => {
    const a = prng(7);
    const b = prng(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(prng(8)()).not.toBe(prng(7)());
  });

  it("inserts N valid, varied, published listings with sectors", async () => {
    const result = await generateListings(450, { seed: 3, batchSize: 200 });
    expect(result).toEqual({ listings: 450, organisations: 9 });
    const rows = await prisma.listing.findMany({
      where: { externalRef: { startsWith: "SYN-3-" } },
      select: { type: true, title: true, status: true, trl: true, minTrl: true, condition: true, language: true, _count: { select: { sectors: true } } },
    });
    expect(rows).toHaveLength(450);
    expect(rows.every((r) => r.status === "PUBLISHED" && r._count.sectors >= 1)).toBe(true);
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(["TECHNOLOGY_OFFER", "EQUIPMENT_OFFER", "TECHNOLOGY_REQUEST"]));
    expect(rows.filter((r) => r.type === "TECHNOLOGY_OFFER").every((r) => r.trl! >= 1 && r.trl! <= 9 && r.condition === null)).toBe(true);
    expect(rows.filter((r) => r.type === "TECHNOLOGY_REQUEST").every((r) => r.minTrl !== null && r.trl === null)).toBe(true);
    expect(new Set(rows.map((r) => r.title)).size).toBeGreaterThan(350);
    expect(new Set(rows.map((r) => r.language))).toEqual(new Set(["vi", "en"]));
  });
});

describe("npm run generate:listings", () => {
  const run = (args: string[]) => runScript("scripts/generate-listings.ts", args, { env: { ...process.env, LOG_LEVEL: "warn" } });

  it("adds N listings, with or without a seed", async () => {
    const plain = await run(["12"]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^12 listings from 1 organisations in /m);
    const seeded = await run(["5", "--seed", "9"]);
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(await prisma.listing.count({ where: { externalRef: { startsWith: "SYN-9-" } } })).toBe(5);
  });

  it("refuses a count that is not a positive whole number", async () => {
    for (const bad of [[], ["abc"], ["0"], ["2.5"]]) {
      const result = await run(bad);
      expect(result.status, bad.join(" ")).toBe(1);
      expect(result.stderr).toContain("usage:");
    }
  });
});
