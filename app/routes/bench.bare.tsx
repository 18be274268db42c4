import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { env } from "~/lib/env.server.ts";
import { invariantResponse } from "~/lib/http.server.ts";

/**
 * The floor `npm run bench:pages` measures every page against: a document route with a
 * trivial loader and one <p>, under the same root layout, headers and compression as the
 * real pages. Not found unless BENCH_BARE_ROUTE=on, so production has no such page.
 */
export function loader() {
  invariantResponse(env().BENCH_BARE_ROUTE === "on", "Not found", { status: 404 });
  return json({ ok: 1 });
}

export default function BenchBarePage() {
  const { ok } = useLoaderData<typeof loader>();
  return <p>ok {ok}</p>;
}
