import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/modules/auth/session.server.ts";
import {
  createBrokerageFee,
  createDeal,
  createInquiry,
  createListing,
  createMemberWithOrganisation,
  createNotification,
  createOrganisation,
  createPayment,
  createSavedSearch,
} from "./factories/index.ts";
import { appRoutes, realIdFor, startApp, urlOf, type AppRoute, type RouteIds } from "./setup/app-routes.ts";
import { getRequest } from "./setup/requests.ts";
import { startStripeServer } from "./setup/stripe-server.ts";

/**
 * Hardening #12 point 5: a bounded corpus of malformed requests — wrong body types, broken
 * multipart, NUL bytes, huge and negative numbers, overlong strings, wrong types, arrays for
 * scalars, ids out of range — sent to every route the build has (read from the build, so a new
 * route is covered), as a visitor and as an administrator who owns an organisation, through the
 * real server. Any 5xx fails, listed with the request that caused it.
 *
 * The fields and intents sent to each action are read from its route file and the module
 * schemas it imports, so each action's own validation is what gets exercised.
 */

const stripe = await startStripeServer();
Object.assign(process.env, stripe.env);

let app: Awaited<ReturnType<typeof startApp>>;
const routes: AppRoute[] = await appRoutes();
let adminId: string;
let ids: RouteIds;
const sent = { requests: 0, byKind: new Map<string, number>() };
const serverErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  const { user, organisation } = await createMemberWithOrganisation({ user: { roles: ["admin", "broker", "member"] } });
  adminId = user.id;
  const other = await createOrganisation();
  const listing = await createListing(organisation.id);
  const theirs = await createListing(other.id, { confidential: { details: "Bí mật", ndaText: "Cam kết bảo mật" } });
  const inquiry = await createInquiry(theirs.id, organisation.id);
  const deal = await createDeal(other.id, organisation.id, { offerListingId: theirs.id });
  const fee = await createBrokerageFee(deal.id, organisation.id);
  const payment = await createPayment(organisation.id);
  await createNotification(user.id);
  await createSavedSearch(user.id);
  ids = { listing: listing.id, theirs: theirs.id, organisation: organisation.id, inquiry: inquiry.id, deal: deal.id, fee: fee.id, payment: payment.id };
});

afterAll(async () => {
  await app?.close();
  await stripe.close();
});

/** What a hostile or careless client puts where an id goes. */
const BAD_IDS = ["\u0000", "99999999999999999999999", "-1", "x".repeat(600), "../../etc/passwd", "%", "null", "ｘ", "\u202e"];

/**
 * Values of the wrong type, size or shape for any field. Each form request gives every field
 * one of them, rotated so that across the requests of one intent every field gets every value
 * (eight of them, so the whole corpus stays under a minute in CI beside another test file).
 */
const BAD_VALUES = ["a\u0000b", "-1", "99999999999999999999999", "NaN", "", "\u202eevil\u0007", "2026-13-45T99:99", "x".repeat(5_000)];

const routeSources = new Map<string, { fields: string[]; intents: string[] }>();

