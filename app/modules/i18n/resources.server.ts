import { messages as en } from "./messages.en.ts";
import { messages as vi } from "./messages.vi.ts";

/**
 * Both languages' messages, for the server, scripts and tests. Never for the browser (hence
 * .server): a page carries only its reader's language, loaded by messages.ts.
 */
export const resources = {
  vi: { translation: vi },
  en: { translation: en },
} as const;
