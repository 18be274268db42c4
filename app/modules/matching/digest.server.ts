import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { addListingJobs } from "~/modules/jobs/add-jobs.server.ts";
import { publicListingWhere } from "~/modules/listings/catalogue.server.ts";
import { notifyOrganisations } from "~/modules/notifications/notify.server.ts";
import { NOTIFY_MIN_SCORE } from "./scoring.ts";

/**
 * Match digests (issue #11 §5): a new suggestion is not a message. It is recorded as
 * pending on the Match row (requestNotifiedAt / offerNotifiedAt null) and schedules one
 * digest job per listing; the job tells the listing's organisation about everything
 * pending at once ("3 new potential partners for …"). A full pass or an import that
 * creates hundreds of suggestions thus sends each member at most one message per
 * listing per day: the job key coalesces the burst, and a MatchDigest row per
 * (listing, day) is the guarantee even if two jobs ever run.
 */

export const MATCH_DIGEST_TASK = "matching:digest";

/** Suggestions below NOTIFY_MIN_SCORE (scoring.ts, justified on the judged set) stay on the board and the matches page, silent. */
export { NOTIFY_MIN_SCORE };
/** How long a digest waits after the first new suggestion, so a burst (import, full pass) lands in one message. */
export const DIGEST_DELAY_MS = 10 * 60_000;
/** At most this many matches are listed by name in one digest (the count says how many there are). */
const DIGEST_LISTED = 10;
const DIGEST_MAX_ATTEMPTS = 10;
/**
 * After the search outbox (0) and matching (10): graphile-worker runs smaller numbers first. An
 * import's digests fall due ten minutes after its first suggestions; run ahead of the matching
 * still waiting, they held every worker slot and matching stopped until they were sent.
 */
const DIGEST_PRIORITY = 20;
/**
 * A digest day runs from 00:00 UTC, 07:00 in Vietnam (UTC+7, no daylight saving), and
 * digests are sent only until QUIET_FROM_UTC_HOUR (22:00 in Vietnam): nobody gets a
 * "new partner" e-mail in the night, and the nightly full pass (01:00) reports at 07:00.
 */
const QUIET_FROM_UTC_HOUR = 15;

const DAY_MS = 24 * 3_600_000;
const startOfUtcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** The digest day (a UTC date) a digest sent at `at` belongs to. */
export function digestDay(at: Date): Date {
  return startOfUtcDay(at);
}

/**
 * When the digest of a listing should run, seen at `now`: after the collecting delay,
 * moved to the next morning (07:00 in Vietnam) when it would fall in quiet hours or when
 * the listing already had its digest today.
 */
export function digestRunAt(now: Date, sentToday: boolean): Date {
  const tomorrow = new Date(startOfUtcDay(now).getTime() + DAY_MS);
  if (sentToday) return tomorrow;
  const at = new Date(now.getTime() + DIGEST_DELAY_MS);
  if (at.getTime() >= tomorrow.getTime()) return at; // the delay crossed into the next digest day (before quiet hours there)
  return at.getUTCHours() >= QUIET_FROM_UTC_HOUR ? tomorrow : at;
}

/** A side of a new suggestion: what the digest needs of a listing. */
interface DigestListing {
  id: string;
  organisationId: string;
}

async function sentOn(db: Pick<Tx, "matchDigest">, listingId: string, day: Date) {
  return (await db.matchDigest.count({ where: { listingId, day } })) > 0;
}

/**
 * Schedules the digest of one listing (inside the caller's transaction). The job key
 * coalesces every suggestion of the burst into one job, and `preserve_run_at` keeps the
 * first run time, so a steady trickle of suggestions cannot postpone the digest forever.
 */
export async function scheduleMatchDigest(tx: Tx, listingId: string, now = new Date()) {
  return (await scheduleMatchDigests(tx, [listingId], now))[0]!;
}

