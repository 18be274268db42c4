import { beforeAll, describe, expect, it, vi } from "vitest";
import { meili } from "~/lib/meili.server.ts";
import { documentVocabulary, type ListingDocument } from "~/modules/search/document.server.ts";
import { ensureListingsIndex, listingsIndex } from "~/modules/search/index.server.ts";
import { prepareSearch } from "~/modules/search/startup.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { createListing, createOrganisation } from "./factories/index.ts";

/**
 * At start the index is made whole: built when empty, and rebuilt when its documents were made
 * with another vocabulary (documents carry the synonym phrases they match, so a deploy that
 * changes synonyms.json or vocabulary.json leaves them stale, and reconcile cannot see it).
 */
const ids: string[] = [];

beforeAll(async () => {
  await ensureListingsIndex();
  const organisation = await createOrganisation();
  ids.push((await createListing(organisation.id, { title: "Máy bóc vỏ hạt điều tự động" })).id);
  ids.push((await createListing(organisation.id, { title: "Hệ thống cảnh báo sớm sạt lở đất" })).id);
});

const vocabularies = async () => (await listingsIndex().getDocuments({ fields: ["id", "vocabulary"], limit: 100 })).results.map((d) => d.vocabulary);

describe("prepareSearch", () => {
  it("builds an empty index from the database", async () => {
    expect((await listingsIndex().getStats()).numberOfDocuments).toBe(0);
    expect(await prepareSearch()).toBe(true);
    expect(await vocabularies()).toEqual([documentVocabulary(), documentVocabulary()]);
  });

  it("leaves an index of the current vocabulary alone", async () => {
    const swaps = vi.spyOn(meili(), "swapIndexes");
    try {
      expect(await prepareSearch()).toBe(true);
      expect(swaps).not.toHaveBeenCalled();
    } finally {
      swaps.mockRestore();
    }
  });

  it("rebuilds an index whose documents were made with another vocabulary, or before documents named theirs", async () => {
    const [older, unnamed] = (await listingsIndex().getDocuments({ limit: 2 })).results;
    const { vocabulary: _, ...withoutVocabulary } = unnamed!;
    await listingsIndex().deleteDocument(unnamed!.id).waitTask({ timeout: 60_000 });
    await listingsIndex().addDocuments([{ ...older!, vocabulary: "0123456789abcdef", concepts: [] }, withoutVocabulary as ListingDocument]).waitTask({ timeout: 60_000 });
    expect((await vocabularies()).filter((v) => v === documentVocabulary())).toEqual([]);
    expect(await prepareSearch()).toBe(true);
    expect(await vocabularies()).toEqual([documentVocabulary(), documentVocabulary()]);
    const rebuilt = await listingsIndex().getDocument(older!.id);
    expect(rebuilt.concepts.length).toBeGreaterThan(0);
    // The outbox writes the current vocabulary too.
    expect(await syncListing(ids[0]!)).toBe("upserted");
    expect(await vocabularies()).toEqual([documentVocabulary(), documentVocabulary()]);
  });
});
