import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "./ports.ts";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
  /** A tarball of the data directory, to start other instances from (tests). */
  dump(): Promise<Blob>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite) behind a wire-protocol socket, for
 * machines without a PostgreSQL server. One backend serves every connection one
 * transaction at a time, so maxConnections must exceed the pools that use it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  port?: number;
  loadDataDir?: Blob;
}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { unaccent } = await import("@electric-sql/pglite/contrib/unaccent");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const db = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { unaccent, pg_trgm },
  });
  const port = options.port ?? (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 100 });
  keepExtendedQueriesWhole(server, db);
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
    dump: () => db.dumpDataDir("none") as Promise<Blob>,
  };
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
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
function keepExtendedQueriesWhole(server: PGLiteSocketServer, db: PGlite) {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let midExchange = false;
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let next: QueuedMessage | undefined;
        if ((midExchange || db.isInTransaction()) && this.lastHandlerId !== null) {
          const index = this.queue.findIndex((q) => q.handlerId === this.lastHandlerId);
          // The owner's next message has not arrived yet: wait for it (enqueue restarts the loop).
          if (index === -1) break;
          next = this.queue.splice(index, 1)[0];
        } else next = this.queue.shift();
        if (!next) break;
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
