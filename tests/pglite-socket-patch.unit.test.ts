import { describe, expect, it } from "vitest";
import { installedPgliteSocketVersion, patchPgliteSocket, PGLITE_SOCKET_VERSION, type PatchedDb } from "../scripts/lib/pglite-socket-patch.ts";

/** pglite-socket 0.2.17's QueryQueueManager as far as the patch sees it, with the item fields of that release. */
class FakeQueryQueue {
  queue: unknown[] = [];
  processing = false;
  lastHandlerId: number | null = null;
  constructor(private item: (handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void, resolve: (n: number) => void, reject: (e: unknown) => void) => object = (handlerId, message, onData, resolve, reject) => ({ handlerId, message, onData, resolve, reject })) {}
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      this.queue.push(this.item(handlerId, message, onData, resolve, reject));
      if (!this.processing) void this.processQueue();
    });
  }
  async processQueue() {
    throw new Error("the library's own processQueue ran: the patch did not replace it");
  }
  clearQueueForHandler(handlerId: number) {
    this.queue = this.queue.filter((item) => (item as { handlerId: number }).handlerId !== handlerId);
  }
}

/** A PGlite that answers every Sync with ReadyForQuery and records which connection's message ran when. */
function fakeDb() {
  const ran: string[] = [];
  const db: PatchedDb & { ran: string[] } = {
    ran,
    isInTransaction: () => false,
    runExclusive: (fn) => fn(),
    async execProtocolRawStream(message, { onRawData }) {
      // Each message takes a turn of the event loop, as PGlite's do, so others can be enqueued meanwhile.
      await new Promise((r) => setImmediate(r));
      ran.push(String.fromCharCode(message[0]!) + String.fromCharCode(message[1]!));
      if (message[0] === 0x53) onRawData(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x49));
    },
  };
  return db;
}

/** A frontend message of `type` from connection `connection` (its second byte, for the record). */
const message = (type: string, connection: string) => Uint8Array.of(type.charCodeAt(0), connection.charCodeAt(0));

describe("the pglite-socket patch's check of the library", () => {
  it("accepts the installed library: the version it was written for", () => {
    expect(installedPgliteSocketVersion()).toBe(PGLITE_SOCKET_VERSION);
  });

  it("patches a queue shaped like 0.2.17's, which then keeps each connection's Parse…Sync together", async () => {
    const server = { queryQueue: new FakeQueryQueue() };
    const db = fakeDb();
    await patchPgliteSocket(server, db, PGLITE_SOCKET_VERSION);
    db.ran.length = 0;
    const queue = server.queryQueue;
    // Two connections' extended-query exchanges arrive interleaved, as concurrent queries do.
    const sent = [
      queue.enqueue(1, message("P", "a"), () => {}),
      queue.enqueue(2, message("P", "b"), () => {}),
      queue.enqueue(1, message("B", "a"), () => {}),
      queue.enqueue(2, message("B", "b"), () => {}),
      queue.enqueue(1, message("E", "a"), () => {}),
      queue.enqueue(2, message("E", "b"), () => {}),
      queue.enqueue(1, message("S", "a"), () => {}),
      queue.enqueue(2, message("S", "b"), () => {}),
    ];
    await Promise.all(sent);
    expect(db.ran).toEqual(["Pa", "Ba", "Ea", "Sa", "Pb", "Bb", "Eb", "Sb"]);
  });

  it("refuses another version, naming the package, both versions and what to do", async () => {
    const server = { queryQueue: new FakeQueryQueue() };
    await expect(patchPgliteSocket(server, fakeDb(), "0.2.18")).rejects.toThrow(
      /^@electric-sql\/pglite-socket 0\.2\.18 is not what scripts\/lib\/pglite-socket-patch\.ts was written for \(0\.2\.17\): version 0\.2\.18 is installed\. Install @electric-sql\/pglite-socket@0\.2\.17/,
    );
  });

  it("refuses a server whose queue is gone or renamed", async () => {
    await expect(patchPgliteSocket({ queue: new FakeQueryQueue() }, fakeDb(), PGLITE_SOCKET_VERSION)).rejects.toThrow(/0\.2\.17 is not what .*: the server has no queryQueue/);
  });

  it("refuses a queue whose methods or fields changed, naming each", async () => {
    const queue = new FakeQueryQueue() as unknown as Record<string, unknown>;
    queue.drain = queue.processQueue;
    queue.processQueue = undefined;
    queue.lastHandlerId = "none";
    await expect(patchPgliteSocket({ queryQueue: queue }, fakeDb(), PGLITE_SOCKET_VERSION)).rejects.toThrow(
      /queryQueue\.lastHandlerId is neither null nor a number; queryQueue\.processQueue is not a function\./,
    );
  });

  it("refuses a PGlite without the methods it calls", async () => {
    const { isInTransaction: _, ...db } = fakeDb();
    await expect(patchPgliteSocket({ queryQueue: new FakeQueryQueue() }, db as unknown as PatchedDb, PGLITE_SOCKET_VERSION)).rejects.toThrow(/PGlite's isInTransaction is not a function/);
  });

  it("refuses, at start, queue items whose fields were renamed", async () => {
    const renamed = new FakeQueryQueue((handlerId, message, onData, resolve, reject) => ({ id: handlerId, message, onData, resolve, reject }));
    await expect(patchPgliteSocket({ queryQueue: renamed }, fakeDb(), PGLITE_SOCKET_VERSION)).rejects.toThrow(
      /0\.2\.17 is not what .*: its queue items lack handlerId, message, onData, resolve or reject\./,
    );
  });
});
