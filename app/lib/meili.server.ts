import { Meilisearch } from "meilisearch";
import { env } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

/** The process's Meilisearch client. */
export function meili(): Meilisearch {
  return singleton("meilisearch", () => {
    const { MEILI_HOST, MEILI_MASTER_KEY } = env();
    const host = MEILI_HOST ?? process.env.MEILI_HOST;
    if (!host) throw new Error("MEILI_HOST is not set: start the app with `npm start`, which provides one");
    return new Meilisearch({ host, apiKey: MEILI_MASTER_KEY ?? process.env.MEILI_MASTER_KEY, timeout: 5_000 });
  });
}

/** Index names carry MEILI_INDEX_PREFIX so several apps or test files can share a server. */
export function indexName(base: string): string {
  return `${env().MEILI_INDEX_PREFIX}${base}`;
}
