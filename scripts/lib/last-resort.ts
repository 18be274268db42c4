import { logger } from "../../app/lib/logger.server.ts";

/**
 * A safety net, not a fix: a promise that rejects with nobody to handle it is a bug
 * (each call to another service turns its failure into a value), but it must not take
 * every user's server down with it. Node's default ends the process; this logs the
 * bug with its stack instead, at error level so it is seen and fixed.
 */
export function logUnhandledRejections() {
  process.on("unhandledRejection", (reason) => {
    logger.error("unhandled promise rejection (a bug: a failure nobody handled)", {
      err: reason instanceof Error ? reason : new Error(String(reason)),
    });
  });
}
