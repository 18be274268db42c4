import { json } from "@remix-run/node";
import { checkHealth } from "~/modules/health/health.server.ts";

/** `{ database, search }`; 200 while the app can serve (search down means degraded, not dead). */
export async function loader() {
  const { database, search, canServe } = await checkHealth();
  return json({ database, search }, { status: canServe ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
