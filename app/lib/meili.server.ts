import { Meilisearch } from "meilisearch";
import { env } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * What a call is for decides how long it may wait. A person waiting for the search
 * page gets PostgreSQL's answer rather than a long wait; a job may wait longer (a
 * multi-search on a busy 2-core machine has taken more than 5 s) and retries anyway;
 * the health check must answer before whatever polls it gives up.
 */
export type MeiliPurpose = "background" | "search" | "health";

/** Per-request timeouts in ms: MEILI_TIMEOUT_MS for background work, MEILI_SEARCH_TIMEOUT_MS while a person (or a health probe) waits. */
export function meiliTimeouts(): Record<MeiliPurpose, number> {
  const { MEILI_TIMEOUT_MS, MEILI_SEARCH_TIMEOUT_MS } = env();
  return { background: MEILI_TIMEOUT_MS, search: MEILI_SEARCH_TIMEOUT_MS, health: MEILI_SEARCH_TIMEOUT_MS };
}

const byPurpose = new WeakMap<Meilisearch, Map<MeiliPurpose, Meilisearch>>();

/**
 * The process's Meilisearch client for a purpose (jobs and scripts by default); "search"
 * uses MEILI_SEARCH_KEY when set, so a person's queries never carry the master key.
 * Every request has a timeout, and every failure (timeout, refused connection,
 * an error status, an answer that is not JSON) is a rejected promise the caller
 * handles. That holds only with a WHATWG-conformant `fetch`: the app server keeps
 * Node's own (undici), see scripts/lib/app-server.ts and decision 009.
 */
export function meili(purpose: MeiliPurpose = "background"): Meilisearch {
  const base = singleton("meilisearch", () => {
    const { MEILI_HOST, MEILI_MASTER_KEY } = env();
    const host = MEILI_HOST ?? process.env.MEILI_HOST;
    if (!host) throw new Error("MEILI_HOST is not set: start the app with `npm start`, which provides one");
    return new Meilisearch({ host, apiKey: MEILI_MASTER_KEY ?? process.env.MEILI_MASTER_KEY, timeout: meiliTimeouts().background });
  });
  if (purpose === "background") return base;
  // Derived from the base client (same host and key), so replacing the base replaces all.
  // Queries need no more than a search-only key, when one is configured.
  let clients = byPurpose.get(base);
  if (!clients) byPurpose.set(base, (clients = new Map()));
  let client = clients.get(purpose);
  if (!client) {
    const searchKey = purpose === "search" ? env().MEILI_SEARCH_KEY : undefined;
    clients.set(purpose, (client = new Meilisearch({ ...base.config, ...(searchKey ? { apiKey: searchKey } : {}), timeout: meiliTimeouts()[purpose] })));
  }
  return client;
}

/** Index names carry MEILI_INDEX_PREFIX so several apps or test files can share a server. */
export function indexName(base: string): string {
  return `${env().MEILI_INDEX_PREFIX}${base}`;
}

/**
 * A failed call in one line for the logs, with its causes ("Request to …/multi-search has
 * failed: request timed out after 1500ms"; "…: fetch failed: connect ECONNREFUSED …").
 * Only messages: a timeout's `cause` holds the request itself.
 */
export function meiliErrorMessage(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) parts.push(e.message);
  return parts.join(": ") || String(error);
}

/**
 * A failed call rethrown with its causes in the message. graphile-worker keeps only a
 * thrown error's message as the job's last_error (what /admin/search shows), and the
 * client's own message ("Request to …/multi-search has failed") leaves out why.
 */
export function meiliFailure(error: unknown): Error {
  return new Error(meiliErrorMessage(error), { cause: error });
}
