/**
 * `npm run import -- FILE --user EMAIL [--organisation ORG_ID] [--lang vi|en]`:
 * imports a JSON or CSV catalogue (docs/import-format.md) as a broker or admin,
 * prints each bad row with its line and reasons and a summary line, and exits 1
 * when the file was refused or any row failed.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createInstance, type TFunction } from "i18next";
import { z } from "zod";
import { disconnectDb, prisma } from "../app/lib/db.server.ts";
import { loadActor } from "../app/modules/auth/actor.server.ts";
import { holds } from "../app/modules/auth/permissions.ts";
import { i18nOptions } from "../app/modules/i18n/config.ts";
import { resources } from "../app/modules/i18n/resources.server.ts";
import { decodeCatalogue, IMPORT_LIMITS, importCatalogue, type ImportMessage, type ImportReport } from "../app/modules/listings/import.server.ts";

const argsSchema = z.object({
  file: z.string().min(1),
  user: z.string().trim().toLowerCase().email(),
  organisation: z.string().trim().min(1).optional(),
  lang: z.enum(["vi", "en"]).default("en"),
});

function readArgs() {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { user: { type: "string" }, organisation: { type: "string" }, lang: { type: "string" } },
    });
    const parsed = argsSchema.safeParse({ ...values, file: positionals[0] });
    return parsed.success && positionals.length === 1 ? parsed.data : null;
  } catch {
    return null;
  }
}

async function translator(lang: "vi" | "en"): Promise<TFunction> {
  const i18n = createInstance();
  await i18n.init({ ...i18nOptions, lng: lang, resources });
  return i18n.t;
}

function printReport(t: TFunction, report: ImportReport) {
  const say = (m: ImportMessage) => t(m.message, m.values ?? {});
  for (const row of report.rows) {
    if (row.status !== "failed") continue;
    const reasons = row.errors.map((e) => (e.field ? `${e.field}: ${say(e)}` : say(e))).join("; ");
    const where = t(`import.report.lineLabel.${report.format ?? "csv"}`, { line: row.line });
    console.log(t("import.cli.rowFailed", { where, externalRef: row.externalRef ?? "–", reasons }));
  }
  console.log(
    t("import.cli.summary", {
      fileName: report.fileName,
      total: report.total,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      failed: report.failed,
      id: report.importRunId,
    }),
  );
}

async function main(): Promise<number> {
  const args = readArgs();
  const t = await translator(args?.lang ?? "en");
  if (!args) {
    console.error(t("import.cli.usage"));
    return 1;
  }
  const fileName = path.basename(args.file);
  const refused = (message: ImportMessage) => {
    console.error(t("import.cli.refused", { fileName, reason: t(message.message, message.values ?? {}) }));
    return 1;
  };

  const user = await prisma.user.findFirst({ where: { email: args.user, disabledAt: null }, select: { id: true } });
  const actor = user ? await loadActor(user.id) : null;
  if (!actor) {
    console.error(t("import.cli.noUser", { email: args.user }));
    return 1;
  }
  if (!holds(actor, "listing:import:any")) {
    console.error(t("import.cli.notBroker", { email: args.user }));
    return 1;
  }
  // Refuse a huge file before reading it into memory.
  if (statSync(args.file).size > IMPORT_LIMITS.bytes) return refused({ message: "import.refused.tooLarge", values: { max: IMPORT_LIMITS.bytes / 1_000_000 } });
  const content = decodeCatalogue(readFileSync(args.file));
  if (content === null) return refused({ message: "import.refused.notUtf8" });

  const report = await importCatalogue(actor, { fileName, content, defaultOrganisationId: args.organisation });
  if (report.refused) return refused(report.refused);
  printReport(t, report);
  return report.failed > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await disconnectDb();
}
