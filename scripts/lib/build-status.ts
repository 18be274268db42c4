import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** What `remix build` reads besides app/: a change to any of these makes a new build necessary. */
const INPUTS = ["remix.config.js", "tsconfig.json", "package-lock.json", "node_modules/.package-lock.json"];

/** The newest file or directory (a deleted file changes its directory) under `dir`, recursively. */
function newestUnder(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: dir, mtimeMs: statSync(dir).mtimeMs };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const found = entry.isDirectory() ? newestUnder(file) : { file, mtimeMs: statSync(file).mtimeMs };
    if (found.mtimeMs > newest.mtimeMs) newest = found;
  }
  return newest;
}

/**
 * Why `npm start` must run `remix build` before it serves, or undefined when the build in
 * `root` is a production build newer than every file it is built from (`npm start --
 * --reuse-build` then skips it; `npm test` builds just before the smoke test runs it).
 */
export function staleBuildReason(root: string): string | undefined {
  const server = path.join(root, "build", "index.js");
  if (!existsSync(server) || !existsSync(path.join(root, "public", "build"))) return "there is no build";
  // `npm run dev` writes a development build to the same place.
  if (!/^var mode = "production"/m.test(readFileSync(server, "utf8"))) return "the build is not a production build";
  const builtAt = statSync(server).mtimeMs;
  const inputs = [newestUnder(path.join(root, "app")), ...INPUTS.map((f) => path.join(root, f)).filter(existsSync).map((file) => ({ file, mtimeMs: statSync(file).mtimeMs }))];
  const changed = inputs.find((input) => input.mtimeMs > builtAt);
  return changed ? `${path.relative(root, changed.file)} changed after the last build` : undefined;
}
