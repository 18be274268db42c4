import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface Spawned {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first line matching `pattern` (seen before or after the call). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  alive(): boolean;
}

/**
 * A project script run with tsx as a real process, its output kept for assertions.
 * `detached` puts it in a process group of its own, as a shell does for a job, so a
 * test can send a signal to the whole group the way Ctrl-C does.
 */
export function spawnScript(script: string, args: string[], options: { env: NodeJS.ProcessEnv; detached?: boolean }): Spawned {
  // One node process with tsx's loader, as the Dockerfile runs the server: the tsx CLI would stand
  // between the test and the script and SIGKILL it when a relayed signal is not acknowledged in 30 ms.
  return spawnCommand(process.execPath, ["--import", "tsx", script, ...args], options);
}

/** Any command (`npm start`, say) run the same way as spawnScript. */
export function spawnCommand(command: string, args: string[], options: { env: Record<string, string | undefined>; detached?: boolean; cwd?: string }): Spawned {
  const child = spawn(command, args, { env: options.env as NodeJS.ProcessEnv, cwd: options.cwd, detached: options.detached ?? false, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const line = output.split("\n").find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    check();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let done = false;
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      resolve(signal ?? code ?? -1);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    alive: () => !done,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-3000)}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        check();
        void exited.then(() => {
          check();
          if (waiters.some((w) => w.pattern === pattern)) {
            clearTimeout(timer);
            reject(new Error(`exited before a line matching ${pattern}; output:\n${output.slice(-3000)}`));
          }
        });
      });
    },
  };
}

/** Every process below `pid` (children, theirs, …), read from /proc, with its command name (at most 15 characters). */
export function descendantsOf(pid: number): { pid: number; name: string }[] {
  const children = new Map<number, { pid: number; name: string }[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (name) state ppid …", where the name may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    const siblings = children.get(ppid) ?? [];
    siblings.push({ pid: Number(entry), name: stat.slice(stat.indexOf("(") + 1, close) });
    children.set(ppid, siblings);
  }
  const found: { pid: number; name: string }[] = [];
  for (let next = [pid]; next.length; ) {
    const below = next.flatMap((p) => children.get(p) ?? []);
    found.push(...below);
    next = below.map((p) => p.pid);
  }
  return found;
}

/** Whether a process with this id exists (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}
