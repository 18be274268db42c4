import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { action as loginAction } from "~/routes/login.tsx";
import { action as logoutAction, loader as logoutLoader } from "~/routes/logout.tsx";
import { action as signupAction } from "~/routes/signup.tsx";
import { loader as dashboardLoader } from "~/routes/dashboard.tsx";
import { getUserId } from "~/modules/auth/session.server.ts";
import { safeRedirectPath } from "~/lib/redirect.ts";
import { action as localeAction } from "~/routes/locale.tsx";
import { consumeRateLimit, LIMITS } from "~/modules/auth/rate-limit.server.ts";
import { createUser, DEFAULT_PASSWORD, unique } from "./factories/index.ts";
import { call, cookieFrom, formRequest, freshIp, getRequest, settle } from "./setup/requests.ts";

/** Known open-redirect bypasses (OWASP, PortSwigger): each must land on the default page. */
const BYPASSES = [
  "/\\evil.example/phish",
  "//evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/%5Cevil.example",
  "/%2F%2Fevil.example",
  "/%252F%252Fevil.example",
  "/%5C%5Cevil.example",
  "%2F%2Fevil.example",
  "https://evil.example",
  "http:/evil.example",
  "javascript:alert(document.cookie)",
  "JaVaScRiPt:alert(1)",
  "/\tevil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/%09/evil.example",
  "/%0d%0a/evil.example",
  "data:text/html,<script>alert(1)</script>",
  " //evil.example",
  "///evil.example",
  "/" + "a".repeat(3000),
];

describe("safeRedirectPath", () => {
  it("keeps this site's paths with their query and fragment", () => {
    expect(safeRedirectPath("/listings/abc?tab=nda#nda")).toBe("/listings/abc?tab=nda#nda");
    expect(safeRedirectPath("/search?q=m%C3%A1y%20s%E1%BA%A5y")).toBe("/search?q=m%C3%A1y%20s%E1%BA%A5y");
    expect(safeRedirectPath("/a/../b")).toBe("/b");
  });
  it("refuses every bypass", () => {
    for (const value of BYPASSES) expect(safeRedirectPath(value), value).toBeUndefined();
  });
});

const goodSignup = () => ({
  name: "Trần Thị Lan",
  email: `${unique("lan")}@example.test`,
  password: "mat-khau-an-toan-9",
  confirmPassword: "mat-khau-an-toan-9",
  consent: "on",
});

