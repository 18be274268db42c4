import type { CatalogueDimension, ListingType } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { LISTING_TYPES } from "./schema.ts";

/**
 * The home page's figures (listings by type and by field of science, organisations) are
 * kept in CatalogueCount instead of being counted per request: at 100,000 listings the
 * per-field count alone took half a second and spilled its sort to disk, on every visit.
 * They may lag a few seconds behind a change:
 *
 * - every listing change that the public can see queues one refresh, a few seconds ahead,
 *   under one job key (preserve_run_at), so a burst of changes (an import) is counted once
 *   per REFRESH_DELAY_SECONDS rather than once per row;
 * - the cron line below catches what no listing change announces: listings passing their
 *   expiry before the nightly listings:expire, and new organisations;
 * - a database that was never counted (fresh, or just migrated) is counted once on first
 *   read and stored, never again per request.
 */
export const REFRESH_CATALOGUE_COUNTS_TASK = "listings:refresh-catalogue-counts";
const JOB_KEY = "catalogue-counts";
/** One queue: two refreshes never run at once. */
const QUEUE = "catalogue-counts";
const REFRESH_DELAY_SECONDS = 10;
const MAX_ATTEMPTS = 5;

export const catalogueCountsCron = [`*/5 * * * * ${REFRESH_CATALOGUE_COUNTS_TASK} ?max=3&queue=${QUEUE}&jobKey=${JOB_KEY}&jobKeyMode=preserve_run_at`];

export interface CatalogueCounts {
  byType: Record<ListingType, number>;
  /** By level-1 sector code; a field with no public listing is absent. */
  bySector: Record<string, number>;
  organisations: number;
  countedAt: Date;
}

/**
 * Queues a refresh of the counts in the caller's transaction (it runs only if the change
 * commits). A refresh already waiting keeps its time, so changes never postpone it forever.
 */
export async function queueCatalogueCountsRefresh(db: Pick<Tx, "$executeRaw">, listingIds: readonly string[] = []) {
  announceCatalogueChange(listingIds);
  await db.$executeRaw`SELECT graphile_worker.add_job(
    ${REFRESH_CATALOGUE_COUNTS_TASK},
    '{}'::json,
    queue_name := ${QUEUE},
    run_at := now() + make_interval(secs => ${REFRESH_DELAY_SECONDS}),
    max_attempts := ${MAX_ATTEMPTS},
    job_key := ${JOB_KEY},
    job_key_mode := 'preserve_run_at'
  )`;
}

/**
 * What keeps a copy of public pages in memory (the home page, listing pages) forgets it here:
 * when a change the public can see is queued (with the listings it changes), and when the
 * counts are stored anew. In-process only: another process's copy ages out on its own, within
 * seconds (the counts lag as much).
 */
const catalogueChangeListeners = new Set<(listingIds: readonly string[]) => void>();

export function onCatalogueChange(listener: (listingIds: readonly string[]) => void) {
  catalogueChangeListeners.add(listener);
}

function announceCatalogueChange(listingIds: readonly string[]) {
  for (const listener of catalogueChangeListeners) listener(listingIds);
}

/** The stored counts; on a database never counted, counted once now and stored. */
export async function getCatalogueCounts(): Promise<CatalogueCounts> {
  const rows = await readRows(prisma);
  if (rows.length) return fromRows(rows);
  firstCount ??= countAndStore({ onlyIfEmpty: true }).finally(() => {
    firstCount = null;
  });
  return firstCount;
}

/** Concurrent first visits of one process share one count. */
let firstCount: Promise<CatalogueCounts> | null = null;

/** Counts the public catalogue and replaces the stored figures (the refresh job; bulk loads). */
export async function refreshCatalogueCounts(): Promise<CatalogueCounts> {
  return countAndStore({ onlyIfEmpty: false });
}

type Row = { dimension: CatalogueDimension; value: string; count: number; countedAt: Date };

function readRows(db: Tx | typeof prisma) {
  return db.catalogueCount.findMany({ select: { dimension: true, value: true, count: true, countedAt: true } });
}

