import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { documentVocabulary } from "./document.server.ts";
import { ensureListingsIndex, listingsIndex } from "./index.server.ts";
import { reindexAll } from "./sync.server.ts";

/**
 * At start: the index exists with current settings, and an empty index next to a
 * database with public listings (new Meilisearch, restored database, demo data)
 * is filled by a full reindex, as is an index holding documents built with another
 * vocabulary (a deploy changed synonyms.json, vocabulary.json or the document's shape:
 * documents carry the synonyms they match, so they must be rebuilt; search keeps
 * answering from the old index until the new one is swapped in). Search being down
 * does not stop the app.
 */
export async function prepareSearch(log: (line: string) => void = () => {}) {
  try {
    await ensureListingsIndex();
    const [indexed, published] = await Promise.all([listingsIndex().getStats().then((s) => s.numberOfDocuments), prisma.listing.count({ where: publicListingWhere() })]);
    const outdated = indexed > 0 ? await documentsOfOtherVocabulary() : 0;
    if ((indexed === 0 && published > 0) || outdated > 0) {
      if (outdated > 0) logger.info("search documents were built with another vocabulary; rebuilding the index", { outdated, vocabulary: documentVocabulary() });
      const result = await reindexAll();
      log(`search index built: ${result.documents} listings in ${result.seconds.toFixed(1)} s`);
    }
    return true;
  } catch (error) {
    logger.warn("search is unavailable at start; pages will fall back to PostgreSQL", { error: (error as Error).message });
    return false;
  }
}

/** How many documents were built with another vocabulary than this code's (or before documents carried one). */
async function documentsOfOtherVocabulary(): Promise<number> {
  const { estimatedTotalHits } = await listingsIndex().search("", { filter: `vocabulary NOT EXISTS OR vocabulary != ${JSON.stringify(documentVocabulary())}`, limit: 0 });
  return estimatedTotalHits ?? 0;
}