describe("sign up", () => {
  it("creates a member, stores an argon2id hash and signs the person in", async () => {
    const input = goodSignup();
    const response = await settle(call(signupAction, await formRequest("/signup", input)));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/dashboard");
    const setCookie = response.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // NODE_ENV=test; see the production case below

    const user = await prisma.user.findUniqueOrThrow({
      where: { email: input.email },
      select: { id: true, name: true, passwordHash: true, roles: { select: { role: { select: { name: true } } } } },
    });
    expect(user.name).toBe("Trần Thị Lan");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(input.password);
    expect(user.roles.map((r) => r.role.name)).toEqual(["member"]);
    expect(await getUserId(getRequest("/", cookieFrom(response)))).toBe(user.id);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("normalises the e-mail address", async () => {
    const input = { ...goodSignup(), email: `  ${unique("Upper").toUpperCase()}@Example.TEST ` };
    await settle(call(signupAction, await formRequest("/signup", input)));
    expect(await prisma.user.count({ where: { email: input.email.trim().toLowerCase() } })).toBe(1);
  });

  it.each([
    ["a missing name", { name: "" }, "name", "errors.required"],
    ["a bad e-mail", { email: "not-an-email" }, "email", "errors.email"],
    ["a short password", { password: "abc12", confirmPassword: "abc12" }, "password", "errors.passwordTooShort"],
    ["a password without digits", { password: "onlyletters-here", confirmPassword: "onlyletters-here" }, "password", "errors.passwordWeak"],
    ["passwords that differ", { confirmPassword: "something-else-1" }, "confirmPassword", "errors.passwordsDiffer"],
    ["one of the 10,000 most common passwords", { password: "Password123", confirmPassword: "Password123" }, "password", "errors.passwordCommon"],
    ["no consent to the terms and privacy notice", { consent: "" }, "consent", "errors.consentRequired"],
  ])("answers 400 with a field message for %s and creates nothing", async (_label, change, field, message) => {
    const input = { ...goodSignup(), ...change };
    const before = await prisma.user.count();
    const response = await settle(call(signupAction, await formRequest("/signup", input)));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error[field]).toContain(message);
    // Passwords are never echoed back.
    expect(JSON.stringify(body)).not.toContain(input.password);
    expect(await prisma.user.count()).toBe(before);
  });

  it("refuses an address that is already registered", async () => {
    const existing = await createUser();
    const response = await settle(call(signupAction, await formRequest("/signup", { ...goodSignup(), email: existing.email })));
    expect(response.status).toBe(400);
    expect((await response.json()).error.email).toEqual(["errors.emailTaken"]);
    expect(await prisma.user.count({ where: { email: existing.email } })).toBe(1);
  });

  it("rejects a submission that fills the honeypot, or lacks it", async () => {
    const before = await prisma.user.count();
    const filled = await formRequest("/signup", goodSignup());
    const body = new URLSearchParams(await filled.text());
    const honeypotName = [...body.keys()].find((k) => !["name", "email", "password", "confirmPassword", "consent"].includes(k) && !k.toLowerCase().includes("from"))!;
    body.set(honeypotName, "http://spam.example");
    const spam = new Request(filled.url, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect((await settle(call(signupAction, spam))).status).toBe(400);
    const bare = await formRequest("/signup", goodSignup(), { withHoneypot: false });
    expect((await settle(call(signupAction, bare))).status).toBe(400);
    expect(await prisma.user.count()).toBe(before);
  });

  it("lets a room of 30 people sign up from one IP address, counting only accounts made, up to the limit", async () => {
    const ip = freshIp();
    // Forms sent back with mistakes are not counted.
    for (let i = 0; i < 5; i++) expect((await settle(call(signupAction, await formRequest("/signup", { ...goodSignup(), password: "x" }), { clientIp: ip }))).status).toBe(400);
    const room = await Promise.all(Array.from({ length: 30 }, async () => (await settle(call(signupAction, await formRequest("/signup", goodSignup()), { clientIp: ip }))).status));
    expect(room).toEqual(Array(30).fill(302));
    // The rest of the hour's allowance, then 429 with Retry-After and nothing created.
    for (let i = 30; i < LIMITS.signup.points; i++) await consumeRateLimit("signup", ip);
    const before = await prisma.user.count();
    const blocked = await settle(call(signupAction, await formRequest("/signup", goodSignup()), { clientIp: ip }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await prisma.user.count()).toBe(before);
    // Another address is not affected.
    expect((await settle(call(signupAction, await formRequest("/signup", goodSignup())))).status).toBe(302);
  });
});

describe("log in and out", () => {
  it("signs in with the right password and lands on the dashboard", async () => {
    const user = await createUser();
    const response = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })));
    expect(response.status).toBe(302);
    const cookie = cookieFrom(response);
    expect(await getUserId(getRequest("/", cookie))).toBe(user.id);
    const dashboard = await settle(call(dashboardLoader, getRequest("/dashboard", cookie)));
    expect(dashboard.status).toBe(200);
  });

  it("follows a safe redirectTo and ignores an off-site one", async () => {
    const user = await createUser();
    const local = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD, redirectTo: "/orgs/new" })));
    expect(local.headers.get("Location")).toBe("/orgs/new");
    const offsite = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD, redirectTo: "//evil.example" })));
    expect(offsite.headers.get("Location")).toBe("/dashboard");
  });

  it("never redirects off the site after login or sign-up, whatever bypass redirectTo tries", async () => {
    const user = await createUser();
    for (const redirectTo of BYPASSES) {
      const login = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD, redirectTo })));
      expect(login.headers.get("Location"), redirectTo).toBe("/dashboard");
    }
    const signup = await settle(call(signupAction, await formRequest("/signup", { ...goodSignup(), redirectTo: "/\\evil.example/phish" })));
    expect(signup.headers.get("Location")).toBe("/dashboard");
    const locale = await settle(call(localeAction, await formRequest("/locale", { locale: "en", redirectTo: "/%5Cevil.example" }, { withHoneypot: false })));
    expect(locale.headers.get("Location")).toBe("/");
  });

  it("gives a wrong password and an unknown e-mail the same answer", async () => {
    const user = await createUser();
    const wrong = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: "wrong-password-1" })));
    const unknown = await settle(call(loginAction, await formRequest("/login", { email: `${unique("nobody")}@example.test`, password: "wrong-password-1" })));
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a.error).toEqual({ "": ["errors.badCredentials"] });
    expect(b.error).toEqual(a.error);
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
  });

  it("refuses a disabled account", async () => {
    const user = await createUser({ disabledAt: new Date() });
    const response = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })));
    expect(response.status).toBe(400);
  });

  it("answers bad input with 400 and field messages", async () => {
    const response = await settle(call(loginAction, await formRequest("/login", { email: "", password: "" })));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.email).toContain("errors.required");
    expect(body.error.password).toContain("errors.required");
  });

  it("counts failed logins per account, wherever they come from; the right password then waits too", async () => {
    const user = await createUser();
    for (let i = 0; i < LIMITS.loginFailedAccount.points; i++) {
      expect((await settle(call(loginAction, await formRequest("/login", { email: user.email, password: "wrong-password-1" })))).status).toBe(400);
    }
    const blocked = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(blocked.headers.get("Set-Cookie")).toBeNull();
    // An unknown address is limited the same way, so the limit tells nothing about which addresses have accounts.
    const nobody = `${unique("nobody")}@example.test`;
    for (let i = 0; i < LIMITS.loginFailedAccount.points; i++) await settle(call(loginAction, await formRequest("/login", { email: nobody, password: "wrong-password-1" })));
    expect((await settle(call(loginAction, await formRequest("/login", { email: nobody, password: "wrong-password-1" })))).status).toBe(429);
  });

  it("does not count successful logins: an office behind one address signs in all day", async () => {
    const ip = freshIp();
    const user = await createUser();
    for (let i = 0; i < 15; i++) {
      expect((await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD }), { clientIp: ip }))).status).toBe(302);
    }
    // A success clears the account's failures: nine wrong, one right, nine wrong again still lets the right one in.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LIMITS.loginFailedAccount.points - 1; i++) await settle(call(loginAction, await formRequest("/login", { email: user.email, password: "wrong-password-1" }), { clientIp: ip }));
      expect((await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD }), { clientIp: ip }))).status).toBe(302);
    }
  });

  it("limits failed logins per IP address across accounts", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginFailedIp.points; i++) await consumeRateLimit("loginFailedIp", ip);
    const user = await createUser();
    const blocked = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD }), { clientIp: ip }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })))).status).toBe(302);
  });

  it("logs out with POST, deleting the session row; GET changes nothing", async () => {
    const user = await createUser();
    const login = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })));
    const cookie = cookieFrom(login);
    await logoutLoader();
    expect(await getUserId(getRequest("/", cookie))).toBe(user.id);
    const out = await settle(call(logoutAction, await formRequest("/logout", {}, { cookie })));
    expect(out.status).toBe(302);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    // The old cookie no longer signs anyone in, even if a client replays it.
    expect(await getUserId(getRequest("/", cookie))).toBeNull();
  });

  it("treats an expired session as signed out", async () => {
    const user = await createUser();
    const login = await settle(call(loginAction, await formRequest("/login", { email: user.email, password: DEFAULT_PASSWORD })));
    await prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getUserId(getRequest("/", cookieFrom(login)))).toBeNull();
    const dashboard = await settle(call(dashboardLoader, getRequest("/dashboard", cookieFrom(login))));
    expect(dashboard.status).toBe(302);
    expect(dashboard.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard");
  });
});
