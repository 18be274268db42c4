import path from "node:path";
import type { Env } from "../../app/lib/env.server.ts";
import { startEmbeddedMeilisearch, type EmbeddedMeilisearch } from "./embedded-meilisearch.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { portOr } from "./ports.ts";

export interface Services {
  databaseUrl: string;
  meiliHost: string;
  meiliKey?: string;
  embedded: string[];
  /** The embedded Meilisearch, when one was started (supervised: restarted if it dies). */
  meili?: EmbeddedMeilisearch;
  stop(): Promise<void>;
}

/**
 * The database and search the app will use: the configured ones, or embedded
 * ones (PGlite, the packaged Meilisearch binary) with their data under DATA_DIR.
 */
export async function startServices(env: Env, log: (line: string) => void): Promise<Services> {
  const dataDir = path.resolve(env.DATA_DIR);
  const stops: (() => Promise<void>)[] = [];
  const embedded: string[] = [];
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log("starting embedded PostgreSQL (PGlite) with data in " + path.join(dataDir, "pglite"));
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port: await portOr(54329) });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      // For psql, and for the smoke test's transaction beside the app's queries.
      log(`embedded PostgreSQL listening on ${pg.url}`);
      embedded.push("PostgreSQL (PGlite)");
    }
    let meiliHost = env.MEILI_HOST;
    let meiliKey = env.MEILI_MASTER_KEY;
    let meili: EmbeddedMeilisearch | undefined;
    if (!meiliHost) {
      log("starting embedded Meilisearch with data in " + path.join(dataDir, "meilisearch"));
      // Sized for the catalogue of one centre beside the app, not for a machine of its own (README).
      const sizing = { maxIndexingMemory: env.MEILI_MAX_INDEXING_MEMORY, maxIndexingThreads: env.MEILI_MAX_INDEXING_THREADS };
      meili = await startEmbeddedMeilisearch({ dataDir: path.join(dataDir, "meilisearch"), preferredPort: 7700, sizing, log });
      stops.push(meili.stop);
      meiliHost = meili.host;
      meiliKey = meili.masterKey;
      embedded.push("Meilisearch 1.21");
    }
    return {
      databaseUrl,
      meiliHost,
      meiliKey,
      embedded,
      meili,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch((e) => log(`stopping a service failed: ${e}`));
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw error;
  }
}
