import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { logLevelSchema } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

export type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

/**
 * The request a line was written for. Set by the Express server around each request
 * (scripts/lib/app-server.ts); a singleton because the server's modules and the Remix
 * build's bundled copy of this file must share one store.
 */
const requestContext = () => singleton("logRequestContext", () => new AsyncLocalStorage<{ requestId: string }>());

/** Runs `work` (and everything it starts) as part of this request: every line it logs carries the id. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return requestContext().run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestContext().getStore()?.requestId;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A proxy's X-Request-Id when it is a short token that cannot forge a log line, else a new one. */
export function requestIdFrom(header: string | undefined | null): string {
  return header && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Never written, at the top of a line's fields or one level down (`{ user: { password } }`),
 * nor a request's credentials (`{ headers: { cookie } }`): whatever a call site passes.
 */
const SECRET_KEYS = ["password", "passwordHash", "newPassword", "currentPassword", "token", "accessToken", "refreshToken", "secret", "apiKey", "authorization", "cookie", "SESSION_SECRET", "METRICS_TOKEN", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "MEILI_MASTER_KEY", "SMTP_URL"];
const HEADER_KEYS = ["authorization", "cookie", '["set-cookie"]', '["x-api-key"]'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...HEADER_KEYS.flatMap((key) => [`headers${key.startsWith("[") ? key : `.${key}`}`, `*.headers${key.startsWith("[") ? key : `.${key}`}`]),
];

/** LOG_LEVEL as the environment schema reads it; tests are quiet (warn) unless they ask. */
function configuredLevel(): Level {
  const parsed = logLevelSchema.safeParse(process.env.LOG_LEVEL || undefined);
  if (parsed.success) return parsed.data;
  return process.env.NODE_ENV === "test" ? "warn" : "info";
}

/** An Error anywhere a line names one (`err` or `error`) is written with its type, message, stack and causes. */
const errorOrValue = (value: unknown) => (value instanceof Error ? pino.stdSerializers.errWithCause(value) : value);

/**
 * One JSON line per entry: time, level, message, the request id inside a request, then the
 * fields. Written through console.log/warn/error (info on stdout, warnings and errors on
 * stderr): the tests fail on an unexpected console.error, so a logged error fails them.
 */
function createLogger(destination?: pino.DestinationStream): pino.Logger {
  const write = (print: (line: string) => void) => ({ write: (line: string) => print(line.endsWith("\n") ? line.slice(0, -1) : line) });
  return pino(
    {
      level: configuredLevel(),
      messageKey: "message",
      errorKey: "err",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      serializers: { err: errorOrValue, error: errorOrValue },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination ??
      pino.multistream(
        [
          { level: "debug", stream: write((line) => console.log(line)) },
          { level: "warn", stream: write((line) => console.warn(line)) },
          { level: "error", stream: write((line) => console.error(line)) },
        ],
        { dedupe: true },
      ),
  );
}

/** The process's pino logger (created on first use, so a script may set LOG_LEVEL before). */
export function rootLogger(): pino.Logger {
  return singleton("logger", () => createLogger());
}

/** A logger writing to `destination` with the app's settings; for tests of the format. */
export function loggerTo(destination: pino.DestinationStream): pino.Logger {
  return createLogger(destination);
}

/**
 * Structured one-line JSON logs (pino). Pass an Error as `err` (or `error`) for its stack;
 * secrets listed in REDACTED_PATHS are written as "[redacted]".
 */
export const logger = {
  debug: (message: string, data?: Fields) => rootLogger().debug(data ?? {}, message),
  info: (message: string, data?: Fields) => rootLogger().info(data ?? {}, message),
  warn: (message: string, data?: Fields) => rootLogger().warn(data ?? {}, message),
  error: (message: string, data?: Fields) => rootLogger().error(data ?? {}, message),
};
