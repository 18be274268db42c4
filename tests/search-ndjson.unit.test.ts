import { describe, expect, it } from "vitest";
import { ndjsonBodies } from "~/modules/search/ndjson.ts";

const parse = (body: string) => body.split("\n").map((line) => JSON.parse(line) as { id: string });

describe("ndjsonBodies (a reindex's task bodies)", () => {
  it("keeps every document once, in order, one JSON object a line", () => {
    const documents = Array.from({ length: 7 }, (_, i) => ({ id: `l${i}`, title: "Máy sấy lạnh nông sản" }));
    const bodies = ndjsonBodies(documents, 1024 * 1024);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.count).toBe(7);
    expect(parse(bodies[0]!.body)).toEqual(documents);
  });

  it("cuts where the next line would pass the byte limit, counting UTF-8 bytes, not characters", () => {
    // 40 characters of Vietnamese are about 60 bytes: a character count would put all five in one body.
    const documents = Array.from({ length: 5 }, (_, i) => ({ id: `l${i}`, title: "Điều khiển tự động hóa dây chuyền sấy lạnh" }));
    const lineBytes = Buffer.byteLength(JSON.stringify(documents[0])) + 1;
    const bodies = ndjsonBodies(documents, lineBytes * 2);
    expect(bodies.map((b) => b.count)).toEqual([2, 2, 1]);
    for (const { body } of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(lineBytes * 2);
    expect(bodies.flatMap(({ body }) => parse(body))).toEqual(documents);
  });

  it("sends a document longer than the limit alone rather than dropping it", () => {
    const documents = [{ id: "short" }, { id: "long", description: "x".repeat(500) }, { id: "after" }];
    const bodies = ndjsonBodies(documents, 100);
    expect(bodies.map((b) => parse(b.body).map((d) => d.id))).toEqual([["short"], ["long"], ["after"]]);
  });

  it("has no body for no documents", () => {
    expect(ndjsonBodies([], 100)).toEqual([]);
  });
});
