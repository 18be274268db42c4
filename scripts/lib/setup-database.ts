import path from "node:path";
import { runMigrations } from "graphile-worker";
import { bootstrapReferenceData } from "../../app/modules/reference/bootstrap.server.ts";
import { migrate, type MigrateResult } from "./migrate.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");

/**
 * Everything a database needs before the app may use it: our migrations,
 * graphile-worker's schema (the job queue and search outbox), reference data.
 */
export async function setupDatabase(databaseUrl: string, log: (line: string) => void = () => {}): Promise<MigrateResult> {
  const result = await migrate({ databaseUrl, migrationsDir: MIGRATIONS_DIR, log });
  // preparedStatements off: PGlite's socket cannot share named statements between connections.
  await runMigrations({ connectionString: databaseUrl, preset: { worker: { preparedStatements: false } } } as never);
  await bootstrapReferenceData(databaseUrl, ROOT);
  return result;
}