function fromRows(rows: readonly Row[]): CatalogueCounts {
  const byType = Object.fromEntries(LISTING_TYPES.map((t) => [t, 0])) as Record<ListingType, number>;
  const bySector: Record<string, number> = {};
  let organisations = 0;
  for (const row of rows) {
    if (row.dimension === "LISTING_TYPE" && row.value in byType) byType[row.value as ListingType] = row.count;
    else if (row.dimension === "SECTOR") bySector[row.value] = row.count;
    else if (row.dimension === "ORGANISATIONS") organisations = row.count;
  }
  return { byType, bySector, organisations, countedAt: new Date(Math.min(...rows.map((r) => r.countedAt.getTime()))) };
}

/**
 * The counts, outside any transaction (they read the whole catalogue), then written in a
 * short one. Writers take one advisory lock; a count that started before the stored one
 * is dropped, so a slow refresh never overwrites a newer one.
 */
async function countAndStore({ onlyIfEmpty }: { onlyIfEmpty: boolean }): Promise<CatalogueCounts> {
  const countedAt = new Date();
  const rows = await countCatalogue(countedAt);
  const kept = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('techex:catalogue-counts'))`;
    const stored = await readRows(tx);
    if (stored.length && (onlyIfEmpty || stored.some((r) => r.countedAt > countedAt))) return stored;
    await tx.catalogueCount.deleteMany();
    await tx.catalogueCount.createMany({ data: rows });
    return rows;
  });
  announceCatalogueChange([]);
  return fromRows(kept);
}

/**
 * One row per listing type (zeros included, so a counted catalogue is never an empty table),
 * one per field that has public listings, one for organisations. Public is
 * publicListingWhere() in SQL. A listing in two sub-fields of one field counts once there
 * (distinct (listing, field) pairs). This reads the whole catalogue (about 0.25 s at 50,000
 * listings, its sort spilling a few MB to disk): it runs in the worker, never for a request.
 */
async function countCatalogue(now: Date): Promise<Row[]> {
  const [byType, bySector, organisations] = await Promise.all([
    prisma.$queryRaw<{ key: ListingType; count: number }[]>`
      SELECT type::text AS key, count(*)::int AS count FROM "Listing"
      WHERE status = 'PUBLISHED' AND ("expiresAt" IS NULL OR "expiresAt" > ${now})
      GROUP BY type`,
    prisma.$queryRaw<{ key: string; count: number }[]>`
      SELECT field AS key, count(*)::int AS count FROM (
        SELECT DISTINCT ls."listingId", COALESCE(s."parentCode", s.code) AS field
        FROM "ListingSector" ls
        JOIN "Sector" s ON s.code = ls."sectorCode"
        JOIN "Listing" l ON l.id = ls."listingId"
        WHERE l.status = 'PUBLISHED' AND (l."expiresAt" IS NULL OR l."expiresAt" > ${now})
      ) AS pairs
      GROUP BY field`,
    prisma.organisation.count(),
  ]);
  const typeCount = new Map(byType.map((r) => [r.key, r.count]));
  return [
    ...LISTING_TYPES.map((type) => ({ dimension: "LISTING_TYPE" as const, value: type, count: typeCount.get(type) ?? 0, countedAt: now })),
    ...bySector.map((r) => ({ dimension: "SECTOR" as const, value: r.key, count: r.count, countedAt: now })),
    { dimension: "ORGANISATIONS" as const, value: "", count: organisations, countedAt: now },
  ];
}

/**
 * After a bulk load (generator, demo data, a large import): fresh planner statistics for the
 * catalogue's tables, so the first queries after it are planned for the rows now there rather
 * than for an empty table. Autovacuum would get there too, but only after its naptime and
 * thresholds, and the load's first minutes are when benchmarks and people look. No scheduled
 * ANALYZE: autovacuum keeps statistics current under ordinary traffic, and the public-listing
 * queries are served by partial indexes whatever the statistics (migration
 * 20261203150000_catalogue_counts).
 */
export async function analyzeCatalogueTables() {
  await prisma.$executeRawUnsafe(`ANALYZE "Listing", "ListingSector", "Organisation"`);
}
