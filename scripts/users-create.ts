/**
 * `npm run users:create -- --email E --name N --role admin|broker|member [--organisation ID] [--lang vi|en]`:
 * creates an account, verified, and prints a one-time link (APP_URL/password/…, 72 hours) where
 * its owner sets the first password; or promotes an existing account (adds the roles it lacks,
 * keeps its password, prints no link). A broker needs --organisation, the id of a BROKER_CENTER
 * organisation (or must already belong to one). Exit status: 0 done, 1 refused, 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { disconnectDb } from "../app/lib/db.server.ts";
import { env } from "../app/lib/env.server.ts";
import { createOrPromoteAccount } from "../app/modules/auth/operators.server.ts";
import { createAccountSchema } from "../app/modules/auth/schema.ts";
import { i18nextFor } from "../app/modules/i18n/i18n.server.ts";
import { absoluteUrl } from "../app/modules/notifications/render.server.ts";

const USAGE = `usage: npm run users:create -- --email E --name "N" --role admin|broker|member [--organisation ID] [--lang vi|en]
  admin   the platform operator (the first one is made this way)
  broker  a broker of a BROKER_CENTER organisation: --organisation ID of that organisation
  member  an ordinary account (--organisation ID makes it a member of that organisation)`;

/** The arguments, or the messages that say what is wrong with them. */
function readArgs(argv: string[]) {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, organisation: { type: "string" }, lang: { type: "string" } },
    }));
  } catch (error) {
    return { ok: false as const, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const parsed = createAccountSchema.safeParse(values);
  if (parsed.success) return { ok: true as const, args: parsed.data };
  const en = i18nextFor("en");
  return { ok: false as const, problems: parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message === "Required" ? "is required" : en.t(i.message)}`) };
}

const REFUSED = {
  "unknown-organisation": "no organisation has the id given with --organisation",
  "broker-needs-centre": "a broker must belong to a BROKER_CENTER organisation: give its id with --organisation",
  disabled: "that account is disabled; enable it on /admin/users first",
} as const;

async function main(): Promise<number> {
  const read = readArgs(process.argv.slice(2));
  if (!read.ok) {
    for (const problem of read.problems) console.error(problem);
    console.error(USAGE);
    return 2;
  }
  const { args } = read;
  const result = await createOrPromoteAccount(args);
  if (!result.ok) {
    console.error(`refused: ${REFUSED[result.reason]}`);
    return 1;
  }
  if (!result.created) {
    console.log(
      result.rolesAdded.length
        ? `promoted ${args.email}: added ${result.rolesAdded.join(", ")}. The account keeps its password (forgotten? /forgot-password).`
        : `${args.email} already holds the ${args.role} role; nothing changed.`,
    );
    return 0;
  }
  console.log(`created ${args.role} account ${args.email} (${args.name}), e-mail address marked verified.`);
  console.log(`Send this one-time link to its owner to set the password (it works once, until ${result.link!.expiresAt.toISOString()}):`);
  console.log(`  ${absoluteUrl(result.link!.path)}`);
  if (!env().APP_URL) console.log("APP_URL is not set, so the link uses this machine's address; set APP_URL to the public origin for links that work elsewhere.");
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await disconnectDb();
}