/** Field names and intent literals from a route file and the module schemas it imports. */
function sourceOf(route: AppRoute): { fields: string[]; intents: string[] } {
  const known = routeSources.get(route.id);
  if (known) return known;
  const base = path.resolve("app/routes", route.id.replace(/^routes\//, ""));
  const file = [".tsx", ".ts"].map((ext) => base + ext).find(existsSync);
  const texts = file ? [readFileSync(file, "utf8")] : [];
  for (const match of (texts[0] ?? "").matchAll(/from "~\/(modules\/[\w-]+\/[\w.-]+\.ts)"/g)) {
    const imported = path.resolve("app", match[1]!);
    if (existsSync(imported) && !imported.endsWith(".server.ts")) texts.push(readFileSync(imported, "utf8"));
  }
  const all = texts.join("\n");
  const fields = new Set(["intent", "id", "ids", "version", "name", "title", "email", "role", "locale", "redirectTo", "message", "reason", "page", "q"]);
  for (const m of all.matchAll(/^\s*(\w+):\s*z\b/gm)) fields.add(m[1]!);
  for (const m of all.matchAll(/name="(\w+)"/g)) fields.add(m[1]!);
  const intents = new Set<string>();
  for (const m of all.matchAll(/z\.literal\("([\w-]+)"\)/g)) intents.add(m[1]!);
  for (const m of all.matchAll(/intent["']?\s*(?:===|:)\s*"([\w-]+)"/g)) intents.add(m[1]!);
  const found = { fields: [...fields], intents: intents.size > 0 ? [...intents] : [""] };
  routeSources.set(route.id, found);
  return found;
}

interface Attempt {
  kind: string;
  target: string;
  init: RequestInit & { headers?: Record<string, string> };
}

async function send({ kind, target, init }: Attempt) {
  sent.requests++;
  sent.byKind.set(kind, (sent.byKind.get(kind) ?? 0) + 1);
  const request = () => fetch(`${app.baseUrl}${target}`, { redirect: "manual", ...init, headers: { Origin: app.baseUrl, ...init.headers } });
  let response: Response;
  try {
    // A keep-alive connection the server closed after its previous answer is retried once on a new one, as browsers do.
    response = await request().catch(request);
    await response.arrayBuffer();
  } catch (error) {
    serverErrors.push(`${init.method ?? "GET"} ${target.slice(0, 160)} [${kind}] → no answer (${(error as Error & { cause?: Error }).cause?.message ?? String(error)})`);
    return;
  }
  if (response.status >= 500) serverErrors.push(`${init.method ?? "GET"} ${target.slice(0, 160)} [${kind}] → ${response.status}`);
}

/** Sends the attempts a few at a time (the server is in this process; a real one takes many at once). */
async function sendAll(attempts: Attempt[], inFlight = 4) {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < attempts.length) await send(attempts[next++]!);
  }));
}

/** Every field with a bad value, rotated by `shift` through BAD_VALUES. */
function form(fields: readonly string[], shift: number, extra: Record<string, string> = {}): URLSearchParams {
  const body = new URLSearchParams(extra);
  fields.forEach((field, i) => {
    if (!(field in extra)) body.append(field, BAD_VALUES[(i + shift) % BAD_VALUES.length]!);
  });
  return body;
}

const BOUNDARY = "----techexfuzz";
const MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

/** Bodies that are not the form an action expects. */
const WRONG_BODIES: { kind: string; type?: string; body: string | Blob }[] = [
  { kind: "json", type: "application/json", body: JSON.stringify({ intent: "archive", id: 1 }) },
  { kind: "malformed json", type: "application/json", body: '{"intent": ' },
  { kind: "empty body, no type", body: "" },
  { kind: "garbage, no type", body: "\u0000\u0001garbage" },
  { kind: "empty form", type: "application/x-www-form-urlencoded", body: "" },
  { kind: "text/plain", type: "text/plain", body: "intent=archive" },
  { kind: "xml", type: "application/xml", body: "<intent>archive</intent>" },
  { kind: "multipart without boundary", type: "multipart/form-data", body: "--x\r\n\r\n" },
  { kind: "multipart, broken body", type: MULTIPART, body: "this is not multipart at all" },
  { kind: "multipart, truncated", type: MULTIPART, body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="intent"\r\n\r\narch` },
  { kind: "multipart, no disposition", type: MULTIPART, body: `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${BOUNDARY}--\r\n` },
  { kind: "multipart, NUL field and file", type: MULTIPART, body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\na\u0000b\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a\u0000.csv"\r\nContent-Type: text/csv\r\n\r\ntitle\r\n\u0000\r\n--${BOUNDARY}--\r\n` },
  { kind: "urlencoded, broken escapes", type: "application/x-www-form-urlencoded", body: "intent=%E0%A4%A&title=%zz&%00=%00" },
  { kind: "urlencoded, binary", type: "application/x-www-form-urlencoded", body: new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x3d, 0x80])]) },
];

/** Query strings every loader gets: the same rotation over the parameters it reads and the usual ones. */
function badQueries(fields: readonly string[]): string[] {
  const names = [...new Set([...fields, "page", "q", "type", "status", "sector", "province", "sort", "format", "from", "to", "year", "period", "tab", "featured", "token", "lang"])];
  const queries = BAD_VALUES.map((_, shift) => new URLSearchParams(names.map((n, i) => [n, BAD_VALUES[(i + shift) % BAD_VALUES.length]!.slice(0, 500)])).toString());
  queries.push(names.map((n) => `${n}=1&${n}=2`).join("&")); // arrays for scalars
  return queries;
}

