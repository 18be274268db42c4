import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createMigratedDatabase } from "./databases.ts";

/**
 * Every test file runs against its own freshly migrated database and its own
 * Meilisearch index prefix, so files never see each other's rows.
 */
const database = await createMigratedDatabase();
process.env.DATABASE_URL = database.url;
process.env.MEILI_INDEX_PREFIX = `t${randomBytes(4).toString("hex")}_`;
// E-mail is written as .eml files into a folder of this file's own (no SMTP_URL in tests).
const mailOutbox = mkdtempSync(path.join(tmpdir(), "techex-mail-"));
process.env.MAIL_OUTBOX_DIR = mailOutbox;
delete process.env.SMTP_URL;

afterAll(async () => {
  const { disconnectDb } = await import("../../app/lib/db.server.ts");
  await disconnectDb();
  await database.drop();
  rmSync(mailOutbox, { recursive: true, force: true });
});
