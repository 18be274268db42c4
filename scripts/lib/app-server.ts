import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { parseEnv } from "../../app/lib/env.server.ts";
import { logger, requestIdFrom, runWithRequestId } from "../../app/lib/logger.server.ts";
import { metrics, statusClass } from "../../app/lib/metrics.server.ts";
import { crossSiteRefusal, cspNonce, malformedUrlReason, securityHeaders } from "../../app/lib/security.server.ts";
import { ROOT } from "./setup-database.ts";

// Node's own fetch (undici), not @remix-run/web-fetch: when a request with a body is
// aborted (the Meilisearch client's timeout does that), web-fetch cancels the body stream
// it is still reading and drops the rejected promise ("Cannot cancel a stream that already
// has a reader"), which ends the process. The tests have always run on undici. Decision 009.
installGlobals({ nativeFetch: true });

export const BUILD_PATH = path.join(ROOT, "build", "index.js");

async function importBuild(bust = ""): Promise<ServerBuild> {
  return (await import(pathToFileURL(BUILD_PATH).href + bust)) as ServerBuild;
}

/**
 * Express serving the Remix build: fingerprinted assets cached for a year, the
 * client's IP passed to loaders and actions. In dev the build is re-imported
 * whenever `remix dev` rewrites it.
 */
/**
 * The security headers, added as the head is written so that a route's own answer wins where
 * it sets the same header (no "nosniff, nosniff"); a route's own Content-Security-Policy (an
 * upload's "sandbox") is kept beside this one, and browsers enforce both.
 */
function addSecurityHeaders(res: ExpressResponse, headers: Record<string, string>) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ExpressResponse, ...args: Parameters<ExpressResponse["writeHead"]>) {
    for (const [name, value] of Object.entries(headers)) {
      const own = res.getHeader(name);
      if (own === undefined) res.setHeader(name, value);
      else if (name === "Content-Security-Policy") res.setHeader(name, [...(Array.isArray(own) ? own : [String(own)]), value]);
    }
    return writeHead.apply(this, args);
  } as ExpressResponse["writeHead"];
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at + 1)];
}

/** The host the browser addressed: Host, or behind a trusted proxy the forwarded one (Express's req.host). */
function forwardedHost(req: ExpressRequest): string | undefined {
  const trusted = req.app.get("trust proxy fn") as (address: string, hop: number) => boolean;
  const forwarded = req.get("X-Forwarded-Host");
  if (forwarded && trusted(req.socket.remoteAddress ?? "", 0)) return forwarded.split(",")[0]!.trim();
  return req.get("Host");
}

/** The build's routes as the router's tree, to name the route a URL reaches. */
const routeTrees = new WeakMap<ServerBuild, AgnosticRouteObject[]>();
function routeTree(build: ServerBuild): AgnosticRouteObject[] {
  let tree = routeTrees.get(build);
  if (!tree) {
    const routes = Object.values(build.routes);
    const childrenOf = (parentId: string | undefined): AgnosticRouteObject[] =>
      routes
        .filter((route) => route.parentId === parentId)
        .map((route) =>
          route.index
            ? { id: route.id, index: true, path: route.path, caseSensitive: route.caseSensitive }
            : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: childrenOf(route.id) },
        );
    tree = childrenOf(undefined);
    routeTrees.set(build, tree);
  }
  return tree;
}

/**
 * The Remix route id a request reached, as the metrics label: the `?_data` route of a data
 * request when the build has it, else the deepest route matching the path, else "unmatched".
 * Never the URL itself: ids and tokens in paths would make a series per listing.
 */
function routeIdOf(build: ServerBuild, pathname: string, dataRoute: unknown): string {
  if (typeof dataRoute === "string" && Object.hasOwn(build.routes, dataRoute)) return dataRoute;
  const matches = matchRoutes(routeTree(build), pathname);
  return matches?.at(-1)?.route.id ?? "unmatched";
}

