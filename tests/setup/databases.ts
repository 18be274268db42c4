import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";

/**
 * Databases for tests. With DATABASE_URL (a real server) each test file gets a
 * database cloned from a template built once from the migrations; without it,
 * each file gets its own PGlite started from a dump of a migrated one.
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function adminUrl(): string | undefined {
  return process.env.TECHEX_TEST_ADMIN_URL;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function onAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database (no migrations). */
export async function createScratchDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  if (admin) {
    const name = `techex_s_${randomBytes(6).toString("hex")}`;
    await onAdmin(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    return {
      url: withDatabase(admin, name),
      drop: () => onAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
    };
  }
  const embedded = await startEmbeddedPostgres({});
  return { url: embedded.url, drop: embedded.stop };
}

/** A database with every migration and the reference data applied. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  const template = process.env.TECHEX_TEST_TEMPLATE;
  if (admin && template) {
    const name = `techex_t_${randomBytes(6).toString("hex")}`;
    await onAdmin(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    return {
      url: withDatabase(admin, name),
      drop: () => onAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
    };
  }
  const dump = process.env.TECHEX_TEST_PGLITE_DUMP;
  if (!dump) throw new Error("the test global setup did not prepare a database template");
  const embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([readFileSync(dump)]) });
  return { url: embedded.url, drop: embedded.stop };
}

export function fingerprint(parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex").slice(0, 16);
}

export { onAdmin };
