import { PassThrough } from "node:stream";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { NonceProvider } from "~/components/nonce.tsx";
import { getLocale, i18nextFor } from "~/modules/i18n/i18n.server.ts";
import { logger } from "~/lib/logger.server.ts";

const ABORT_DELAY = 5_000;

/**
 * What Remix hands over when a loader or action fails. A 4xx it made itself (a POST to a
 * page without an action is a 405, an unknown ?_data route a 403) is the client's mistake,
 * answered as such, and not logged as an error; a request the client gave up on neither,
 * nor a thrown Response. Everything else is logged with its stack (`err`); the line carries
 * the request id (scripts/lib/app-server.ts), which the client got as X-Request-Id.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (error instanceof Response) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  const path = new URL(request.url).pathname.replace(SECRET_PATH, "/$1/[redacted]");
  logger.error("request failed", { method: request.method, path, err: error instanceof Error ? error : new Error(String(error)) });
}

/** Paths whose last part is a secret (one-time links): never written to a log. */
const SECRET_PATH = /^\/(invitations|password|verify-email)\/[^/]+/;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  // The language's shared, already initialised instance: rendering only reads it.
  const instance = i18nextFor(await getLocale(request));

  // Bots get the whole document at once; people get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce ?? ""}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          // The security headers (CSP with this nonce, HSTS, …) are set for every answer in app-server.ts.
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error("rendering failed after the shell was sent", { path: new URL(request.url).pathname, err: error });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