export async function startAppServer(options: {
  port: number;
  dev?: boolean;
  trustProxy?: number;
  /** Where the browsers' CSP violation reports go (the browser tests fail on them); logged by default. */
  onCspReport?: (report: Record<string, unknown>) => void;
}): Promise<Server> {
  let build = await importBuild();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? 0);
  const settings = parseEnv(process.env);
  const production = settings.NODE_ENV === "production";
  const appUrl = settings.APP_URL;
  // Stripe's checkout is where the feature and fee forms go on to (form-action covers the redirect);
  // with STRIPE_API_URL (a local stand-in, only in tests) its checkout pages are on that origin.
  const formTargets = ["https://checkout.stripe.com", ...(settings.STRIPE_API_URL ? [new URL(settings.STRIPE_API_URL).origin] : [])];
  // Every request gets an id (a proxy's X-Request-Id when it is a safe token), sent back as
  // X-Request-Id and written on each log line of its work; its time goes to /metrics by route.
  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.get("X-Request-Id"));
    res.setHeader("X-Request-Id", requestId);
    const started = performance.now();
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      // A Remix answer's route is named here, after the answer has gone, not on the request's way in.
      const label = res.locals.remix ? routeIdOf(build, req.path, req.query._data) : (res.locals.routeLabel as string | undefined);
      const route = label ?? "static";
      metrics().httpDuration.observe({ route, method: req.method, status: statusClass(res.statusCode) }, seconds);
      // Static files are not logged, one line each would drown the rest.
      if (label !== undefined) runWithRequestId(requestId, () => logger.info("request", { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }));
    });
    runWithRequestId(requestId, next);
  });
  app.use((req, res, next) => {
    const nonce = cspNonce();
    res.locals.cspNonce = nonce;
    addSecurityHeaders(res, securityHeaders({ nonce, production, dev: options.dev, formTargets }));
    const [rawPath = "/", rawQuery = ""] = splitUrl(req.originalUrl);
    const malformed = malformedUrlReason(rawPath, rawQuery);
    if (malformed) {
      res.locals.routeLabel = "refused";
      return void res.status(400).type("text/plain").send(`Bad request: ${malformed}.\n`);
    }
    const refusal = crossSiteRefusal({ method: req.method, path: rawPath, header: (name) => req.get(name), host: forwardedHost(req) }, appUrl);
    if (refusal) {
      res.locals.routeLabel = "refused";
      return void res.status(403).type("text/plain").send(`Forbidden: a change must come from this site's own pages (${refusal}).\n`);
    }
    next();
  });
  // Violations of the policy above, as browsers report them: logged, nothing stored.
  app.post("/csp-report", express.json({ type: ["application/csp-report", "application/json", "application/reports+json"], limit: "16kb" }), (req, res) => {
    res.locals.routeLabel = "csp-report";
    const report = ((req.body as { "csp-report"?: Record<string, unknown> } | undefined)?.["csp-report"] ?? req.body) as Record<string, unknown>;
    if (options.onCspReport) options.onCspReport(report);
    else logger.warn("csp violation", { report });
    res.status(204).end();
  });
  app.use(compression());
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  // The other files of public/ (favicon, robots.txt) by name: a static handler in front of every
  // page would look each page's path up on disk first (#17).
  const publicFiles = express.static(path.join(ROOT, "public"), { maxAge: "1h", index: false, redirect: false });
  app.use((req, res, next) => (/^\/[\w.-]+\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));
  const handler = (mode: string) =>
    createRequestHandler({
      build: async () => build,
      mode,
      getLoadContext: (req, res) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown", cspNonce: res.locals.cspNonce as string }),
    });
  const remix = handler(options.dev ? "development" : "production");
  app.all("*", (req, res, next) => {
    res.locals.remix = true;
    return remix(req, res, next);
  });

  if (options.dev) {
    const { watch } = await import("node:fs");
    let timer: NodeJS.Timeout | undefined;
    watch(path.dirname(BUILD_PATH), () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        build = await importBuild(`?t=${Date.now()}`);
        await broadcastDevReady(build);
      }, 100);
    });
  }

  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, "0.0.0.0", () => {
      if (options.dev) void broadcastDevReady(build);
      resolve(server);
    });
    server.on("error", reject);
  });
}
