import { createHash } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import synonymGroups from "~/modules/search/synonyms.json";
import { listingTerms, type TermCounts } from "./text.ts";

/**
 * Matching's own inverted index in PostgreSQL (docs/matching.md "Candidates"; issue #11 §6):
 * every published listing's terms (text.ts: syllables, two-syllable terms, synonym concepts)
 * in MatchTerm, one row per (side, term, weight, listing), so "the 30 offers that use this term
 * most" is one backward walk of the primary key. Candidates for matching and related listings
 * come from here, not from Meilisearch: matching used to send thousands of phrase searches to
 * Meilisearch during an import, and they competed with the index writes that make listings
 * visible (and a stalled Meilisearch stopped matching).
 *
 * Kept in line with the listings by the search outbox (syncMatchTerms for each batch of
 * changed listings, next to the document write), and by reconcileMatchTerms after a reindex,
 * in the scheduled reconcile pass and before the nightly full pass (new rows, stale rows,
 * rows of listings that stopped being public, rows of another vocabulary).
 */

/** Bump when termsOf or the weights change in a way that changes stored terms. */
const TERMS_VERSION = "1";

let vocabularyKey: string | null = null;

/** The stored terms' vocabulary: the synonym groups (concepts are group numbers) and the terms' version. */
export function termVocabulary(): string {
  vocabularyKey ??= createHash("sha256").update(TERMS_VERSION).update(JSON.stringify(synonymGroups)).digest("hex").slice(0, 16);
  return vocabularyKey;
}

