import { json } from "@remix-run/node";
import { checkHealth } from "~/modules/health/health.server.ts";

/** `{ database, search, worker }`; 200 while the app can serve (search or worker down means degraded, not dead). */
export async function loader() {
  const { database, search, worker, canServe } = await checkHealth();
  return json({ database, search, worker }, { status: canServe ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
