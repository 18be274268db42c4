import type { LoaderFunctionArgs } from "@remix-run/node";
import { invariantResponse } from "~/lib/http.server.ts";
import { readMetrics } from "~/modules/health/metrics.server.ts";

/** Prometheus scrape endpoint: not found unless METRICS_TOKEN is set, 401 without that Bearer token (docs/operations.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  const answer = await readMetrics(request.headers.get("Authorization"));
  invariantResponse(answer.kind !== "not-configured", "Not found", { status: 404 });
  if (answer.kind === "unauthorized") {
    return new Response("Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n", {
      status: 401,
      headers: { "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store" },
    });
  }
  return new Response(answer.body, { headers: { "Content-Type": answer.contentType, "Cache-Control": "no-store" } });
}