/** A term's key in MatchTerm: 32-bit FNV-1a of the term. A rare collision only adds a candidate, which is then judged on the texts. */
export function termKey(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** What is stored of a listing's terms: key → twice its weighted count (an integer; title and keywords count double). */
export function storedTerms(bag: TermCounts): Map<number, number> {
  const stored = new Map<number, number>();
  for (const [term, count] of bag) {
    const key = termKey(term);
    stored.set(key, Math.min(32_767, (stored.get(key) ?? 0) + Math.round(count * 2)));
  }
  for (const [key, weight] of stored) if (weight <= 0) stored.delete(key);
  return stored;
}

const termsSelect = {
  id: true,
  type: true,
  organisationId: true,
  title: true,
  keywords: true,
  summary: true,
  problemStatement: true,
  applications: true,
  updatedAt: true,
} satisfies Prisma.ListingSelect;

/** Takes per-listing advisory locks in one fixed order, so two syncs of overlapping listings wait, never deadlock. */
async function lockListings(tx: Tx, ids: readonly string[]) {
  const keys = [...new Set(ids)].map((id) => `terms:${id}`);
  await tx.$queryRaw`SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtext(x) AS k FROM unnest(${keys}::text[]) AS x ORDER BY 1 OFFSET 0) AS ordered) AS locked`;
}

/** Removes these listings' term rows and their source rows (inside a transaction holding their locks). */
async function clearTerms(tx: Tx, ids: readonly string[]) {
  if (ids.length === 0) return;
  await tx.$executeRaw`DELETE FROM "MatchTerm" AS t USING (
      SELECT s."need", s."seq", o.term, o.weight FROM "MatchTermSource" AS s
      CROSS JOIN LATERAL unnest(s."terms", s."weights") AS o(term, weight)
      WHERE s."listingId" = ANY(${ids}::text[])
    ) AS old
    WHERE t."need" = old."need" AND t."term" = old.term AND t."weight" = old.weight AND t."seq" = old."seq"`;
  await tx.matchTermSource.deleteMany({ where: { listingId: { in: [...ids] } } });
}

export interface TermsSync {
  /** Listings whose terms were (re)written. */
  written: number;
  /** Listings whose terms were removed (no longer public, or gone). */
  removed: number;
}

/**
 * Brings these listings' terms in line with the database: a public listing whose terms are
 * missing, of an older version of it or of another vocabulary gets them (re)written; a listing
 * that is not public (or gone) loses them; the rest is left as it is. One transaction; running
 * it twice changes nothing.
 */
export async function syncMatchTerms(ids: readonly string[]): Promise<TermsSync> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { written: 0, removed: 0 };
  const vocabulary = termVocabulary();
  return prisma.$transaction(
    async (tx) => {
      await lockListings(tx, unique);
      const [rows, sources] = await Promise.all([
        tx.listing.findMany({ where: { id: { in: unique }, ...publicListingWhere() }, select: termsSelect }),
        tx.matchTermSource.findMany({ where: { listingId: { in: unique } }, select: { listingId: true, listingUpdatedAt: true, vocabulary: true } }),
      ]);
      const known = new Map(sources.map((s) => [s.listingId, s]));
      const stale = rows.filter((row) => {
        const source = known.get(row.id);
        return !source || source.listingUpdatedAt.getTime() !== row.updatedAt.getTime() || source.vocabulary !== vocabulary;
      });
      const isPublic = new Set(rows.map((r) => r.id));
      const gone = sources.filter((s) => !isPublic.has(s.listingId)).map((s) => s.listingId);
      await clearTerms(tx, [...gone, ...stale.filter((r) => known.has(r.id)).map((r) => r.id)]);
      if (stale.length > 0) {
        await tx.matchTermSource.createMany({
          data: stale.map((row) => {
            const stored = storedTerms(listingTerms(row));
            return {
              listingId: row.id,
              need: row.type === "TECHNOLOGY_REQUEST",
              organisationId: row.organisationId,
              terms: [...stored.keys()],
              weights: [...stored.values()],
              listingUpdatedAt: row.updatedAt,
              vocabulary,
            };
          }),
        });
        const staleIds = stale.map((r) => r.id);
        await tx.$executeRaw`INSERT INTO "MatchTerm" ("need", "term", "weight", "seq")
          SELECT s."need", o.term, o.weight, s."seq" FROM "MatchTermSource" AS s
          CROSS JOIN LATERAL unnest(s."terms", s."weights") AS o(term, weight)
          WHERE s."listingId" = ANY(${staleIds}::text[])
          ON CONFLICT DO NOTHING`;
      }
      return { written: stale.length, removed: gone.length };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

const RECONCILE_CHUNK = 500;

/**
 * The whole table brought in line with the database (after a reindex, in the scheduled
 * reconcile pass, before the nightly full pass, and at start when a deploy changed the
 * vocabulary): public listings with missing or stale terms get them, and the terms of
 * listings no longer public (or deleted) go. A chunk of listings per transaction.
 */
export async function reconcileMatchTerms(options: { log?: (line: string) => void } = {}): Promise<TermsSync> {
  const vocabulary = termVocabulary();
  const now = new Date();
  const [stale, extra] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`
      SELECT l."id" FROM "Listing" AS l LEFT JOIN "MatchTermSource" AS s ON s."listingId" = l."id"
      WHERE l."status" = 'PUBLISHED' AND (l."expiresAt" IS NULL OR l."expiresAt" > ${now})
        AND (s."listingId" IS NULL OR s."listingUpdatedAt" <> l."updatedAt" OR s."vocabulary" <> ${vocabulary})`,
    prisma.$queryRaw<{ id: string }[]>`
      SELECT s."listingId" AS id FROM "MatchTermSource" AS s
      LEFT JOIN "Listing" AS l ON l."id" = s."listingId" AND l."status" = 'PUBLISHED' AND (l."expiresAt" IS NULL OR l."expiresAt" > ${now})
      WHERE l."id" IS NULL`,
  ]);
  const ids = [...stale, ...extra].map((r) => r.id);
  const total: TermsSync = { written: 0, removed: 0 };
  for (let i = 0; i < ids.length; i += RECONCILE_CHUNK) {
    const done = await syncMatchTerms(ids.slice(i, i + RECONCILE_CHUNK));
    total.written += done.written;
    total.removed += done.removed;
    if (ids.length > RECONCILE_CHUNK) options.log?.(`matching terms: ${Math.min(i + RECONCILE_CHUNK, ids.length)} of ${ids.length} listings`);
  }
  return total;
}

export interface TermQuery {
  /** Terms (text.ts term strings: "sấy lạnh", "@12"), most telling first. */
  terms: readonly string[];
  /** Which side to look in: needs (technology requests), offers (technology and equipment), or both. */
  sides: readonly ("need" | "offer")[];
  /** Leaves out this organisation's listings. */
  excludeOrganisationId?: string | null;
}

/**
 * For each query, the listings that use its terms most: per term and side the `limit`
 * heaviest (newest first among equals), merged; one statement for all the queries.
 * Only listings with stored terms (public when last synced) are found; callers read the
 * candidates' rows with the public condition anyway.
 */
export async function findTermCandidates(queries: readonly TermQuery[], limit = 30): Promise<string[][]> {
  const index: number[] = [];
  const keys: number[] = [];
  const needs: boolean[] = [];
  const orgs: (string | null)[] = [];
  queries.forEach((query, i) => {
    for (const key of new Set(query.terms.map(termKey))) {
      for (const side of query.sides) {
        index.push(i);
        keys.push(key);
        needs.push(side === "need");
        orgs.push(query.excludeOrganisationId ?? null);
      }
    }
  });
  const found = queries.map(() => new Set<string>());
  if (index.length === 0) return found.map(() => []);
  const rows = await prisma.$queryRaw<{ i: number; listingId: string }[]>`
    SELECT q.i, c."listingId" FROM unnest(${index}::int[], ${keys}::int[], ${needs}::bool[], ${orgs}::text[]) AS q(i, term, need, org)
    CROSS JOIN LATERAL (
      SELECT s."listingId" FROM "MatchTerm" AS t JOIN "MatchTermSource" AS s ON s."seq" = t."seq"
      WHERE t."need" = q.need AND t."term" = q.term AND s."organisationId" IS DISTINCT FROM q.org
      ORDER BY t."weight" DESC, t."seq" DESC
      LIMIT ${limit}
    ) AS c`;
  for (const row of rows) found[row.i]!.add(row.listingId);
  return found.map((ids) => [...ids]);
}
