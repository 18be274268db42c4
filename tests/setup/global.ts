import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedMeilisearch } from "../../scripts/lib/embedded-meilisearch.ts";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { MIGRATIONS_DIR, ROOT, setupDatabase } from "../../scripts/lib/setup-database.ts";
import { fingerprint, onAdmin, withDatabase } from "./databases.ts";

/** What the template depends on: a change to any of these builds a new one. */
function templateFingerprint() {
  const files = [
    ...readdirSync(MIGRATIONS_DIR, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((f) => path.join(MIGRATIONS_DIR, f)),
    path.join(ROOT, "prisma/reference/sectors.json"),
    path.join(ROOT, "prisma/reference/provinces.json"),
    path.join(ROOT, "app/modules/auth/permissions.ts"),
    path.join(ROOT, "node_modules/graphile-worker/package.json"),
  ];
  return fingerprint(files.map((f) => readFileSync(f)));
}

export default async function globalSetup() {
  const work = mkdtempSync(path.join(tmpdir(), "techex-test-"));
  process.env.NODE_ENV = "test";
  process.env.SESSION_SECRET ??= "test-session-secret-that-is-long-enough-0123456789";
  process.env.DATA_DIR = path.join(work, "data");
  process.env.LOG_LEVEL ??= "warn";

  const meili = await startEmbeddedMeilisearch({ dataDir: path.join(work, "meilisearch") });
  process.env.MEILI_HOST = meili.host;
  process.env.MEILI_MASTER_KEY = meili.masterKey;

  let stopPg: (() => Promise<void>) | undefined;
  const configured = process.env.DATABASE_URL;
  if (configured) {
    // Each file clones this template (CREATE DATABASE … TEMPLATE), which takes milliseconds.
    const template = `techex_template_${templateFingerprint()}`;
    await onAdmin(configured, async (client) => {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (rowCount) return;
      const building = `${template}_build_${process.pid}`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      await setupDatabase(withDatabase(configured, building));
      await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`).catch(async (error) => {
        // Another run built it first; ours is redundant.
        await client.query(`DROP DATABASE IF EXISTS ${building}`);
        if (!String(error.message).includes("already exists")) throw error;
      });
    });
    process.env.TECHEX_TEST_ADMIN_URL = configured;
    process.env.TECHEX_TEST_TEMPLATE = template;
  } else {
    const embedded = await startEmbeddedPostgres({});
    await setupDatabase(embedded.url);
    const dump = path.join(work, "template.tar");
    writeFileSync(dump, Buffer.from(await (await embedded.dump()).arrayBuffer()));
    await embedded.stop();
    process.env.TECHEX_TEST_PGLITE_DUMP = dump;
  }
  // No file may use the configured database itself.
  delete process.env.DATABASE_URL;

  return async () => {
    await meili.stop();
    await stopPg?.();
    rmSync(work, { recursive: true, force: true });
  };
}
