import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** The fixture run as its own process (a stop ends with process.exit), with its output and exit code. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/stop-on-signals.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const onOutput = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => child.stdout.on("data", () => output.includes("ready") && resolve()));
  return { child, ready, exited, output: () => output };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("stopping on a signal (scripts/lib/shutdown.ts)", () => {
  it("forces a stop that hangs once the deadline has passed, killing the children, and exits 1", async () => {
    const run = start({ DEADLINE_MS: "300" });
    await run.ready;
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("not stopped within 0.3 s: stopping at once\nforce: killing the children");
  });

  it("takes a Ctrl-C relayed by npm (a second signal at once) as the same press, and a later one as a second press that forces", async () => {
    const run = start({});
    await run.ready;
    run.child.kill("SIGINT");
    await pause(100);
    run.child.kill("SIGINT");
    await pause(1_100);
    expect(run.output()).not.toContain("force");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("SIGINT again: stopping at once\nforce: killing the children");
  });
});
