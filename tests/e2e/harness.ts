import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { freePort } from "../../scripts/lib/ports.ts";
import { DEFAULT_PASSWORD } from "../factories/index.ts";
import { findChromium } from "./chromium.ts";

export const ARTIFACTS = path.resolve(import.meta.dirname, "..", ".artifacts");

export interface E2E {
  baseUrl: string;
  browser: Browser;
  newContext(options?: { locale?: string }): Promise<BrowserContext>;
  /** The Content-Security-Policy violations seen so far, taken off the list (close() fails on any left). */
  takeCspViolations(): string[];
  close(): Promise<void>;
}

/**
 * The built app (npm test builds it first) served in this process against the
 * test file's own database, driven by Debian's Chromium through playwright-core.
 */
export async function startE2E(): Promise<E2E> {
  const { BUILD_PATH, startAppServer } = await import("../../scripts/lib/app-server.ts");
  if (!existsSync(BUILD_PATH)) throw new Error("no build: run the tests with `npm test`, which runs `remix build` first");
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found: `apt-get install chromium` (npm test does this on Debian) or set CHROMIUM_PATH");
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  // The pages run under the app's Content-Security-Policy: anything it blocks (reported by the
  // browser to /csp-report, or logged on a page's console) fails the test file.
  const violations: string[] = [];
  const server: Server = await startAppServer({ port, onCspReport: (report) => violations.push(`${String(report["document-uri"])}: ${String(report["effective-directive"] ?? report["violated-directive"])} blocked ${String(report["blocked-uri"])}`) });
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({ locale: options.locale ?? "vi-VN", baseURL: `http://127.0.0.1:${port}` });
      context.on("console", (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${message.location().url}: ${message.text()}`);
      });
      // A missing element fails fast with the locator in the message, well inside the test's own timeout.
      context.setDefaultTimeout(8_000);
      return context;
    },
    takeCspViolations() {
      return violations.splice(0);
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (violations.length > 0) throw new Error(`Content-Security-Policy violations:\n${violations.join("\n")}`);
    },
  };
}

/** Signs in through the Vietnamese login form (the factories' default password unless given) and waits for the dashboard. */
export async function logIn(context: BrowserContext, email: string, password = DEFAULT_PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).last().click();
  await page.waitForURL("**/dashboard");
  return page;
}
