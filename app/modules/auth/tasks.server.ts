import type { TaskList } from "graphile-worker";
import { logger } from "~/lib/logger.server.ts";
import { ACCOUNT_EMAIL_TASK, sendAccountEmail } from "./account-email.server.ts";
import { pruneAccountTokens } from "./tokens.server.ts";

/** This feature's background jobs (graphile-worker), merged into the worker's task list. */
export const accountTasks: TaskList = {
  /** A reset or verification e-mail (queued in the request's transaction); a transport failure throws and is retried. */
  [ACCOUNT_EMAIL_TASK]: async (payload) => {
    const { userId, purpose } = (payload ?? {}) as { userId?: unknown; purpose?: unknown };
    if (typeof userId !== "string" || (purpose !== "RESET_PASSWORD" && purpose !== "VERIFY_EMAIL")) throw new Error(`bad payload: ${JSON.stringify(payload)}`);
    const outcome = await sendAccountEmail(userId, purpose);
    logger.debug("account e-mail", { userId, purpose, outcome });
  },
  "auth:prune-account-tokens": async () => {
    const removed = await pruneAccountTokens();
    logger.info("pruned account links", { removed });
  },
};

export const accountCron = ["45 3 * * * auth:prune-account-tokens ?max=3"];
