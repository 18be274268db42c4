/** `npm run generate:listings -- N [--seed S]`: adds N synthetic published listings to DATABASE_URL. */
import { z } from "zod";
import { disconnectDb } from "../app/lib/db.server.ts";
import { generateListings } from "../prisma/seed/synthetic.ts";

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const parsed = z
  .object({ count: z.coerce.number().int().min(1).max(2_000_000), seed: z.coerce.number().int().min(1).default(1) })
  .safeParse({ count: args.find((a, i) => !a.startsWith("--") && !(seedAt >= 0 && i === seedAt + 1)), seed: seedAt >= 0 ? args[seedAt + 1] : undefined });
if (!parsed.success || !process.env.DATABASE_URL) {
  console.error("usage: DATABASE_URL=… npm run generate:listings -- N [--seed S]   (N from 1 to 2,000,000)");
  process.exit(1);
}
const started = performance.now();
const result = await generateListings(parsed.data.count, { seed: parsed.data.seed, log: (l) => console.log(l) });
const seconds = (performance.now() - started) / 1000;
console.log(`${result.listings} listings from ${result.organisations} organisations in ${seconds.toFixed(1)} s (${Math.round(result.listings / seconds)} rows/s)`);
await disconnectDb();
