import { describe, expect, it } from "vitest";
import { loggerTo, requestIdFrom, runWithRequestId } from "~/lib/logger.server.ts";
import { metricsTokenMatches, statusClass } from "~/lib/metrics.server.ts";

/** A logger with the app's settings writing into an array, one parsed line each. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = loggerTo({ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  log.level = "debug";
  return { log, lines };
}

describe("log lines", () => {
  it("are JSON with time, level as a word, message, and the request id of the work they belong to", async () => {
    const { log, lines } = capture();
    log.info({ listingId: "l1" }, "outside");
    await runWithRequestId("req-42", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.warn({ listingId: "l2" }, "inside, after an await");
    });
    expect(lines[0]).toEqual({ level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), listingId: "l1", message: "outside" });
    expect(lines[1]).toMatchObject({ level: "warn", requestId: "req-42", listingId: "l2", message: "inside, after an await" });
  });

  it("write an error with its type, message, stack and cause, under err or error", () => {
    const { log, lines } = capture();
    log.error({ err: new TypeError("bad row", { cause: new Error("disk full") }) }, "import failed");
    log.warn({ error: new RangeError("too far") }, "odd");
    log.warn({ error: "a plain message stays a string" }, "odd");
    const err = lines[0]!.err as { type: string; message: string; stack: string; cause: { message: string } };
    expect(err.type).toBe("TypeError");
    expect(err.message).toBe("bad row");
    expect(err.stack).toMatch(/^TypeError: bad row\n\s+at /);
    expect(err.cause.message).toBe("disk full");
    expect((lines[1]!.error as { stack: string }).stack).toMatch(/^RangeError: too far\n/);
    expect(lines[2]!.error).toBe("a plain message stays a string");
  });

  it("never carry passwords, tokens, cookies or authorization headers", () => {
    const { log, lines } = capture();
    log.warn({ password: "hunter2", user: { email: "a@b.vn", passwordHash: "$argon2id$x", token: "t0k" }, headers: { authorization: "Bearer s3cret", cookie: "__session=abc", "set-cookie": "x=y", accept: "text/html" }, SMTP_URL: "smtp://u:p@host" }, "login");
    const text = JSON.stringify(lines[0]);
    for (const secret of ["hunter2", "$argon2id$x", "t0k", "s3cret", "__session=abc", "x=y", "u:p@host"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: "[redacted]", user: { email: "a@b.vn", passwordHash: "[redacted]", token: "[redacted]" }, headers: { accept: "text/html", authorization: "[redacted]" } });
  });
});

describe("request ids", () => {
  it("keep a proxy's short safe token and replace anything else with a new id", () => {
    expect(requestIdFrom("abc-123_x.y:z")).toBe("abc-123_x.y:z");
    for (const unsafe of [undefined, null, "", "a b", 'x"}{"level":"error', "a\nb", "é", "x".repeat(65)]) {
      const id = requestIdFrom(unsafe);
      expect(id).not.toBe(unsafe);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe("the metrics token", () => {
  const token = "m".repeat(40);
  it("is accepted only as the whole Bearer credential", () => {
    expect(metricsTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(metricsTokenMatches(`bearer ${token}`, token)).toBe(true);
    for (const wrong of [null, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Bearer ${token} extra`, "Bearer "]) {
      expect(metricsTokenMatches(wrong, token), String(wrong)).toBe(false);
    }
  });

  it("status classes group statuses by their first digit", () => {
    expect([200, 204, 302, 404, 499, 503].map(statusClass)).toEqual(["2xx", "2xx", "3xx", "4xx", "4xx", "5xx"]);
  });
});
