import { prisma } from "~/lib/db.server.ts";
import { logger } from "~/lib/logger.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { setCatalogueVocabulary } from "./query.ts";

/**
 * The catalogue's own phrases (titles and keywords of the newest published
 * listings) for the query's slip correction (query.ts): "sữa hạc" is corrected
 * because listings say "sữa hạt", whatever catalogue is loaded. Read in the
 * background at most every REFRESH_MS; a search never waits for it.
 */
const REFRESH_MS = 10 * 60_000;
const LISTINGS_READ = 20_000;

let loadedAt = 0;
let loading: Promise<void> | null = null;

export function refreshCatalogueVocabulary(): Promise<void> {
  loading ??= (async () => {
    try {
      const rows = await prisma.listing.findMany({
        where: publicListingWhere(),
        orderBy: { publishedAt: "desc" },
        take: LISTINGS_READ,
        select: { title: true, keywords: true },
      });
      setCatalogueVocabulary(rows.flatMap((row) => [row.title, ...row.keywords]));
      loadedAt = Date.now();
    } catch (error) {
      logger.warn("search vocabulary not refreshed", { error: (error as Error).message });
    } finally {
      loading = null;
    }
  })();
  return loading;
}

/** Starts a refresh when the vocabulary is older than REFRESH_MS; never waits for it. */
export function keepCatalogueVocabularyFresh() {
  if (!loading && Date.now() - loadedAt > REFRESH_MS) void refreshCatalogueVocabulary();
}