function attemptsFor(route: AppRoute, cookie: string | undefined, actor: string): Attempt[] {
  const { fields, intents } = sourceOf(route);
  const auth: Record<string, string> = cookie ? { Cookie: cookie } : {};
  const url = urlOf(route.pattern, realIdFor(route.pattern, ids));
  const hasParams = route.pattern.includes(":") || route.pattern.includes("*");
  const badUrls = hasParams ? BAD_IDS.map((bad) => urlOf(route.pattern, () => bad)) : [];
  const attempts: Attempt[] = [];
  const add = (kind: string, target: string, init: Attempt["init"] = {}) => attempts.push({ kind: `${actor} ${kind}`, target, init: { ...init, headers: { ...auth, ...init.headers } } });

  // The administrator gets the whole corpus; a visitor, whom most routes turn away before they read
  // a field, gets the bad ids, bodies and a third of the queries (public actions such as /login
  // read every field either way, and the administrator's pass sends them all).
  const whole = actor === "admin";
  if (route.hasLoader) {
    for (const target of [url, ...badUrls]) add("GET id", target);
    for (const [i, query] of badQueries(fields).entries()) if (whole || i % 3 === 0) add("GET query", `${url}?${query}`);
    add("GET ?_data", `${url}?_data=${encodeURIComponent(route.id)}&page=-1`);
  }
  const formType = { "Content-Type": "application/x-www-form-urlencoded" };
  if (!route.hasAction) {
    // A loader-only route must refuse other methods cleanly too.
    add("POST to loader", url, { method: "POST", headers: formType, body: "intent=x" });
    return attempts;
  }
  for (const wrong of WRONG_BODIES) add(`POST ${wrong.kind}`, url, { method: "POST", headers: wrong.type ? { "Content-Type": wrong.type } : {}, body: wrong.body });
  for (const target of badUrls) add("POST bad id", target, { method: "POST", headers: formType, body: "intent=x" });
  for (const intent of intents) {
    const extra: Record<string, string> = intent ? { intent } : {};
    for (let shift = 0; shift < BAD_VALUES.length; shift += whole ? 1 : 4) add("POST fields", url, { method: "POST", headers: formType, body: form(fields, shift, extra) });
    const doubled = new URLSearchParams();
    for (const field of fields) {
      doubled.append(field, "1");
      doubled.append(field, "2");
    }
    if (intent) doubled.set("intent", intent);
    add("POST arrays", url, { method: "POST", headers: formType, body: doubled });
    add("POST ?_data", `${url}?_data=${encodeURIComponent(route.id)}`, { method: "POST", headers: formType, body: form(fields, 0, extra) });
  }
  return attempts;
}

describe("malformed input", () => {
  let started = 0;
  beforeAll(() => void (started = Date.now()));

  for (const route of routes) {
    // About 150 requests a route: well under a second each alone, but CI runs another test file beside it.
    it(`${route.pattern} (${route.id}) never answers 5xx, to a visitor or an administrator`, { timeout: 120_000 }, async () => {
      const before = serverErrors.length;
      await sendAll(attemptsFor(route, undefined, "visitor"));
      // A fresh session per route: a fuzzed /logout ends the one it was sent with.
      const cookie = (await startSession(adminId, getRequest("/"), { clientIp: "203.0.113.50" })).split(";")[0]!;
      await sendAll(attemptsFor(route, cookie, "admin"));
      expect(serverErrors.slice(before)).toEqual([]);
    });
  }

  it("sent the whole corpus", () => {
    const seconds = (Date.now() - started) / 1000;
    console.log(`[bad-input] ${sent.requests} requests to ${routes.length} routes in ${seconds.toFixed(1)} s; ${serverErrors.length} answered 5xx or not at all`);
    console.log(`[bad-input] by kind: ${[...sent.byKind].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    expect(sent.requests).toBeGreaterThan(2_000);
  });
});
