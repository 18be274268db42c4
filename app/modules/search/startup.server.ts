import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { ensureListingsIndex, listingsIndex } from "./index.server.ts";
import { reindexAll } from "./sync.server.ts";

/**
 * At start: the index exists with current settings, and an empty index next to a
 * database with public listings (new Meilisearch, restored database, demo data)
 * is filled by a full reindex. Search being down does not stop the app.
 */
export async function prepareSearch(log: (line: string) => void = () => {}) {
  try {
    await ensureListingsIndex();
    const [indexed, published] = await Promise.all([listingsIndex().getStats().then((s) => s.numberOfDocuments), prisma.listing.count({ where: publicListingWhere() })]);
    if (indexed === 0 && published > 0) {
      const result = await reindexAll();
      log(`search index built: ${result.documents} listings in ${result.seconds.toFixed(1)} s`);
    }
    return true;
  } catch (error) {
    logger.warn("search is unavailable at start; pages will fall back to PostgreSQL", { error: (error as Error).message });
    return false;
  }
}
