import pg from "pg";

/** The p-th percentile (nearest rank) of a list of timings. */
export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A scratch database next to `adminUrl`'s: its URL, and how to (re)create and drop it. */
export function scratchDatabase(adminUrl: string, name: string, url = `${adminUrl.replace(/\/[^/]*$/, "")}/${name}`) {
  const onAdmin = async (sql: string[]) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      for (const statement of sql) await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  return {
    url,
    recreate: () => onAdmin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]),
    drop: () => onAdmin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

/** How many generated listings (prisma/seed/synthetic.ts, externalRef SYN-…) a database holds; 0 when it does not exist yet or has no such table. */
export async function syntheticListingCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return 0; // no such database yet
  }
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Listing" WHERE "externalRef" LIKE 'SYN-%'`);
    return Number(rows[0]!.n);
  } catch {
    return 0;
  } finally {
    await client.end();
  }
}
