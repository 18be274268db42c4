import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { listingTerms, termStats, type TermStats } from "./text.ts";

/**
 * Term statistics (document frequencies) for the IDF weights of text.ts, counted over the
 * most recently changed published listings (at most SAMPLE of them: enough for stable
 * weights, cheap at 100,000 listings) and kept in memory for TTL_MS. After that the old
 * figures keep serving while one refresh runs in the background.
 */
const SAMPLE = 5_000;
const TTL_MS = 10 * 60_000;
/** A young catalogue changes its statistics quickly: recount sooner while it is small. */
const SMALL_CATALOGUE = 500;
const SMALL_TTL_MS = 5_000;

let cached: { stats: TermStats; at: number } | null = null;
let refreshing: Promise<TermStats> | null = null;

async function count(): Promise<TermStats> {
  const rows = await prisma.listing.findMany({
    where: publicListingWhere(),
    orderBy: { updatedAt: "desc" },
    take: SAMPLE,
    select: { title: true, keywords: true, summary: true, problemStatement: true, applications: true },
  });
  return termStats(rows.map(listingTerms));
}

function refresh(): Promise<TermStats> {
  refreshing ??= count()
    .then((stats) => {
      cached = { stats, at: Date.now() };
      return stats;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** The current term statistics; counted on first use, then refreshed in the background. */
export async function getTermStats(): Promise<TermStats> {
  if (!cached) return refresh();
  const ttl = cached.stats.documents < SMALL_CATALOGUE ? SMALL_TTL_MS : TTL_MS;
  if (Date.now() - cached.at > ttl) {
    refresh().catch((error: unknown) => logger.warn("matching term statistics not refreshed", { error: String(error) }));
  }
  return cached.stats;
}

/** Forgets the statistics (tests, evaluation after a bulk load). */
export function resetTermStats() {
  cached = null;
}
