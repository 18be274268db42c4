import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { migrate, MigrationError, PRISMA_ADVISORY_LOCK } from "../scripts/lib/migrate.ts";
import { MIGRATIONS_DIR, setupDatabase } from "../scripts/lib/setup-database.ts";
import { adminUrl, createScratchDatabase, type TestDatabase } from "./setup/databases.ts";

const scratch: TestDatabase[] = [];
const dirs: string[] = [];

async function freshDatabase(): Promise<string> {
  const db = await createScratchDatabase();
  scratch.push(db);
  return db.url;
}

afterEach(async () => {
  for (const db of scratch.splice(0)) await db.drop();
});
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migrations folder in a temp dir: { "20260101000000_a": "CREATE TABLE …" }. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "techex-migrations-"));
  dirs.push(dir);
  writeMigrations(dir, files);
  return dir;
}
function writeMigrations(dir: string, files: Record<string, string>) {
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
}
const sha256OfFile = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}
const migrationRows = (url: string) =>
  query<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at`);

const tableExists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, `SELECT to_regclass($1)::text AS t`, [`public."${table}"`]))[0]!.t !== null;

/** Runs migrate and returns the MigrationError it rejected with (fails if it resolved or threw anything else). */
async function migrationError(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

const A = "20260101000000_create_a";
const B = "20260102000000_create_b";
const C = "20260103000000_create_c";
const SQL_A = "CREATE TABLE a (id integer PRIMARY KEY);\n";
// B depends on A: it only works if the runner applies them in name order.
const SQL_B = "CREATE TABLE b (id integer PRIMARY KEY, a_id integer NOT NULL REFERENCES a(id));\nINSERT INTO a VALUES (1);\n";
const SQL_C = "CREATE TABLE c (id integer PRIMARY KEY);\n";

describe("migrate", () => {
  it("applies pending migrations in name order and records them exactly as prisma migrate deploy does", async () => {
    const databaseUrl = await freshDatabase();
    // Created B, A, C: neither creation order nor its reverse (what tmpfs lists) is name order.
    const dir = migrationsDir({ [B]: SQL_B, [A]: SQL_A, [C]: SQL_C });
    writeFileSync(path.join(dir, "README.md"), "not a migration");
    mkdirSync(path.join(dir, "20260100000000_empty_folder_without_sql"));
    const logged: string[] = [];

    const result = await migrate({ databaseUrl, migrationsDir: dir, log: (line) => logged.push(line) });

    expect(result).toEqual({ applied: [A, B, C], alreadyApplied: [] });
    expect(logged).toEqual([`applying ${A}`, `applying ${B}`, `applying ${C}`]);
    expect(await tableExists(databaseUrl, "a")).toBe(true);
    expect(await tableExists(databaseUrl, "b")).toBe(true);
    expect(await query(databaseUrl, "SELECT id FROM a")).toEqual([{ id: 1 }]);

    const columns = await query(
      databaseUrl,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", character_maximum_length: 36, is_nullable: "NO", column_default: null },
      { column_name: "checksum", data_type: "character varying", character_maximum_length: 64, is_nullable: "NO", column_default: null },
      { column_name: "finished_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "migration_name", data_type: "character varying", character_maximum_length: 255, is_nullable: "NO", column_default: null },
      { column_name: "logs", data_type: "text", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "started_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "NO", column_default: "now()" },
      { column_name: "applied_steps_count", data_type: "integer", character_maximum_length: null, is_nullable: "NO", column_default: "0" },
    ]);
    const primaryKey = await query(
      databaseUrl,
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '"_prisma_migrations"'::regclass AND i.indisprimary`,
    );
    expect(primaryKey).toEqual([{ attname: "id" }]);

    const rows = await migrationRows(databaseUrl);
    expect(rows.map((r) => r.migration_name)).toEqual([A, B, C]);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(sha256OfFile(path.join(dir, row.migration_name, "migration.sql")));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.started_at).toBeInstanceOf(Date);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    // Applied one after the other, in name order.
    expect(rows[0]!.started_at.getTime()).toBeLessThanOrEqual(rows[1]!.started_at.getTime());
    expect(rows[1]!.started_at.getTime()).toBeLessThanOrEqual(rows[2]!.started_at.getTime());
    expect(PRISMA_ADVISORY_LOCK).toBe(72707369); // the key prisma migrate takes
    // The advisory lock is released when migrate returns (a second session can take it at once).
    expect(await query(databaseUrl, "SELECT pg_try_advisory_lock($1) AS ok", [PRISMA_ADVISORY_LOCK])).toEqual([{ ok: true }]);
  });

  it("is a no-op the second time, and applies a migration added later on its own", async () => {
    const databaseUrl = await freshDatabase();
    const dir = migrationsDir({ [A]: SQL_A, [B]: SQL_B });
    await migrate({ databaseUrl, migrationsDir: dir });
    const before = await migrationRows(databaseUrl);

    const again = await migrate({ databaseUrl, migrationsDir: dir });
    expect(again.applied).toEqual([]);
    expect([...again.alreadyApplied].sort()).toEqual([A, B]);
    expect(await migrationRows(databaseUrl)).toEqual(before);
    // B's INSERT was not run twice (it would have failed on the primary key anyway).
    expect(await query(databaseUrl, "SELECT count(*)::int AS n FROM a")).toEqual([{ n: 1 }]);

    writeMigrations(dir, { [C]: SQL_C });
    const third = await migrate({ databaseUrl, migrationsDir: dir });
    expect(third.applied).toEqual([C]);
    expect([...third.alreadyApplied].sort()).toEqual([A, B]);
    expect(await tableExists(databaseUrl, "c")).toBe(true);
    const after = await migrationRows(databaseUrl);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after.map((r) => r.migration_name)).toEqual([A, B, C]);
    expect(after[2]!.checksum).toBe(sha256OfFile(path.join(dir, C, "migration.sql")));
  });

  it("refuses a migration edited after it was applied, before applying anything else", async () => {
    const databaseUrl = await freshDatabase();
    const dir = migrationsDir({ [A]: SQL_A, [B]: SQL_B });
    await migrate({ databaseUrl, migrationsDir: dir });
    const before = await migrationRows(databaseUrl);

    // A checkout that turned LF into CRLF is not an edit (prisma migrate accepts it too).
    writeMigrations(dir, { [A]: SQL_A.replace(/\n/g, "\r\n") });
    expect((await migrate({ databaseUrl, migrationsDir: dir })).applied).toEqual([]);

    writeMigrations(dir, { [A]: "CREATE TABLE a (id integer PRIMARY KEY, extra text);\n", [C]: SQL_C });
    const error = await migrationError(migrate({ databaseUrl, migrationsDir: dir }));
    expect(error.name).toBe("MigrationError");
    expect(error.message).toContain(A);
    expect(error.message).toMatch(/was edited after it was applied/);
    expect(error.message).not.toContain(B);
    expect(await tableExists(databaseUrl, "c")).toBe(false);
    expect(await migrationRows(databaseUrl)).toEqual(before);

    // Restoring the file lets the pending migration through.
    writeMigrations(dir, { [A]: SQL_A });
    expect((await migrate({ databaseUrl, migrationsDir: dir })).applied).toEqual([C]);
  });

  it("rolls back a migration that fails halfway, keeps the earlier ones, and applies it once fixed", async () => {
    const databaseUrl = await freshDatabase();
    const D = "20260104000000_half_broken";
    const dir = migrationsDir({ [A]: SQL_A, [D]: "CREATE TABLE ok_table (id integer PRIMARY KEY);\nINSERT INTO ok_table VALUES (1);\nSELECT 1/0;\n" });

    const error = await migrationError(migrate({ databaseUrl, migrationsDir: dir }));
    expect(error.message).toContain(D);
    expect(error.message).toMatch(/division by zero/);
    expect(error.message).not.toContain(A);
    expect(await tableExists(databaseUrl, "a")).toBe(true);
    expect(await tableExists(databaseUrl, "ok_table")).toBe(false);
    expect((await migrationRows(databaseUrl)).map((r) => r.migration_name)).toEqual([A]);
    // The lock was released despite the failure.
    expect(await query(databaseUrl, "SELECT pg_try_advisory_lock($1) AS ok", [PRISMA_ADVISORY_LOCK])).toEqual([{ ok: true }]);

    // A bad statement after a good one: same outcome, and the failed run leaves nothing for the next run to trip on.
    writeMigrations(dir, { [D]: "CREATE TABLE ok_table (id integer PRIMARY KEY);\nALTER TABLE no_such_table ADD COLUMN x integer;\n" });
    const second = await migrationError(migrate({ databaseUrl, migrationsDir: dir }));
    expect(second.message).toContain(D);
    expect(second.message).toMatch(/no_such_table/);
    expect(await tableExists(databaseUrl, "ok_table")).toBe(false);

    writeMigrations(dir, { [D]: "CREATE TABLE ok_table (id integer PRIMARY KEY);\nINSERT INTO ok_table VALUES (1);\n" });
    const fixed = await migrate({ databaseUrl, migrationsDir: dir });
    expect(fixed).toEqual({ applied: [D], alreadyApplied: [A] });
    expect(await query(databaseUrl, "SELECT id FROM ok_table")).toEqual([{ id: 1 }]);
    const rows = await migrationRows(databaseUrl);
    expect(rows.map((r) => r.migration_name)).toEqual([A, D]);
    expect(rows[1]!.checksum).toBe(sha256OfFile(path.join(dir, D, "migration.sql")));
  });

  it("commits a migration together with its bookkeeping row: if recording it fails, the migration is undone too", async () => {
    const databaseUrl = await freshDatabase();
    const E = "20260105000000_blocks_its_own_record";
    const dir = migrationsDir({
      [A]: SQL_A,
      // Succeeds by itself, but makes the INSERT into _prisma_migrations that follows it fail.
      [E]: `CREATE TABLE ok_table (id integer PRIMARY KEY);
CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no record for you'; END $$;
CREATE TRIGGER refuse_record BEFORE INSERT ON "_prisma_migrations" FOR EACH ROW EXECUTE FUNCTION refuse_record();
`,
    });

    const error = await migrationError(migrate({ databaseUrl, migrationsDir: dir }));
    expect(error.message).toContain(E);
    expect(error.message).toContain("no record for you");
    expect(await tableExists(databaseUrl, "ok_table")).toBe(false);
    expect(await query(databaseUrl, `SELECT tgname FROM pg_trigger WHERE tgname = 'refuse_record'`)).toEqual([]);
    expect((await migrationRows(databaseUrl)).map((r) => r.migration_name)).toEqual([A]);
  });

  it("refuses to go on past a migration Prisma left failed, and re-applies one marked rolled back", async () => {
    const databaseUrl = await freshDatabase();
    const dir = migrationsDir({ [A]: SQL_A, [B]: SQL_B });
    await migrate({ databaseUrl, migrationsDir: migrationsDir({ [A]: SQL_A }) });
    const checksumB = sha256OfFile(path.join(dir, B, "migration.sql"));
    // What `prisma migrate deploy` leaves when B fails: a row with neither finished_at nor rolled_back_at.
    await query(
      databaseUrl,
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, $1, NULL, $2, 'Database error: …', NULL, now(), 0)`,
      [checksumB, B],
    );

    const error = await migrationError(migrate({ databaseUrl, migrationsDir: dir }));
    expect(error.message).toContain(B);
    expect(error.message).toContain("prisma migrate resolve");
    expect(await tableExists(databaseUrl, "b")).toBe(false);

    // `prisma migrate resolve --rolled-back` sets rolled_back_at: the row no longer counts and B is applied again.
    await query(databaseUrl, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [B]);
    const result = await migrate({ databaseUrl, migrationsDir: dir });
    expect(result).toEqual({ applied: [B], alreadyApplied: [A] });
    expect(await tableExists(databaseUrl, "b")).toBe(true);
    const rows = await query<MigrationRow>(databaseUrl, `SELECT * FROM "_prisma_migrations" WHERE migration_name = $1 ORDER BY started_at`, [B]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.rolled_back_at).toBeInstanceOf(Date);
    expect(rows[1]).toMatchObject({ rolled_back_at: null, checksum: checksumB, applied_steps_count: 1 });
    expect(rows[1]!.finished_at).toBeInstanceOf(Date);

    // And the next run is a no-op: the rolled-back row is not mistaken for a pending or failed one.
    expect((await migrate({ databaseUrl, migrationsDir: dir })).applied).toEqual([]);
  });

  it("refuses a database that has a migration this folder does not know", async () => {
    const databaseUrl = await freshDatabase();
    await migrate({ databaseUrl, migrationsDir: migrationsDir({ [A]: SQL_A, [B]: SQL_B }) });
    const older = migrationsDir({ [A]: SQL_A, [C]: SQL_C });

    const error = await migrationError(migrate({ databaseUrl, migrationsDir: older }));
    expect(error.message).toContain(B);
    expect(error.message).toContain(older);
    expect(await tableExists(databaseUrl, "c")).toBe(false);
    expect((await migrationRows(databaseUrl)).map((r) => r.migration_name)).toEqual([A, B]);
  });

  it("refuses a migrations folder that does not exist", async () => {
    const missing = path.join(tmpdir(), `techex-no-such-dir-${process.pid}-${Date.now()}`);
    const error = await migrationError(migrate({ databaseUrl: "postgresql://unused@127.0.0.1:1/none", migrationsDir: missing }));
    expect(error.message).toContain(missing);
  });

  // PGlite serves every connection from one backend, where a session-level advisory lock is re-entrant:
  // it cannot exclude another connection, so these two only mean something on a real server.
  it.skipIf(!adminUrl())("waits for the advisory lock prisma migrate takes before reading or applying anything", async () => {
    const databaseUrl = await freshDatabase();
    const dir = migrationsDir({ [A]: SQL_A });
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [72707369]);
      let settled = false;
      const run = migrate({ databaseUrl, migrationsDir: dir }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(settled).toBe(false);
      expect(await tableExists(databaseUrl, "a")).toBe(false);
      expect(await tableExists(databaseUrl, "_prisma_migrations")).toBe(false);
      await holder.query("SELECT pg_advisory_unlock($1)", [72707369]);
      expect((await run).applied).toEqual([A]);
    } finally {
      await holder.end();
    }
  });

  it.skipIf(!adminUrl())("serialises concurrent runs on the same database: each migration is applied exactly once", async () => {
    const databaseUrl = await freshDatabase();
    // Slow enough that the second run starts while the first holds the lock.
    const dir = migrationsDir({ [A]: `${SQL_A}SELECT pg_sleep(0.3);\n`, [B]: SQL_B, [C]: SQL_C });

    const settled = await Promise.allSettled([migrate({ databaseUrl, migrationsDir: dir }), migrate({ databaseUrl, migrationsDir: dir })]);
    const results = settled.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });

    expect([...results[0]!.applied, ...results[1]!.applied].sort()).toEqual([A, B, C]);
    // One run did everything; the other found it done.
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 3]);
    const rows = await migrationRows(databaseUrl);
    expect(rows.map((r) => r.migration_name)).toEqual([A, B, C]);
    expect(await query(databaseUrl, "SELECT count(*)::int AS n FROM a")).toEqual([{ n: 1 }]);
  });

  it("applies the project's own migrations, and setupDatabase is a no-op the second time", async () => {
    const databaseUrl = await freshDatabase();
    const names = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(names.length).toBeGreaterThan(0);

    const first = await setupDatabase(databaseUrl);
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    const rows = await migrationRows(databaseUrl);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) expect(row.checksum).toBe(sha256OfFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql")));
    const counts = async () =>
      (
        await query<{ sectors: number; provinces: number; roles: number; permissions: number; grants: number }>(
          databaseUrl,
          `SELECT (SELECT count(*)::int FROM "Sector") AS sectors, (SELECT count(*)::int FROM "Province") AS provinces,
                  (SELECT count(*)::int FROM "Role") AS roles, (SELECT count(*)::int FROM "Permission") AS permissions,
                  (SELECT count(*)::int FROM "RolePermission") AS grants`,
        )
      )[0]!;
    const countsBefore = await counts();
    expect(countsBefore).toMatchObject({ provinces: 34, roles: 3 });
    expect(await tableExists(databaseUrl, "Listing")).toBe(true);
    expect(
      await query(databaseUrl, `SELECT to_regclass('graphile_worker.jobs')::text IS NOT NULL AS ok`),
    ).toEqual([{ ok: true }]);

    const second = await setupDatabase(databaseUrl);
    expect(second.applied).toEqual([]);
    expect([...second.alreadyApplied].sort()).toEqual(names);
    expect(await migrationRows(databaseUrl)).toEqual(rows);
    expect(await counts()).toEqual(countsBefore);
  });
});
