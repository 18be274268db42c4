import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
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
export async function startAppServer(options: { port: number; dev?: boolean; trustProxy?: number }): Promise<Server> {
  let build = await importBuild();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? 0);
  app.use(compression());
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));
  const handler = (mode: string) =>
    createRequestHandler({
      build: async () => build,
      mode,
      getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
    });
  app.all("*", handler(options.dev ? "development" : "production"));

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
