import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { exportListings } from "~/modules/listings/import.server.ts";
import { LISTING_STATUSES } from "~/modules/listings/lifecycle.ts";

const blankAsUnset = (v: unknown) => (v === "" ? undefined : v);

const querySchema = z.object({
  format: z.preprocess(blankAsUnset, z.enum(["csv", "json"], { errorMap: () => ({ message: "errors.chooseOne" }) }).default("csv")),
  status: z.preprocess(blankAsUnset, z.enum(LISTING_STATUSES, { errorMap: () => ({ message: "errors.chooseOne" }) }).optional()),
  organisationId: z.preprocess(blankAsUnset, z.string().trim().min(1).max(64).optional()),
});

/**
 * GET /listings/export?format=csv|json&status=…&organisationId=…: the listings the
 * signed-in user may read (a member: their organisations'; a broker: all) in the
 * import format, as a download.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return json({ message: "Bad query", fieldErrors: parsed.error.flatten().fieldErrors }, { status: 400 });
  const body = await exportListings(actor, parsed.data);
  const { format } = parsed.data;
  const fileName = `techex-listings-${new Date().toISOString().slice(0, 10)}.${format}`;
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      // The export holds non-public listings and confidential details.
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
