import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getListingApiView } from "~/modules/listings/catalogue.server.ts";

const CORS = { "Access-Control-Allow-Origin": "*" };

/** GET /api/listings/:id — one published listing as JSON (DESIGN.md §8b); never its confidential details. */
export async function loader({ params }: LoaderFunctionArgs) {
  const listing = await getListingApiView(params.id ?? "");
  if (!listing) return json({ error: "not found" }, { status: 404, headers: { ...CORS, "Cache-Control": "no-store" } });
  return json(listing, { headers: { ...CORS, "Cache-Control": "public, max-age=60" } });
}
