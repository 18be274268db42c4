import { afterEach, beforeEach, vi } from "vitest";

/** An unexpected console.error fails the test; call expectConsoleError() when one is the point. */
let consoleErrors: unknown[][] = [];
let expected = 0;
export function expectConsoleError(count = 1) {
  expected += count;
}
export function consoleErrorsSeen() {
  return consoleErrors;
}

beforeEach(() => {
  consoleErrors = [];
  expected = 0;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (consoleErrors.length > expected) {
    throw new Error(`console.error was called unexpectedly:\n${consoleErrors.map((a) => a.map(String).join(" ")).join("\n")}`);
  }
});
