/** `npm run db:migrate`: applies migrations, graphile-worker's schema and reference data to DATABASE_URL. */
import { EnvError, parseEnv } from "../app/lib/env.server.ts";
import { MigrationError } from "./lib/migrate.ts";
import { setupDatabase } from "./lib/setup-database.ts";

try {
  const env = parseEnv(process.env);
  if (!env.DATABASE_URL) throw new EnvError(["DATABASE_URL is required to migrate"]);
  const result = await setupDatabase(env.DATABASE_URL, (line) => console.log(line));
  console.log(`applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied`);
} catch (error) {
  if (error instanceof EnvError || error instanceof MigrationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
