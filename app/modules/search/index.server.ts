import { readFileSync } from "node:fs";
import type { Index, Settings } from "meilisearch";
import { logger } from "~/lib/logger.server.ts";
import { indexName, meili } from "~/lib/meili.server.ts";
import type { ListingDocument } from "./document.server.ts";
import { conceptSynonyms } from "./query.ts";

export const LISTINGS = "listings";

/** The domain vocabulary (vi ↔ en, everyday ↔ technical) as Meilisearch's multi-way synonyms. */
export function loadSynonyms(): Record<string, string[]> {
  const groups = JSON.parse(readFileSync(new URL("./synonyms.json", import.meta.url), "utf8")) as string[][];
  const synonyms: Record<string, string[]> = {};
  // A term in two groups ("gạo": rice, milled rice) gets both groups' terms, not the last one's.
  for (const group of groups) for (const term of group) synonyms[term] = [...new Set([...(synonyms[term] ?? []), ...group.filter((other) => other !== term)])];
  return synonyms;
}

/** Index settings (DESIGN.md §5), applied at start and to every new index. */
export function listingIndexSettings(): Settings {
  return {
    // Searched in this order of importance.
    searchableAttributes: ["title", "keywords", "summary", "folded", "sectorLabels", "organisationName", "provinceNames", "concepts", "description", "descriptionConcepts", "marked"],
    filterableAttributes: [
      "type",
      "sectorCodes",
      "provinceCode",
      "trl",
      "minTrl",
      "ipStatus",
      "transferModes",
      "condition",
      "priceVnd",
      "featured",
      "language",
      "organisationId",
      "verified",
      "countryCode",
      "publishedAt",
      // Documents built with an older vocabulary are found by it at start (startup.server.ts).
      "vocabulary",
    ],
    sortableAttributes: ["publishedAt", "priceVnd", "trl"],
    // Featured listings come first among results that are otherwise equally relevant.
    rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness", "featuredRank:desc"],
    // A marked spelling (query.ts markedToken) is one exact word: one letter off is another word.
    typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 }, disableOnAttributes: ["marked"] },
    pagination: { maxTotalHits: 10_000 },
    faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { "*": "count" } },
    // The page never searches inside facet values; not building that structure speeds indexing.
    facetSearch: false,
    // The domain synonyms, and each everyday-problem concept token → the terms listings use (query.ts).
    synonyms: { ...loadSynonyms(), ...conceptSynonyms() },
    displayedAttributes: ["*"],
  };
}

export function listingsIndex(uid = indexName(LISTINGS)): Index<ListingDocument> {
  return meili().index<ListingDocument>(uid);
}

/** Creates the index if missing and applies the settings; idempotent. */
export async function ensureListingsIndex(uid = indexName(LISTINGS)) {
  const client = meili();
  try {
    await client.getIndex(uid);
  } catch {
    const task = await client.createIndex(uid, { primaryKey: "id" }).waitTask({ timeout: 30_000 });
    if (task.status !== "succeeded" && task.error?.code !== "index_already_exists") {
      throw new Error(`creating index ${uid} failed: ${task.error?.message ?? task.status}`);
    }
  }
  const task = await client.index(uid).updateSettings(listingIndexSettings()).waitTask({ timeout: 60_000 });
  if (task.status !== "succeeded") throw new Error(`settings of ${uid} failed (task ${task.uid}): ${task.error?.message ?? task.status}`);
  logger.debug("search index ready", { uid, task: task.uid });
}
