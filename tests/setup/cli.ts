import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs a project script with tsx and collects its output. Asynchronous on
 * purpose: with the embedded database the test process itself serves PGlite,
 * so blocking it (spawnSync) would leave the child waiting forever.
 */
export function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), [script, ...args], { env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
