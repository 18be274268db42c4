import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { loader as healthz } from "~/routes/healthz.ts";
import { freePort } from "../scripts/lib/ports.ts";

describe("GET /healthz", () => {
  it("reports the database and search as ok", async () => {
    const response = await healthz();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ database: "ok", search: "ok", worker: "down" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("reports the worker ok while a worker's heartbeat is fresh, down once it is stale", async () => {
    const { prisma } = await import("~/lib/db.server.ts");
    const { recordHeartbeat, STALE_AFTER_SECONDS } = await import("~/modules/jobs/liveness.server.ts");
    const db = { query: (text: string, values: unknown[]) => prisma.$executeRawUnsafe(text, ...values) } as unknown as Parameters<typeof recordHeartbeat>[0];
    await recordHeartbeat(db, ["health-test-worker"]);
    try {
      const response = await healthz();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ worker: "ok" });
      await prisma.$executeRaw`UPDATE "WorkerHeartbeat" SET "seenAt" = now() - make_interval(secs => ${STALE_AFTER_SECONDS + 1}) WHERE "workerId" = 'health-test-worker'`;
      expect(await (await healthz()).json()).toMatchObject({ worker: "down" });
    } finally {
      await prisma.$executeRaw`DELETE FROM "WorkerHeartbeat" WHERE "workerId" = 'health-test-worker'`;
    }
  });

  it("still answers 200 with search down, because the app can serve without it", async () => {
    const { singleton } = await import("~/lib/singleton.server.ts");
    const { Meilisearch } = await import("meilisearch");
    const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const real = singleton("meilisearch", () => null);
    store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${await freePort()}`, timeout: 500 }));
    try {
      const response = await healthz();
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ database: "ok", search: "down", worker: "down" });
    } finally {
      store.set("meilisearch", real);
    }
  });

  it("reports search down within the search timeout when Meilisearch accepts the connection and never answers", async () => {
    const { Meilisearch } = await import("meilisearch");
    const sockets: Socket[] = [];
    const hung = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
    const store = (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons;
    const real = store.get("meilisearch");
    store.set("meilisearch", new Meilisearch({ host: `http://127.0.0.1:${(hung.address() as { port: number }).port}`, timeout: 15_000 }));
    try {
      const started = performance.now();
      const response = await healthz();
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ database: "ok", search: "down", worker: "down" });
      // The health client's own timeout (MEILI_SEARCH_TIMEOUT_MS, 1.5 s), not the base client's 15 s.
      expect(performance.now() - started).toBeLessThan(3_500);
    } finally {
      store.set("meilisearch", real);
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });
});
