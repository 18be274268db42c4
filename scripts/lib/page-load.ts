/**
 * Concurrent page load on a database, the way visitors' pages load it, for a benchmark to
 * measure something else under (bench:reports). Run as its own process, so the load has its own
 * event loop and pool, as another app instance's would:
 *
 *   node --import tsx scripts/lib/page-load.ts   (DATABASE_URL, PAGE_LOAD_LOOPS)
 *
 * PAGE_LOAD_LOOPS loops (default 8) each load, back to back with no pause, the data of an
 * anonymous visitor's pages in turn: the home page, a listing page (the listing, its related
 * listings, attachments and NDA panel) and the search page's share of the database (its filter
 * options; the search itself is Meilisearch's work, not the database's). Every second it writes
 * one JSON line to stdout: `{ "pages": <loaded so far>, "errors": <failed so far> }`. It stops
 * on SIGTERM or when stdin closes.
 */
import { disconnectDb, prisma } from "../../app/lib/db.server.ts";
import { getNdaPanel } from "../../app/modules/inquiries/nda.server.ts";
import { listAttachments } from "../../app/modules/listings/attachments.server.ts";
import { getHomePage, getPublicListing } from "../../app/modules/listings/catalogue.server.ts";
import { getListingFormOptions, getRelatedListings } from "../../app/modules/listings/queries.server.ts";

const loops = Number(process.env.PAGE_LOAD_LOOPS ?? 8);
let running = true;
let pages = 0;
let errors = 0;

async function listingPage(id: string) {
  const listing = await getPublicListing(id);
  if (!listing) return;
  await Promise.all([getRelatedListings(listing), listAttachments(listing.id), getNdaPanel(null, listing.id)]);
}

async function loop(ids: string[], offset: number) {
  for (let i = offset; running; i++) {
    const page = i % 3;
    try {
      if (page === 0) await getHomePage();
      else if (page === 1) await listingPage(ids[(i * 7919) % ids.length]!);
      else await getListingFormOptions();
      pages++;
    } catch (error) {
      if (!running) return;
      errors++;
      if (errors <= 3) console.error(error);
    }
  }
}

async function main() {
  // Listing pages of a few thousand published listings spread over the catalogue, as visitors arrive from search.
  const rows = await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM "Listing" WHERE status = 'PUBLISHED' ORDER BY md5(id) LIMIT 5000`;
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) throw new Error("no published listings to load");
  const stop = () => {
    running = false;
  };
  process.on("SIGTERM", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  const report = setInterval(() => process.stdout.write(`${JSON.stringify({ pages, errors })}\n`), 1000);
  await Promise.all(Array.from({ length: loops }, (_, k) => loop(ids, k)));
  clearInterval(report);
  process.stdout.write(`${JSON.stringify({ pages, errors })}\n`);
  await disconnectDb();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
