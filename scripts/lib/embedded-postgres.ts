import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { patchPgliteSocket } from "./pglite-socket-patch.ts";
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
  // Fails here, naming the package and version, if the library's internals have changed.
  await patchPgliteSocket(server, db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
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
