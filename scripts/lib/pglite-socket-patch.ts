import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The release whose internals the patch below was written against (package.json pins it). */
export const PGLITE_SOCKET_PACKAGE = "@electric-sql/pglite-socket";
export const PGLITE_SOCKET_VERSION = "0.2.17";

/** What the patch uses of PGlite (pinned in package.json too). */
export interface PatchedDb {
  isInTransaction(): boolean;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<unknown>;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}
/** pglite-socket's QueryQueueManager, private there: the fields and methods the patch reads or replaces. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** The version installed in node_modules (its package.json is not in the package's exports). */
export function installedPgliteSocketVersion(): string {
  const entry = createRequire(import.meta.url).resolve(PGLITE_SOCKET_PACKAGE);
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Everything the patch relies on that is not as it was in PGLITE_SOCKET_VERSION: the version
 * itself, the server's private queryQueue and its fields and methods, and PGlite's methods.
 */
export function pgliteSocketProblems(version: string, server: object, db: object): string[] {
  const problems: string[] = [];
  if (version !== PGLITE_SOCKET_VERSION) problems.push(`version ${version} is installed`);
  const queue = (server as { queryQueue?: unknown }).queryQueue;
  if (typeof queue !== "object" || queue === null) return [...problems, "the server has no queryQueue"];
  const fields = queue as Record<string, unknown>;
  if (!Array.isArray(fields.queue)) problems.push("queryQueue.queue is not an array");
  if (typeof fields.processing !== "boolean") problems.push("queryQueue.processing is not a boolean");
  if (fields.lastHandlerId !== null && typeof fields.lastHandlerId !== "number") problems.push("queryQueue.lastHandlerId is neither null nor a number");
  for (const method of ["enqueue", "processQueue", "clearQueueForHandler"]) {
    if (typeof fields[method] !== "function") problems.push(`queryQueue.${method} is not a function`);
  }
  for (const method of ["isInTransaction", "runExclusive", "execProtocolRawStream"]) {
    if (typeof (db as Record<string, unknown>)[method] !== "function") problems.push(`PGlite's ${method} is not a function`);
  }
  return problems;
}

const isQueuedMessage = (item: unknown): item is QueuedMessage => {
  const fields = item as Record<string, unknown> | undefined;
  return (
    typeof fields?.handlerId === "number" &&
    fields.message instanceof Uint8Array &&
    typeof fields.onData === "function" &&
    typeof fields.resolve === "function" &&
    typeof fields.reject === "function"
  );
};

/** A handler id no connection has (the library counts them up from 1). */
const PROBE_HANDLER = -1;
/** A frontend Sync, which the backend answers with ReadyForQuery ('Z'). */
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const READY_FOR_QUERY = 0x5a;

/**
 * Patches the server's query queue (below) once the library's internals are checked, then sends
 * one Sync through the library's own enqueue to the patched queue: the queue items it builds must
 * have the fields the patch reads. Call before `server.start()`. Anything else fails here, at
 * start, with the package and version named, rather than later as interleaved queries.
 */
export async function patchPgliteSocket(server: object, db: PatchedDb, version = installedPgliteSocketVersion()): Promise<void> {
  const fail = (problems: string[]) =>
    new Error(
      `${PGLITE_SOCKET_PACKAGE} ${version} is not what scripts/lib/pglite-socket-patch.ts was written for (${PGLITE_SOCKET_VERSION}): ` +
        `${problems.join("; ")}. Install ${PGLITE_SOCKET_PACKAGE}@${PGLITE_SOCKET_VERSION} (npm ci), or check that the library still interleaves ` +
        `extended-protocol messages of different connections and update or drop the patch.`,
    );
  const problems = pgliteSocketProblems(version, server, db);
  if (problems.length) throw fail(problems);
  const queue = (server as { queryQueue: QueryQueue }).queryQueue;
  keepExtendedQueriesWhole(queue, db);

  let answered = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = queue.enqueue(PROBE_HANDLER, SYNC, (data) => {
    if (data[0] === READY_FOR_QUERY) answered = true;
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("a Sync sent through queryQueue.enqueue got no answer within 5 s")), 5_000);
  });
  try {
    await Promise.race([probe, timeout]);
  } catch (error) {
    throw fail([error instanceof Error ? error.message : String(error)]);
  } finally {
    clearTimeout(timer);
  }
  if (!answered) throw fail(["a Sync sent through queryQueue.enqueue was not answered with ReadyForQuery"]);
  queue.lastHandlerId = null;
}

/** Frontend messages of an extended-query exchange: Parse, Bind, Describe, Execute, Close, Flush. */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
/** Messages that end one: Sync, a simple Query (a whole exchange by itself), Terminate. */
const ENDS_EXCHANGE = new Set([0x53, 0x51, 0x58]);

/**
 * pglite-socket (0.2.x) keeps a connection's messages together only inside a
 * transaction. Outside one it interleaves the Parse/Bind/Execute messages of
 * different connections on the single backend, so two concurrent queries
 * overwrite each other's unnamed statement: "bind message supplies 5 parameters,
 * but prepared statement "" requires 2", or a relation silently read as null.
 * This gives a connection the backend from its first extended-protocol message
 * until its Sync, the same way the library already does for a transaction.
 */
function keepExtendedQueriesWhole(queue: QueryQueue, db: PatchedDb) {
  let midExchange = false;
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let next: unknown;
        if ((midExchange || db.isInTransaction()) && this.lastHandlerId !== null) {
          const index = this.queue.findIndex((q) => q.handlerId === this.lastHandlerId);
          // The owner's next message has not arrived yet: wait for it (enqueue restarts the loop).
          if (index === -1) break;
          next = this.queue.splice(index, 1)[0];
        } else next = this.queue.shift();
        if (!next) break;
        if (!isQueuedMessage(next)) {
          // The library's queue items changed shape: refuse them all rather than guess (the probe at start reports it).
          const reject = (next as { reject?: unknown }).reject;
          if (typeof reject === "function") reject(new Error("its queue items lack handlerId, message, onData, resolve or reject"));
          continue;
        }
        const item = next;
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midExchange = false;
          item.reject(error);
          continue;
        }
        const type = item.message[0]!;
        if (EXTENDED.has(type)) midExchange = true;
        else if (ENDS_EXCHANGE.has(type)) midExchange = false;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  // A connection that goes away mid-exchange must not hold the backend.
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (queue.lastHandlerId === handlerId) midExchange = false;
    void queue.processQueue();
  };
}
