import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { crossSiteRefusal, malformedUrlReason, securityHeaders, SIGNED_OR_INERT_PATHS } from "~/lib/security.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import {
  createBrokerageFee,
  createDeal,
  createInquiry,
  createListing,
  createMemberWithOrganisation,
  createOrganisation,
  createPayment,
} from "./factories/index.ts";
import { appRoutes, realIdFor, startApp, urlOf, type AppRoute, type RouteIds } from "./setup/app-routes.ts";
import { databaseFingerprint } from "./setup/fingerprint.ts";
import { getRequest } from "./setup/requests.ts";

/**
 * Hardening #12 points 1 and 7, against the real Express server and the built app: every
 * state-changing request from another site is refused with 403 and changes nothing, on every
 * action and resource route the build has; the security headers are on every answer.
 */

let app: Awaited<ReturnType<typeof startApp>>;
let routes: AppRoute[];
let cookie: string;
let ids: RouteIds;

beforeAll(async () => {
  app = await startApp();
  routes = await appRoutes();
  // An administrator who also owns an organisation: every action would obey them.
  const { user, organisation } = await createMemberWithOrganisation({ user: { roles: ["admin", "broker", "member"] } });
  const other = await createOrganisation();
  const listing = await createListing(organisation.id);
  const pending = await createListing(other.id, { status: "PENDING_REVIEW" });
  const theirs = await createListing(other.id, { confidential: { details: "Bí mật", ndaText: "Cam kết bảo mật" } });
  const inquiry = await createInquiry(theirs.id, organisation.id);
  const deal = await createDeal(other.id, organisation.id, { offerListingId: theirs.id });
  const fee = await createBrokerageFee(deal.id, organisation.id);
  const payment = await createPayment(organisation.id);
  ids = { listing: listing.id, pending: pending.id, theirs: theirs.id, organisation: organisation.id, inquiry: inquiry.id, deal: deal.id, fee: fee.id, payment: payment.id };
  cookie = (await startSession(user.id, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
});

afterAll(async () => {
  await app?.close();
});

/** A body an action would act on: the intents and fields the forms send. */
const BODY = new URLSearchParams({ intent: "archive", locale: "en", id: "x", version: "0", accept: "on", name: "Cross-site", email: "evil@example.test", role: "OWNER", title: "x" });

describe("requests from another site", () => {
  it("are refused with 403 on every action and resource route, in every form a browser can send, and change nothing", async () => {
    const guarded = routes.filter((route) => (route.hasAction || route.resource) && !SIGNED_OR_INERT_PATHS.includes(route.pattern));
    expect(guarded.map((r) => r.id)).toEqual(expect.arrayContaining(["routes/listings.$id_.edit", "routes/logout", "routes/listings.$id_.nda", "routes/saved-searches.new", "routes/api.search"]));
    const before = await databaseFingerprint();
    const forms: { name: string; headers: Record<string, string>; data: boolean }[] = [
      { name: "document post", headers: { Origin: "http://evil.example" }, data: false },
      { name: "?_data fetch", headers: { Origin: "http://evil.example" }, data: true },
      { name: "same host, other port", headers: { Origin: app.baseUrl.replace(/:(\d+)$/, ":1") }, data: true },
      { name: "Origin null", headers: { Origin: "null" }, data: false },
      { name: "Referer only", headers: { Referer: "https://evil.example/page" }, data: true },
      { name: "Sec-Fetch-Site cross-site", headers: { "Sec-Fetch-Site": "cross-site" }, data: false },
      { name: "Sec-Fetch-Site same-site", headers: { "Sec-Fetch-Site": "same-site", Origin: "http://evil.127.0.0.1.example" }, data: true },
    ];
    const answers: string[] = [];
    for (const route of guarded) {
      const url = urlOf(route.pattern, realIdFor(route.pattern, ids));
      for (const form of forms) {
        for (const method of route.resource ? ["POST", "PUT", "DELETE"] : ["POST"]) {
          const target = form.data ? `${url}?_data=${encodeURIComponent(route.id)}` : url;
          const response = await fetch(`${app.baseUrl}${target}`, {
            method,
            headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", ...form.headers },
            body: BODY,
            redirect: "manual",
          });
          if (response.status !== 403) answers.push(`${method} ${target} (${form.name}): ${response.status}`);
          else expect(await response.text()).toMatch(/this site's own pages/);
        }
      }
    }
    expect(answers).toEqual([]);
    expect(await databaseFingerprint()).toEqual(before);
    expect(guarded.length * forms.length).toBeGreaterThan(150);
  });

  it("does not stop the app's own pages: the same archive from this site's origin goes through", async () => {
    const response = await fetch(`${app.baseUrl}/listings/${ids.listing}/edit?_data=${encodeURIComponent("routes/listings.$id_.edit")}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: app.baseUrl, "Sec-Fetch-Site": "same-origin" },
      body: new URLSearchParams({ intent: "archive" }),
      redirect: "manual",
    });
    expect(response.status).toBeLessThan(400);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: ids.listing } })).status).toBe("ARCHIVED");
    // A client that is not a browser (no Origin, no Referer) is not a cross-site request.
    const switched = await fetch(`${app.baseUrl}/locale`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "locale=en&redirectTo=/search", redirect: "manual" });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("Location")).toBe("/search");
  });

  it("lets Stripe's signed webhook through from anywhere (its signature is checked instead)", async () => {
    const response = await fetch(`${app.baseUrl}/webhooks/stripe`, { method: "POST", headers: { Origin: "https://stripe.example", "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00" }, body: "{}" });
    // 400 for the bad signature, or 503 where Stripe is not configured (as here): anything but the guard's 403.
    expect(response.status).not.toBe(403);
    expect(await response.text()).not.toMatch(/this site's own pages/);
  });

  it("decides by Origin, then Referer, then Sec-Fetch-Site, against APP_URL or the addressed host", () => {
    const request = (headers: Record<string, string>, method = "POST", host = "techex.example.vn") => ({
      method,
      path: "/listings/new",
      host,
      header: (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1],
    });
    expect(crossSiteRefusal(request({ Origin: "https://techex.example.vn" }))).toBeNull();
    expect(crossSiteRefusal(request({ Origin: "https://TECHEX.example.vn" }))).toBeNull();
    expect(crossSiteRefusal(request({ Origin: "https://techex.example.vn" }, "POST", "internal:3000"), "https://techex.example.vn")).toBeNull();
    expect(crossSiteRefusal(request({ Origin: "https://evil.example" }, "GET"))).toBeNull();
    expect(crossSiteRefusal(request({}))).toBeNull();
    expect(crossSiteRefusal(request({ Origin: "https://techex.example.vn.evil.example" }))).toMatch(/not this site/);
    expect(crossSiteRefusal(request({ Origin: "https://evil.example" }, "PATCH"))).toMatch(/not this site/);
    expect(crossSiteRefusal(request({ Referer: "https://evil.example/x" }))).toMatch(/Referer/);
    expect(crossSiteRefusal(request({ Origin: "javascript:alert(1)" }))).toMatch(/not a URL/);
    expect(crossSiteRefusal(request({ "Sec-Fetch-Site": "same-site", Origin: "https://techex.example.vn" }))).toMatch(/same-site/);
    expect(crossSiteRefusal({ ...request({ Origin: "https://evil.example" }), path: "/webhooks/stripe" })).toBeNull();
  });
});

describe("URLs the database cannot hold", () => {
  it("are refused with 400 before any loader runs (NUL and other controls in paths and queries, broken escapes)", async () => {
    for (const path of ["/listings/%00", "/api/listings/%00", "/orgs/%00", "/deals/%00", "/inquiries/%00", "/payments/%00", "/listings/%E0%A4%A", "/admin/audit?action=%00", "/listings/export?format=csv&q=a%00b", "/search?q=%01"]) {
      const response = await fetch(`${app.baseUrl}${path}`, { headers: { Cookie: cookie } });
      expect(response.status, path).toBe(400);
      expect(await response.text()).toMatch(/^Bad request: /);
    }
    expect(malformedUrlReason("/search", "q=50%&x=a%0Ab")).toBeNull();
    expect((await fetch(`${app.baseUrl}/search?q=50%25`)).status).toBe(200);
  });
});

describe("security headers", () => {
  it("are on HTML, JSON and upload answers, and the page's scripts carry this response's nonce", async () => {
    const page = await fetch(`${app.baseUrl}/search?q=may`);
    const policy = page.headers.get("Content-Security-Policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(1);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/\sstyle="/);
    const again = await fetch(`${app.baseUrl}/search?q=may`);
    expect(again.headers.get("Content-Security-Policy")).not.toContain(nonce);
    for (const path of ["/search?q=may", "/api/search?q=may", `/uploads/listings/${ids.listing}/missing.pdf`, "/healthz"]) {
      const response = await fetch(`${app.baseUrl}${path}`);
      const headers = response.headers;
      expect(headers.get("Content-Security-Policy"), path).toMatch(/default-src 'self'; script-src 'self' 'nonce-[^']+'; style-src 'self'; .*frame-ancestors 'none'/);
      expect(headers.get("Permissions-Policy"), path).toContain("camera=()");
      expect(headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(headers.get("Strict-Transport-Security"), path).toBeNull(); // not in production
    }
  });

  it("add HSTS in production", async () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, APP_URL: process.env.APP_URL };
    process.env.NODE_ENV = "production";
    process.env.APP_URL = "https://techex.example.vn"; // production requires it
    let production: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      production = await startApp();
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      if (saved.APP_URL === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = saved.APP_URL;
    }
    try {
      for (const path of ["/", "/api/search?q=may", "/uploads/listings/x/y.pdf"]) {
        expect((await fetch(`${production.baseUrl}${path}`)).headers.get("Strict-Transport-Security"), path).toBe("max-age=31536000; includeSubDomains");
      }
    } finally {
      await production.close();
    }
    expect(securityHeaders({ nonce: "n", production: false })["Strict-Transport-Security"]).toBeUndefined();
  });

  it("takes CSP violation reports from the browser and stores nothing", async () => {
    const before = await prisma.auditLog.count();
    const response = await fetch(`${app.baseUrl}/csp-report`, {
      method: "POST",
      headers: { "Content-Type": "application/csp-report" },
      body: JSON.stringify({ "csp-report": { "document-uri": `${app.baseUrl}/`, "violated-directive": "script-src", "blocked-uri": "inline" } }),
    });
    expect(response.status).toBe(204);
    expect(await prisma.auditLog.count()).toBe(before);
  });
});
