import { prisma } from "~/lib/db.server.ts";

/**
 * One hash per table of the app's schema (and graphile-worker's job table), over every row:
 * equal before and after means the requests in between changed nothing at all.
 */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND (table_schema = 'public' OR (table_schema = 'graphile_worker' AND table_name = '_private_jobs'))
      ORDER BY 1`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await prisma.$queryRawUnsafe<{ hash: string | null; n: bigint }[]>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS hash, count(*) AS n FROM ${name} t`);
    result[name] = `${row!.n}:${row!.hash ?? "-"}`;
  }
  return result;
}
