import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * Applies prisma/migrations/<name>/migration.sql in order, keeping Prisma's
 * `_prisma_migrations` table exactly as `prisma migrate deploy` does, so either
 * tool can follow the other. Unlike Prisma, each migration runs in its own
 * transaction together with its bookkeeping row: a failure leaves nothing behind.
 */

/** The advisory-lock key `prisma migrate` itself takes, so the two exclude each other. */
export const PRISMA_ADVISORY_LOCK = 72707369;

export const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(options: {
  databaseUrl: string;
  migrationsDir: string;
  log?: (line: string) => void;
}): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(MIGRATIONS_TABLE_SQL);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const live = rows.filter((row) => row.rolled_back_at === null);
      const failed = live.find((row) => row.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `Migration ${failed.migration_name} failed earlier and was never finished. ` +
            `Repair the database by hand, then mark it with \`prisma migrate resolve\` before migrating again.`,
        );
      }
      const known = new Map(migrations.map((m) => [m.name, m]));
      for (const row of live) {
        const local = known.get(row.migration_name);
        if (!local) {
          throw new MigrationError(
            `The database has migration ${row.migration_name}, which is not in ${options.migrationsDir}. ` +
              `This code is older than the database; deploy the newer code instead.`,
          );
        }
        if (local.checksum !== row.checksum && checksumOf(local.sql.replace(/\r\n/g, "\n")) !== row.checksum) {
          throw new MigrationError(
            `Migration ${row.migration_name} was edited after it was applied ` +
              `(checksum ${row.checksum.slice(0, 12)}… in the database, ${local.checksum.slice(0, 12)}… on disk). ` +
              `Never edit an applied migration: restore the file and add a new migration for the change.`,
          );
        }
      }
      const done = new Set(live.map((row) => row.migration_name));
      const result: MigrateResult = { applied: [], alreadyApplied: [...done] };
      for (const migration of migrations) {
        if (done.has(migration.name)) continue;
        log(`applying ${migration.name}`);
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, NULL, now(), 1)`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new MigrationError(
            `Migration ${migration.name} failed and was rolled back; nothing of it was applied: ${(error as Error).message}`,
          );
        }
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}
