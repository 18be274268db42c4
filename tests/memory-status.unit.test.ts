import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { sizingArgs } from "../scripts/lib/embedded-meilisearch.ts";
import { memoryChanged, memoryStatusLine, residentMemoryIn, residentMemoryOf, watchMemory, type ResidentMemory } from "../scripts/lib/memory-status.ts";

const MiB = 2 ** 20;

/** /proc/<pid>/status of a running Meilisearch, as Linux 6 writes it (tabs, kB right-aligned). */
const STATUS = [
  "Name:\tmeilisearch-535",
  "State:\tS (sleeping)",
  "Pid:\t4242",
  "VmPeak:\t2183467884 kB",
  "VmSize:\t2183467884 kB",
  "VmLck:\t       0 kB",
  "VmHWM:\t  309124 kB",
  "VmRSS:\t   86016 kB",
  "RssAnon:\t   61440 kB",
  "RssFile:\t   24576 kB",
  "RssShmem:\t       0 kB",
  "VmSwap:\t       0 kB",
  "Threads:\t14",
  "",
].join("\n");

const memory = (rss: number, peak = rss): ResidentMemory => ({ rss: rss * MiB, peak: peak * MiB });

describe("reading a process's resident memory from /proc", () => {
  it("takes VmRSS and VmHWM, in bytes, and not VmSize or RssAnon", () => {
    expect(residentMemoryIn(STATUS)).toEqual({ rss: 86016 * 1024, peak: 309124 * 1024 });
  });

  it("says nothing for a process without resident memory (a zombie's status has no Vm lines)", () => {
    const zombie = "Name:\tmeilisearch\nState:\tZ (zombie)\nPid:\t4242\nThreads:\t1\n";
    expect(residentMemoryIn(zombie)).toBeUndefined();
    expect(residentMemoryIn("VmRSS:\t 86016 kB\n")).toBeUndefined();
  });

  it("reads a live process, and nothing for one that has exited", () => {
    const own = residentMemoryOf(process.pid)!;
    expect(own.rss).toBeGreaterThan(10 * MiB);
    expect(own.peak).toBeGreaterThanOrEqual(own.rss);
    const exited = spawnSync("true").pid;
    expect(residentMemoryOf(exited)).toBeUndefined();
  });
});

describe("the start command's memory status line", () => {
  it("names the app and the embedded Meilisearch with its pid", () => {
    expect(memoryStatusLine({ app: memory(212.4, 260), meilisearch: { pid: 4242, memory: memory(84, 301) } })).toBe(
      "memory (RSS): app 212 MiB (peak 260 MiB), Meilisearch 84 MiB (peak 301 MiB), pid 4242",
    );
  });

  it("says when Meilisearch is being restarted or has just died, and leaves out one that is not ours", () => {
    expect(memoryStatusLine({ app: memory(200), meilisearch: { pid: undefined, memory: undefined } })).toBe("memory (RSS): app 200 MiB (peak 200 MiB), Meilisearch down (restarting)");
    expect(memoryStatusLine({ meilisearch: { pid: 4242, memory: undefined } })).toBe("memory (RSS): Meilisearch gone (pid 4242)");
    expect(memoryStatusLine({ app: memory(200) })).toBe("memory (RSS): app 200 MiB (peak 200 MiB)");
  });

  it("is printed again for a new Meilisearch process or a change of 10 % and 16 MiB, not for noise", () => {
    const at = (app: number, meili: number, pid: number | undefined = 4242) => ({ app: memory(app), meilisearch: { pid, memory: pid === undefined ? undefined : memory(meili) } });
    expect(memoryChanged(at(200, 80), at(210, 95))).toBe(false);
    expect(memoryChanged(at(200, 80), at(200, 97))).toBe(true);
    expect(memoryChanged(at(200, 80), at(222, 80))).toBe(true);
    // 16 MiB is under 10 % of a large process: not worth a line.
    expect(memoryChanged(at(1000, 80), at(1017, 80))).toBe(false);
    expect(memoryChanged(at(200, 80), at(200, 80, 5151))).toBe(true);
    expect(memoryChanged(at(200, 80), at(200, 0, undefined))).toBe(true);
  });

  it("follows the Meilisearch pid it is given each time, so a supervised restart shows", () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      let pid: number | undefined = process.pid;
      const stop = watchMemory({ meilisearchPid: () => pid, print: (line) => lines.push(line), intervalMs: 1_000 });
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^memory \\(RSS\\): Meilisearch \\d+ MiB \\(peak \\d+ MiB\\), pid ${process.pid}$`))]);
      vi.advanceTimersByTime(1_000);
      expect(lines).toHaveLength(1);
      pid = undefined;
      vi.advanceTimersByTime(1_000);
      expect(lines[1]).toBe("memory (RSS): Meilisearch down (restarting)");
      pid = process.ppid;
      vi.advanceTimersByTime(1_000);
      expect(lines[2]).toContain(`pid ${process.ppid}`);
      stop();
      pid = process.pid;
      vi.advanceTimersByTime(5_000);
      expect(lines).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the embedded Meilisearch's sizing flags", () => {
  it("passes what is set, in bytes and threads, and nothing when unset (Meilisearch's defaults)", () => {
    expect(sizingArgs({ maxIndexingMemory: 256 * MiB, maxIndexingThreads: 1 })).toEqual(["--max-indexing-memory", "268435456", "--max-indexing-threads", "1"]);
    expect(sizingArgs({ maxIndexingThreads: 2 })).toEqual(["--max-indexing-threads", "2"]);
    expect(sizingArgs()).toEqual([]);
  });
});
