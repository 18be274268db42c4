import type { Server } from "node:http";

/** A stop that takes longer than this is forced: the issue saw `npm start` still up 70 s after SIGTERM. */
export const STOP_DEADLINE_MS = 8_000;
/** Requests still open this long after the stop began have their connections closed. */
const REQUEST_GRACE_MS = 3_000;
/**
 * Ctrl-C signals the terminal's foreground group (npm and this process) and npm relays it:
 * one press arrives twice, this close together. A signal later than this is a second press.
 */
const ONE_PRESS_MS = 1_000;

export interface StopOnSignals {
  /** Begins the stop as a signal would (a child that ended, say). */
  stop(reason: string): void;
  readonly stopping: boolean;
}

/**
 * The first SIGINT, SIGTERM or SIGHUP runs `stop` and exits 0 once it is done. A second Ctrl-C,
 * a failed stop or one still running after `deadlineMs` calls `force` (which kills what this
 * process started: those are separate processes that would outlive it) and exits 1.
 */
export function stopOnSignals(options: {
  log: (line: string) => void;
  stop: (reason: string) => Promise<void>;
  force?: () => void;
  deadlineMs?: number;
}): StopOnSignals {
  const deadlineMs = options.deadlineMs ?? STOP_DEADLINE_MS;
  let requestedAt: number | undefined;
  const forceStop = (why: string) => {
    options.log(`${why}: stopping at once`);
    try {
      options.force?.();
    } finally {
      process.exit(1);
    }
  };
  const stop = (reason: string) => {
    if (requestedAt !== undefined) return;
    requestedAt = Date.now();
    options.log(`${reason}: stopping… (press Ctrl-C again to stop at once)`);
    // Not unref'd: it must fire even when a stuck step leaves nothing else to wait for.
    setTimeout(() => forceStop(`not stopped within ${deadlineMs / 1000} s`), deadlineMs);
    options.stop(reason).then(
      () => {
        options.log("stopped");
        process.exit(0);
      },
      (error: unknown) => forceStop(`stopping failed (${error instanceof Error ? (error.stack ?? error.message) : String(error)})`),
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (requestedAt === undefined) stop(signal);
    else if (Date.now() - requestedAt >= ONE_PRESS_MS) forceStop(`${signal} again`);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  return {
    stop,
    get stopping() {
      return requestedAt !== undefined;
    },
  };
}

/**
 * Stops accepting connections, closes the idle keep-alive ones at once (a browser's would hold
 * `close` open for minutes) and, after a grace period, the ones whose request is still running.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const cutOff = setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS);
    server.close(() => {
      clearTimeout(cutOff);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
