/**
 * Accounts (issue #13): one-time links (reset password, first password, verify e-mail), the
 * password rule, e-mail verification before posting, inquiring and paying, consent at sign-up,
 * and `npm run users:create`.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { logIn } from "~/modules/auth/accounts.server.ts";
import { newPasswordProblem, isCommonPassword } from "~/modules/auth/password.server.ts";
import { LIMITS } from "~/modules/auth/rate-limit.server.ts";
import { getUserId } from "~/modules/auth/session.server.ts";
import { accountTasks } from "~/modules/auth/tasks.server.ts";
import { consumeAccountToken, issueAccountToken } from "~/modules/auth/tokens.server.ts";
import { administratorExists, createOrPromoteAccount } from "~/modules/auth/operators.server.ts";
import { PRIVACY_VERSION, TERMS_VERSION } from "~/modules/legal/versions.ts";
import { action as forgotAction } from "~/routes/forgot-password.tsx";
import { action as inquireAction } from "~/routes/listings.$id_.inquire.tsx";
import { loader as newListingLoader } from "~/routes/listings.new.tsx";
import { action as payFeeAction } from "~/routes/fees.$id.pay.tsx";
import { action as passwordAction, loader as passwordLoader } from "~/routes/password.$token.tsx";
import { action as signupAction } from "~/routes/signup.tsx";
import { action as verifyAction, loader as verifyLoader } from "~/routes/verify-email.$token.tsx";
import { action as resendAction } from "~/routes/verify-email._index.tsx";
import { mailTo, runJobs } from "./factories/alerts.ts";
import { createListing, createMemberWithOrganisation, createSession, createUser, DEFAULT_PASSWORD, unique } from "./factories/index.ts";
import { runScript } from "./setup/cli.ts";
import { call, cookieFrom, formRequest, freshIp, getRequest, settle } from "./setup/requests.ts";

const NEW_PASSWORD = "dua-hau-ngot-2027";
const linkIn = (text: string, path: "password" | "verify-email") => new RegExp(`http://localhost:\\d+/${path}/([A-Za-z0-9_-]{43})`).exec(text)?.[1];

async function askForReset(email: string, clientIp = freshIp()) {
  return settle(call(forgotAction, await formRequest("/forgot-password", { email }), { clientIp }));
}

async function setPassword(token: string, password: string) {
  return settle(call(passwordAction, await formRequest(`/password/${token}`, { password, confirmPassword: password }, { withHoneypot: false }), { params: { token } }));
}

describe("the password rule", () => {
  it("refuses the 10,000 most common passwords whatever their case, and short or letter-only ones", () => {
    expect(isCommonPassword("Password123")).toBe(true);
    expect(isCommonPassword("qwertyuiop")).toBe(true);
    expect(newPasswordProblem("1q2w3e4r5t")).toBe("errors.passwordCommon");
    expect(newPasswordProblem("abc12")).toBe("errors.passwordTooShort");
    expect(newPasswordProblem("onlyletters-here")).toBe("errors.passwordWeak");
    expect(newPasswordProblem(NEW_PASSWORD)).toBeNull();
    expect(newPasswordProblem(DEFAULT_PASSWORD)).toBeNull();
  });
});

describe("password reset by e-mail", () => {
  it("answers a known and an unknown address alike, and e-mails a link only to the account", async () => {
    const user = await createUser();
    const nobody = `${unique("nobody")}@example.test`;
    const [known, unknown] = [await askForReset(user.email), await askForReset(nobody)];
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const body = async (r: Response) => JSON.stringify({ ...(await r.json()), sentTo: "…" });
    expect(await body(known)).toBe(await body(unknown));
    await runJobs(accountTasks);
    expect(mailTo(nobody)).toEqual([]);
    const [mail] = mailTo(user.email);
    expect(mail?.subject).toBe("Đặt lại mật khẩu Techex");
    expect(linkIn(mail!.text, "password")).toBeDefined();
    // Only the hash of the token is stored.
    const stored = await prisma.accountToken.findFirstOrThrow({ where: { userId: user.id, purpose: "RESET_PASSWORD" } });
    expect(mail!.text).not.toContain(stored.tokenHash);
    expect(Math.abs(stored.expiresAt.getTime() - stored.createdAt.getTime() - 60 * 60 * 1000)).toBeLessThan(5_000);
  });

  it("sets the password once, ends every session of the account and signs this browser in", async () => {
    const user = await createUser();
    const elsewhere = await createSession(user.id);
    await askForReset(user.email);
    await runJobs(accountTasks);
    const token = linkIn(mailTo(user.email).at(-1)!.text, "password")!;
    expect((await settle(call(passwordLoader, getRequest(`/password/${token}`), { params: { token } }))).status).toBe(200);

    const common = await setPassword(token, "Password123");
    expect(common.status).toBe(400);
    expect((await common.json()).error.password).toEqual(["errors.passwordCommon"]);

    const done = await setPassword(token, NEW_PASSWORD);
    expect(done.status).toBe(302);
    expect(await getUserId(getRequest("/", cookieFrom(done)))).toBe(user.id);
    expect(await prisma.session.findUnique({ where: { id: elsewhere.id } })).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
    expect((await logIn({ email: user.email, password: DEFAULT_PASSWORD })).ok).toBe(false);
    expect((await logIn({ email: user.email, password: NEW_PASSWORD })).ok).toBe(true);
    expect(await prisma.auditLog.count({ where: { entityId: user.id, action: "auth.password.reset" } })).toBe(1);

    // Used: the page and the form both say so, and nothing changes.
    expect((await settle(call(passwordLoader, getRequest(`/password/${token}`), { params: { token } }))).status).toBe(404);
    expect((await setPassword(token, "another-pass-2028")).status).toBe(404);
    expect((await logIn({ email: user.email, password: NEW_PASSWORD })).ok).toBe(true);
  });

  it("refuses an expired link, and an older link once a newer one is sent", async () => {
    const user = await createUser();
    const old = await issueAccountToken(user.id, "RESET_PASSWORD");
    const newer = await issueAccountToken(user.id, "RESET_PASSWORD");
    expect((await setPassword(old.token, NEW_PASSWORD)).status).toBe(404);
    await prisma.accountToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await setPassword(newer.token, NEW_PASSWORD)).status).toBe(404);
    expect((await logIn({ email: user.email, password: DEFAULT_PASSWORD })).ok).toBe(true);
  });

  it("lets exactly one of many concurrent clicks use a link", async () => {
    const user = await createUser();
    const { token } = await issueAccountToken(user.id, "VERIFY_EMAIL");
    const results = await Promise.all(Array.from({ length: 8 }, () => prisma.$transaction((tx) => consumeAccountToken(tx, token, ["VERIFY_EMAIL"]))));
    expect(results.filter(Boolean)).toEqual([{ userId: user.id, purpose: "VERIFY_EMAIL" }]);
  });

  it("sends at most three reset e-mails an hour to one address, answering the same; 429 per IP after twenty forms", async () => {
    const user = await createUser();
    for (let i = 0; i < LIMITS.passwordResetAccount.points + 2; i++) {
      expect((await askForReset(user.email)).status).toBe(200);
      await runJobs(accountTasks);
    }
    expect(mailTo(user.email)).toHaveLength(LIMITS.passwordResetAccount.points);
    const ip = freshIp();
    for (let i = 0; i < LIMITS.passwordResetIp.points; i++) await askForReset(`${unique("x")}@example.test`, ip);
    const blocked = await askForReset(`${unique("x")}@example.test`, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

describe("sign-up, consent and e-mail verification", () => {
  async function signUp() {
    const email = `${unique("moi")}@example.test`;
    const password = "mat-khau-an-toan-9";
    const response = await settle(call(signupAction, await formRequest("/signup", { name: "Lê Văn Mới", email, password, confirmPassword: password, consent: "on" })));
    expect(response.status).toBe(302);
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    return { user, cookie: cookieFrom(response) };
  }

  it("records consent to the current texts' versions and starts unverified, with the verification e-mail sent", async () => {
    const { user } = await signUp();
    expect(user.emailVerifiedAt).toBeNull();
    const consents = await prisma.consent.findMany({ where: { userId: user.id }, orderBy: { document: "asc" }, select: { document: true, version: true } });
    expect(consents).toEqual([
      { document: "TERMS", version: TERMS_VERSION },
      { document: "PRIVACY", version: PRIVACY_VERSION },
    ]);
    await runJobs(accountTasks);
    const [mail] = mailTo(user.email);
    expect(mail?.subject).toBe("Xác nhận địa chỉ e-mail của bạn trên Techex");
    expect(linkIn(mail!.text, "verify-email")).toBeDefined();
  });

  it("refuses posting, inquiring and paying with 403 until the address is verified by the link", async () => {
    const { user, cookie } = await signUp();
    const { organisation } = await createMemberWithOrganisation();
    const listing = await createListing(organisation.id);
    await prisma.membership.create({ data: { userId: user.id, organisationId: (await prisma.organisation.create({ data: { name: unique("Org"), kind: "ENTERPRISE", provinceCode: "79" } })).id, role: "OWNER" } });

    const blocked = [
      await settle(call(newListingLoader, getRequest("/listings/new", cookie))),
      await settle(call(inquireAction, await formRequest(`/listings/${listing.id}/inquire`, { message: "x" }, { cookie }), { params: { id: listing.id } })),
      await settle(call(payFeeAction, await formRequest("/fees/none/pay", {}, { cookie, withHoneypot: false }), { params: { id: "none" } })),
    ];
    for (const response of blocked) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ reason: "email-unverified" });
    }
    expect(await prisma.inquiry.count({ where: { listingId: listing.id } })).toBe(0);

    // The resend button queues a new e-mail; the newest link is the one that works.
    expect((await settle(call(resendAction, await formRequest("/verify-email", {}, { cookie, withHoneypot: false })))).status).toBe(200);
    await runJobs(accountTasks);
    const token = linkIn(mailTo(user.email).at(-1)!.text, "verify-email")!;
    // GET changes nothing (mail scanners open links).
    expect((await settle(call(verifyLoader, getRequest(`/verify-email/${token}`), { params: { token } }))).status).toBe(200);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeNull();
    const verified = await settle(call(verifyAction, await formRequest(`/verify-email/${token}`, {}, { withHoneypot: false }), { params: { token } }));
    expect(verified.status).toBe(302);
    expect(verified.headers.get("Location")).toBe("/verify-email?done=1");
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).not.toBeNull();
    expect((await settle(call(newListingLoader, getRequest("/listings/new", cookie)))).status).toBe(200);
    // Used once.
    expect((await settle(call(verifyAction, await formRequest(`/verify-email/${token}`, {}, { withHoneypot: false }), { params: { token } }))).status).toBe(404);
  });
});

describe("npm run users:create", () => {
  const run = (args: string[]) => runScript("scripts/users-create.ts", args);

  it("refuses bad arguments with exit status 2 and says which", async () => {
    const bad = await run(["--email", "not-an-address", "--name", "A", "--role", "owner"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--email: Enter a valid e-mail address.");
    expect(bad.stderr).toContain("--role: must be admin, broker or member");
    expect(bad.stderr).toContain("usage: npm run users:create");
    expect(await prisma.user.count({ where: { email: "not-an-address" } })).toBe(0);
  });

  it("creates a verified administrator with a link to set the password; running it again changes nothing", async () => {
    await prisma.userRole.deleteMany({ where: { role: { name: "admin" } } });
    expect(await administratorExists()).toBe(false);
    const email = `${unique("quan-tri")}@example.test`;
    const made = await run(["--email", email.toUpperCase(), "--name", "Quản Trị Viên", "--role", "admin"]);
    expect(made.stderr).not.toContain(`"level":"error"`);
    expect(made.status).toBe(0);
    expect(await administratorExists()).toBe(true);
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true, emailVerifiedAt: true, roles: { select: { role: { select: { name: true } } } } } });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.roles.map((r) => r.role.name).sort()).toEqual(["admin", "member"]);
    const token = linkIn(made.stdout, "password")!;
    expect(token).toBeDefined();
    expect(await prisma.auditLog.count({ where: { entityId: user.id, action: "user.create" } })).toBe(1);

    const page = await settle(call(passwordLoader, getRequest(`/password/${token}`), { params: { token } }));
    expect(await page.json()).toEqual({ state: "ready", purpose: "SET_PASSWORD", email });
    expect((await setPassword(token, NEW_PASSWORD)).status).toBe(302);
    expect((await logIn({ email, password: NEW_PASSWORD })).ok).toBe(true);

    // Again (the same code the command runs): nothing to add, no new link, the password kept.
    expect(await createOrPromoteAccount({ email, name: "Quản Trị Viên", role: "admin", lang: "vi" })).toEqual({ ok: true, userId: user.id, created: false, rolesAdded: [], link: null });
    expect((await logIn({ email, password: NEW_PASSWORD })).ok).toBe(true);
  });

  it("makes a broker only of a broker centre's organisation, promoting an existing account", async () => {
    const centre = await prisma.organisation.create({ data: { name: unique("Trung tâm"), kind: "BROKER_CENTER", provinceCode: "79" } });
    const user = await createUser();
    const input = { email: user.email, name: "X Y", role: "broker" as const, lang: "vi" as const };
    expect(await createOrPromoteAccount(input)).toEqual({ ok: false, reason: "broker-needs-centre" });
    expect(await createOrPromoteAccount({ ...input, organisation: "no-such-organisation" })).toEqual({ ok: false, reason: "unknown-organisation" });
    expect(await createOrPromoteAccount({ ...input, organisation: centre.id })).toMatchObject({ ok: true, created: false, rolesAdded: ["broker"], link: null });
    const roles = await prisma.userRole.findMany({ where: { userId: user.id }, select: { role: { select: { name: true } } } });
    expect(roles.map((r) => r.role.name).sort()).toEqual(["broker", "member"]);
    expect(await prisma.membership.count({ where: { userId: user.id, organisationId: centre.id } })).toBe(1);
    expect((await logIn({ email: user.email, password: DEFAULT_PASSWORD })).ok).toBe(true);
  });
});
