import type { Server } from "node:http";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { freePort } from "../../scripts/lib/ports.ts";

/**
 * Every route the built app has, read from the build itself, so a test that walks them
 * covers a route added tomorrow without being told (tests/request-guard.test.ts,
 * tests/bad-input.test.ts).
 */
export interface AppRoute {
  id: string;
  /** URL pattern: "/listings/:id/edit", "/uploads/*", "/" for the index. */
  pattern: string;
  hasAction: boolean;
  hasLoader: boolean;
  /** A resource route: no page of its own. */
  resource: boolean;
}

export async function appRoutes(): Promise<AppRoute[]> {
  const { BUILD_PATH } = await import("../../scripts/lib/app-server.ts");
  if (!existsSync(BUILD_PATH)) throw new Error("no build: run the tests with `npm test`, which runs `remix build` first");
  const build = (await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild;
  const routes = build.routes;
  const patternOf = (id: string): string => {
    const route = routes[id]!;
    const own = route.path ?? "";
    const parent = route.parentId ? patternOf(route.parentId) : "";
    return [parent.replace(/\/$/, ""), own].filter(Boolean).join("/") || "/";
  };
  return Object.values(routes)
    .filter((route) => route.id !== "root")
    .map((route) => {
      const pattern = patternOf(route.id);
      return {
        id: route.id,
        pattern: pattern.startsWith("/") ? pattern : `/${pattern}`,
        hasAction: typeof route.module.action === "function",
        hasLoader: typeof route.module.loader === "function",
        resource: typeof route.module.default !== "function",
      };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The URL of a pattern with its `:params` (and a splat) filled by `fill(name)`. */
export function urlOf(pattern: string, fill: (param: string) => string): string {
  return pattern
    .split("/")
    .map((segment) => (segment.startsWith(":") ? encodeURIComponent(fill(segment.slice(1))) : segment === "*" ? encodeURIComponent(fill("*")) : segment))
    .join("/");
}

/** Rows of each kind a route's :id can name (tests/factories builds them). */
export interface RouteIds {
  /** The actor's own listing, and another organisation's (NDA and inquiry routes act on that one). */
  listing: string;
  theirs: string;
  /** A listing awaiting review (moderation); the actor's own listing when left out. */
  pending?: string;
  organisation: string;
  inquiry: string;
  deal: string;
  fee: string;
  payment: string;
}

/** A real id for a route's params, of the kind its first segment names, so a request that got through would act on something. */
export function realIdFor(pattern: string, ids: RouteIds): (param: string) => string {
  const first = pattern.split("/")[1] ?? "";
  const byFirst: Record<string, string> = {
    listings: pattern.endsWith("/nda") || pattern.endsWith("/inquire") ? ids.theirs : ids.listing,
    api: ids.listing,
    moderation: ids.pending ?? ids.listing,
    orgs: ids.organisation,
    deals: ids.deal,
    inquiries: ids.inquiry,
    fees: ids.fee,
    payments: ids.payment,
  };
  return (param) => (param === "*" ? "listings/x/y.pdf" : param === "table" ? "listings" : (byFirst[first] ?? "x"));
}

/** The built app behind the real Express server (request guard, headers), on a free port in this process. */
export async function startApp(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const { startAppServer } = await import("../../scripts/lib/app-server.ts");
  const port = await freePort();
  const server: Server = await startAppServer({ port });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
