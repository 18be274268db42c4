import { readFileSync } from "node:fs";

/** A process's resident memory in bytes: now (VmRSS) and the most it has held since it started (VmHWM). */
export interface ResidentMemory {
  rss: number;
  peak: number;
}

/**
 * VmRSS and VmHWM from the text of /proc/<pid>/status; undefined when either is
 * missing, as for a zombie or a kernel thread.
 */
export function residentMemoryIn(status: string): ResidentMemory | undefined {
  const bytes = (field: string) => {
    const match = new RegExp(`^${field}:\\s*(\\d+) kB$`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const rss = bytes("VmRSS");
  const peak = bytes("VmHWM");
  return rss === undefined || peak === undefined ? undefined : { rss, peak };
}

/** The resident memory of a process, or undefined when it is gone (or there is no /proc). */
export function residentMemoryOf(pid: number): ResidentMemory | undefined {
  try {
    return residentMemoryIn(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const formatMemory = (memory: ResidentMemory) => `${mib(memory.rss)} (peak ${mib(memory.peak)})`;

/** What the status line says of the app's process and the embedded Meilisearch. */
export interface MemorySample {
  /** The app's process (web server, worker, and PGlite when embedded); undefined when it runs elsewhere. */
  app?: ResidentMemory;
  /** The embedded Meilisearch: its pid and memory, a pid without memory if it just died, no pid while it is restarted. */
  meilisearch?: { pid: number | undefined; memory: ResidentMemory | undefined };
}

/** `memory (RSS): app 212 MiB (peak 260 MiB), Meilisearch 84 MiB (peak 301 MiB), pid 4242`. */
export function memoryStatusLine(sample: MemorySample): string {
  const parts: string[] = [];
  if (sample.app) parts.push(`app ${formatMemory(sample.app)}`);
  const meili = sample.meilisearch;
  if (meili) {
    if (meili.pid === undefined) parts.push("Meilisearch down (restarting)");
    else if (!meili.memory) parts.push(`Meilisearch gone (pid ${meili.pid})`);
    else parts.push(`Meilisearch ${formatMemory(meili.memory)}, pid ${meili.pid}`);
  }
  return `memory (RSS): ${parts.join(", ") || "nothing to measure"}`;
}

/** Whether `next` is worth a new line after `last`: another Meilisearch process, or either RSS moved by 10 % and 16 MiB. */
export function memoryChanged(last: MemorySample, next: MemorySample): boolean {
  const moved = (a: ResidentMemory | undefined, b: ResidentMemory | undefined) => {
    if (!a || !b) return a !== b;
    const delta = Math.abs(b.rss - a.rss);
    return delta >= 16 * 2 ** 20 && delta >= a.rss / 10;
  };
  return last.meilisearch?.pid !== next.meilisearch?.pid || moved(last.app, next.app) || moved(last.meilisearch?.memory, next.meilisearch?.memory);
}

/**
 * Prints the status line now, then looks again every `intervalMs` and prints it
 * when it changed (memoryChanged), so an idle exchange stays quiet while indexing,
 * a leak or a supervised restart (a new pid, read from `meilisearchPid` each time)
 * shows. Returns a function that stops it.
 */
export function watchMemory(options: {
  appPid?: number;
  /** The embedded Meilisearch's current pid (its `pid` getter); omit when Meilisearch is not ours. */
  meilisearchPid?: () => number | undefined;
  print: (line: string) => void;
  intervalMs?: number;
}): () => void {
  const sample = (): MemorySample => {
    const pid = options.meilisearchPid?.();
    return {
      app: options.appPid === undefined ? undefined : residentMemoryOf(options.appPid),
      meilisearch: options.meilisearchPid ? { pid, memory: pid === undefined ? undefined : residentMemoryOf(pid) } : undefined,
    };
  };
  let last = sample();
  options.print(memoryStatusLine(last));
  const timer = setInterval(() => {
    const next = sample();
    if (!memoryChanged(last, next)) return;
    last = next;
    options.print(memoryStatusLine(next));
  }, options.intervalMs ?? 10_000);
  timer.unref();
  return () => clearInterval(timer);
}
