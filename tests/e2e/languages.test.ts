import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoDataIfEmpty } from "../../prisma/seed/demo.ts";
import { startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  await loadDemoDataIfEmpty();
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("a page's messages", () => {
  it("come in the reader's language only, and the switcher brings the other", async () => {
    const context = await e2e.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    const messages: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => {
      const name = /\/build\/.*\/(messages\.\w+)-[^/]*\.js$/.exec(request.url())?.[1];
      if (name) messages.push(name);
    });
    page.on("console", (message) => {
      // Nothing at all: the browser's notes on the response headers (an unknown Permissions-Policy feature) count too.
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto("/");
    await page.waitForFunction(() => Object.keys(document.querySelector(".lang-switch button") ?? {}).some((k) => k.startsWith("__reactProps")));
    expect(messages).toEqual(["messages.en"]);
    // Hydrated in English: React kept the server's words.
    expect(await page.getByRole("button", { name: "Tiếng Việt" }).count()).toBe(1);
    expect(await page.locator("a.skip-link").textContent()).toBe("Skip to content");

    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("vi");
    await page.waitForFunction(() => Object.keys(document.querySelector(".lang-switch button") ?? {}).some((k) => k.startsWith("__reactProps")));
    expect(messages).toEqual(["messages.en", "messages.vi"]);
    expect(await page.getByRole("button", { name: "English" }).count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
