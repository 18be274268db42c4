import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getPublicMatches } from "~/modules/matching/queries.server.ts";

const CORS = { "Access-Control-Allow-Origin": "*" };

/**
 * GET /api/listings/:id/matches — a published listing's current matches, best first
 * (DESIGN.md §8b): `{ matches: [{ id, externalRef, title, score, reasons }] }`, where
 * id, externalRef and title are the other listing's, and reasons are structured data.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const result = await getPublicMatches(params.id ?? "");
  if (!result) return json({ error: "not found" }, { status: 404, headers: { ...CORS, "Cache-Control": "no-store" } });
  return json(result, { headers: { ...CORS, "Cache-Control": "public, max-age=60" } });
}