/** scheduleMatchDigest for several listings, in two statements (a batch of new suggestions). */
export async function scheduleMatchDigests(tx: Tx, listingIds: readonly string[], now = new Date()): Promise<Date[]> {
  const ids = [...new Set(listingIds)];
  if (ids.length === 0) return [];
  const day = digestDay(now);
  const sent = new Set((await tx.matchDigest.findMany({ where: { listingId: { in: ids }, day }, select: { listingId: true } })).map((d) => d.listingId));
  const runAts = ids.map((id) => digestRunAt(now, sent.has(id)));
  await addListingJobs(tx, MATCH_DIGEST_TASK, ids, { keyPrefix: "match-digest:", maxAttempts: DIGEST_MAX_ATTEMPTS, priority: DIGEST_PRIORITY, runAt: runAts, preserveRunAt: true });
  return listingIds.map((id) => runAts[ids.indexOf(id)]!);
}

/** A new suggestion between a need and an offer, as the matcher created it. */
export interface NewSuggestion {
  need: DigestListing;
  offer: DigestListing;
  score: number;
}

/**
 * New suggestions (called by the matcher inside its transaction, with every Match it
 * created). Those below NOTIFY_MIN_SCORE stay silent; for the others, each side's listing
 * gets its digest scheduled, once however many suggestions it has. The Match rows
 * themselves are the pending record (their *NotifiedAt is null).
 */
export async function notifySuggested(tx: Tx, suggestions: readonly NewSuggestion[]) {
  const told = suggestions.filter((s) => s.score >= NOTIFY_MIN_SCORE);
  await scheduleMatchDigests(tx, told.flatMap((s) => [s.need.id, s.offer.id]));
}

export type DigestOutcome =
  | { kind: "sent"; count: number; recipients: number }
  | { kind: "nothing" }
  | { kind: "postponed"; runAt: Date }
  | { kind: "gone" };

/**
 * The digest job of one listing: tells its organisation's members, in one notification
 * (in-app and e-mail), about every pending suggestion of the listing at or above
 * NOTIFY_MIN_SCORE, and marks them told. When the listing already had its digest today,
 * it re-queues itself for tomorrow morning instead. One transaction, serialised per listing.
 */
export async function sendMatchDigest(listingId: string, now = new Date()): Promise<DigestOutcome> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`match-digest:${listingId}`}))`;
    const listing = await tx.listing.findFirst({
      where: { id: listingId, ...publicListingWhere(now) },
      select: { id: true, title: true, type: true, organisationId: true },
    });
    if (!listing) return { kind: "gone" };
    const isNeed = listing.type === "TECHNOLOGY_REQUEST";
    const side: Prisma.MatchWhereInput = isNeed
      ? { requestListingId: listing.id, requestNotifiedAt: null, offerListing: publicListingWhere(now) }
      : { offerListingId: listing.id, offerNotifiedAt: null, requestListing: publicListingWhere(now) };
    const pending = await tx.match.findMany({
      where: { ...side, status: "SUGGESTED", score: { gte: NOTIFY_MIN_SCORE } },
      orderBy: [{ score: "desc" }, { id: "asc" }],
      select: { id: true, score: true, offerListing: { select: { id: true, title: true } }, requestListing: { select: { id: true, title: true } } },
    });
    if (pending.length === 0) return { kind: "nothing" };
    const day = digestDay(now);
    if (await sentOn(tx, listing.id, day)) return { kind: "postponed", runAt: await scheduleMatchDigest(tx, listing.id, now) };
    await tx.matchDigest.create({ data: { listingId: listing.id, organisationId: listing.organisationId, day, matchCount: pending.length, sentAt: now } });
    await tx.match.updateMany({
      where: { id: { in: pending.map((m) => m.id) } },
      data: isNeed ? { requestNotifiedAt: now } : { offerNotifiedAt: now },
    });
    const recipients = await notifyOrganisations(tx, [listing.organisationId], {
      type: "MATCH_DIGEST",
      data: {
        listingId: listing.id,
        listingTitle: listing.title,
        count: pending.length,
        matches: pending.slice(0, DIGEST_LISTED).map((m) => {
          const other = isNeed ? m.offerListing : m.requestListing;
          return { listingId: other.id, title: other.title, score: m.score };
        }),
      },
      url: `/listings/${listing.id}/matches`,
    });
    return { kind: "sent", count: pending.length, recipients };
  });
}
