import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { LIMITS } from "~/modules/auth/rate-limit.server.ts";
import { INVITATION_TTL_MS } from "~/modules/orgs/invitations.server.ts";
import { organisationTasks } from "~/modules/orgs/tasks.server.ts";
import { loader as dashboardLoader } from "~/routes/dashboard.tsx";
import { action as pendingAction } from "~/routes/invitations._index.tsx";
import { action as invitationAction, loader as invitationLoader } from "~/routes/invitations.$token.tsx";
import { action as membersAction, loader as membersLoader } from "~/routes/orgs.$id_.members.tsx";
import { action as signupAction } from "~/routes/signup.tsx";
import { cookieFor, mailTo, runJobs } from "./factories/alerts.ts";
import { createMemberWithOrganisation, createMembership, createOrganisation, createUser, unique } from "./factories/index.ts";
import { createInvitation } from "./factories/invitations.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

/*
 * Hardening #12, point 3: membership is by invitation. An owner invites an address; the person
 * holding it accepts through the e-mailed link (or in the app once their address is verified).
 * The owner's page answers the same whether an account uses the address or not; invitations
 * expire, can be revoked and renewed, and are rate-limited.
 */

const DAY = 24 * 60 * 60 * 1000;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function postMembers(cookie: string, organisationId: string, fields: Record<string, string>, clientIp?: string) {
  const request = await formRequest(`/orgs/${organisationId}/members`, fields, { cookie, withHoneypot: false });
  return settle(call(membersAction, request, { params: { id: organisationId }, clientIp }));
}

const invite = (cookie: string, organisationId: string, email: string, role = "MEMBER") => postMembers(cookie, organisationId, { intent: "invite", email, role });

/** Runs the invitation e-mail jobs and returns the token of the newest link e-mailed to `email`. */
async function linkSentTo(email: string): Promise<string> {
  await runJobs(organisationTasks);
  const mails = mailTo(email.toLowerCase());
  const token = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(mails.at(-1)?.text ?? "")?.[1];
  if (!token) throw new Error(`no invitation link was e-mailed to ${email}`);
  return token;
}

async function openLink(token: string, cookie?: string) {
  const response = await settle(call(invitationLoader, getRequest(`/invitations/${token}`, cookie), { params: { token } }));
  return { status: response.status, text: await response.clone().text(), body: (await response.json()) as { page: { state: string; organisation?: { name: string }; role?: string } } };
}

async function answerLink(token: string, cookie: string, intent = "accept") {
  const request = await formRequest(`/invitations/${token}`, { intent }, { cookie, withHoneypot: false });
  return settle(call(invitationAction, request, { params: { token } }));
}

async function answerInApp(invitationId: string, cookie: string, intent = "accept") {
  const request = await formRequest("/invitations?index", { intent, invitationId }, { cookie, withHoneypot: false });
  return settle(call(pendingAction, request));
}

const membershipsOf = (organisationId: string) =>
  prisma.membership.findMany({ where: { organisationId }, orderBy: { createdAt: "asc" }, select: { userId: true, role: true } });

/** Everything about an organisation's invitations and memberships, to show a refused request changed nothing. */
async function snapshot(organisationId: string) {
  return {
    memberships: await prisma.membership.findMany({ where: { organisationId }, orderBy: { id: "asc" } }),
    invitations: await prisma.organisationInvitation.findMany({ where: { organisationId }, orderBy: { id: "asc" } }),
  };
}

/** The built app, to compare the HTML a browser gets. */
let handler: ((request: Request) => Promise<Response>) | undefined;
beforeAll(async () => {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  handler = (request) => handle(request, { clientIp: "203.0.113.51" });
});

async function postPage(url: string, fields: Record<string, string>, cookie: string) {
  const headers = new Headers({ "Accept-Language": "vi", "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie });
  return handler!(new Request(`http://localhost${url}`, { method: "POST", headers, body: new URLSearchParams(fields) }));
}

describe("inviting", () => {
  it("answers the same, in status, JSON and HTML, whether an account uses the address or not", async () => {
    // An administrator and broker: once anyone could be added to any organisation by typing their address.
    const existing = await createUser({ email: `${unique("quan-tri")}@example.test`, roles: ["admin", "broker", "member"] });
    const unknown = `${unique("chua-co-tai-khoan")}@example.test`;
    const name = unique("Công ty CP Công nghệ Mời");
    const a = await createMemberWithOrganisation({ organisation: { name } });
    const b = await createMemberWithOrganisation({ organisation: { name } });
    const cookieA = await cookieFor(a.user.id);
    const cookieB = await cookieFor(b.user.id);

    const toExisting = await invite(cookieA, a.organisation.id, existing.email.toUpperCase());
    const toUnknown = await invite(cookieB, b.organisation.id, unknown);
    expect(toExisting.status).toBe(200);
    expect(toUnknown.status).toBe(200);
    const jsonA = await toExisting.json();
    const jsonB = await toUnknown.json();
    expect(jsonA).toEqual({ intent: "invite", lastResult: { initialValue: null }, invited: existing.email });
    expect(JSON.stringify(jsonA).replaceAll(existing.email, "ADDRESS")).toBe(JSON.stringify(jsonB).replaceAll(unknown, "ADDRESS"));
    // Neither became a member: the invitee has to accept.
    expect(await membershipsOf(a.organisation.id)).toEqual([{ userId: a.user.id, role: "OWNER" }]);

    // The page a browser shows after the post, through the built app.
    const pageA = await postPage(`/orgs/${a.organisation.id}/members`, { intent: "invite", email: existing.email, role: "MEMBER" }, cookieA);
    const pageB = await postPage(`/orgs/${b.organisation.id}/members`, { intent: "invite", email: unknown, role: "MEMBER" }, cookieB);
    expect(pageA.status).toBe(200);
    expect(pageB.status).toBe(200);
    const normalise = (html: string, replacements: Record<string, string>) => {
      let out = html;
      for (const [from, to] of Object.entries(replacements)) out = out.replaceAll(from, to);
      return out
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "TIME")
        .replace(/\bc[a-z0-9]{24}\b/g, "ID")
        .replace(/nonce="[^"]*"/g, 'nonce=""')
        // The honeypot's timestamp, encrypted afresh for every page.
        .replace(/U2FsdGVkX1[A-Za-z0-9+/=]+/g, "HONEYPOT");
    };
    const htmlA = normalise(await pageA.text(), { [existing.email]: "ADDRESS", [a.user.email]: "OWNER" });
    const htmlB = normalise(await pageB.text(), { [unknown]: "ADDRESS", [b.user.email]: "OWNER" });
    expect(htmlA).toContain("ADDRESS");
    expect(htmlA).toContain("lời mời đang được gửi");
    expect(htmlA).toBe(htmlB);

    // Both addresses got the same e-mail, the link aside.
    const [mailA, mailB] = [await linkSentTo(existing.email), await linkSentTo(unknown)].map((token, i) => {
      const mail = mailTo(i === 0 ? existing.email : unknown).at(-1)!;
      return { subject: mail.subject, text: mail.text.replace(token, "TOKEN") };
    });
    expect(mailA).toEqual(mailB);
    expect(mailA!.subject).toContain(name);
  });

  it("no longer adds an existing account directly: the old intent is a 400 and creates nothing", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const target = await createUser();
    const before = await snapshot(organisation.id);
    const response = await postMembers(await cookieFor(owner.id), organisation.id, { intent: "add-member", email: target.email, role: "OWNER" });
    expect(response.status).toBe(400);
    expect(await snapshot(organisation.id)).toEqual(before);
    expect(await prisma.membership.count({ where: { userId: target.id } })).toBe(0);
  });

  it("refuses bad input with 400 and a field message: addresses, roles, ids out of range, NUL bytes", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const cookie = await cookieFor(owner.id);
    const before = await snapshot(organisation.id);
    const cases: [Record<string, string>, string, string][] = [
      [{ intent: "invite", email: "not-an-address", role: "MEMBER" }, "email", "errors.email"],
      [{ intent: "invite", email: "", role: "MEMBER" }, "email", "errors.required"],
      [{ intent: "invite", email: `${"a".repeat(250)}@example.test`, role: "MEMBER" }, "email", "errors.tooLong"],
      [{ intent: "invite", email: "nul\u0000byte", role: "MEMBER" }, "email", "errors.email"],
      [{ intent: "invite", email: "ok@example.test", role: "ADMIN" }, "role", "errors.chooseOne"],
      [{ intent: "invite", email: "ok@example.test", role: "\u0000" }, "role", "errors.chooseOne"],
      [{ intent: "revoke-invitation", invitationId: "9".repeat(200) }, "invitationId", "errors.chooseOne"],
      [{ intent: "revoke-invitation", invitationId: "\u0000" }, "invitationId", "errors.required"],
      [{ intent: "revoke-invitation", invitationId: "../../x" }, "invitationId", "errors.chooseOne"],
      [{ intent: "remove-member", membershipId: "-1 OR 1=1" }, "membershipId", "errors.chooseOne"],
    ];
    for (const [fields, field, message] of cases) {
      const response = await postMembers(cookie, organisation.id, fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      const error = (await response.json()).lastResult.error as Record<string, string[]>;
      expect(error[field], JSON.stringify(fields)).toEqual([message]);
    }
    expect(await snapshot(organisation.id)).toEqual(before);

    const someone = await cookieFor((await createUser()).id);
    const token = "A".repeat(43);
    for (const intent of ["join", "\u0000", ""]) expect((await answerLink(token, someone, intent)).status).toBe(400);
    for (const invitationId of ["x".repeat(600), "\u0000", "a b"]) {
      const response = await answerInApp(invitationId, someone);
      expect(response.status).toBe(400);
      expect((await response.json()).error.invitationId).toEqual([invitationId === "\u0000" ? "errors.required" : "errors.chooseOne"]);
    }
    for (const bad of ["\u0000", "x".repeat(600), "%", "../../etc/passwd"]) expect((await openLink(bad)).status).toBe(404);
  });

  it("rate-limits invitations per organisation and per inviter: 429 with a clear message, nothing created", async () => {
    expect(LIMITS.invitationOrganisation.points).toBe(20);
    // Per organisation: two owners share the organisation's allowance.
    const { user: first, organisation } = await createMemberWithOrganisation();
    const second = await createUser();
    await createMembership(second.id, organisation.id, "OWNER");
    const cookies = [await cookieFor(first.id), await cookieFor(second.id)];
    for (let i = 0; i < 20; i++) expect((await invite(cookies[i % 2]!, organisation.id, `moi-${i}-${unique("x")}@example.test`)).status).toBe(200);
    const before = await snapshot(organisation.id);
    const jobsBefore = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'orgs:invitation-email'`;
    const limited = await invite(cookies[0]!, organisation.id, `mot-nua-${unique("x")}@example.test`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await limited.json()).lastResult.error[""]).toEqual(["invitations.tooMany"]);
    expect(await snapshot(organisation.id)).toEqual(before);
    expect(await prisma.$queryRaw`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'orgs:invitation-email'`).toEqual(jobsBefore);

    // Per inviter: one person owning two organisations has 20 in all.
    const { user: owner, organisation: one } = await createMemberWithOrganisation();
    const two = await createOrganisation();
    await createMembership(owner.id, two.id, "OWNER");
    const cookie = await cookieFor(owner.id);
    for (let i = 0; i < 20; i++) expect((await invite(cookie, i % 2 ? one.id : two.id, `khach-${i}-${unique("x")}@example.test`)).status).toBe(200);
    const count = await prisma.organisationInvitation.count({ where: { invitedById: owner.id } });
    expect((await invite(cookie, one.id, `them-${unique("x")}@example.test`)).status).toBe(429);
    expect(await prisma.organisationInvitation.count({ where: { invitedById: owner.id } })).toBe(count);
  });

  it("is only for the organisation's owners: a member and an outsider get 403, and use up none of its allowance", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const member = await createUser();
    await createMembership(member.id, organisation.id);
    const { user: outsider } = await createMemberWithOrganisation();
    for (const user of [member, outsider]) {
      const cookie = await cookieFor(user.id);
      for (let i = 0; i < 25; i++) expect((await invite(cookie, organisation.id, `x${i}@example.test`)).status).toBe(403);
    }
    expect(await prisma.organisationInvitation.count({ where: { organisationId: organisation.id } })).toBe(0);
    expect((await invite(await cookieFor(owner.id), organisation.id, "still-allowed@example.test")).status).toBe(200);
  });
});

describe("accepting", () => {
  it("through the e-mailed link creates the membership with the invited role, once", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const invitee = await createUser({ locale: "en", name: "Lan Nguyen" });
    expect((await invite(await cookieFor(owner.id), organisation.id, `  ${invitee.email.toUpperCase()} `, "OWNER")).status).toBe(200);

    const token = await linkSentTo(invitee.email);
    const mail = mailTo(invitee.email).at(-1)!;
    expect(mail.headers["content-language"]).toBe("en");
    expect(mail.subject).toBe(`Nguyễn Văn Thử invites you to join ${organisation.name} on Techex`);
    expect(mail.text).toContain(`http://localhost:3000/invitations/${token}`);
    expect(mail.html).toContain(`href="http://localhost:3000/invitations/${token}"`);
    // Only the token's hash is kept; the job's payload never held it.
    const row = await prisma.organisationInvitation.findFirstOrThrow({ where: { organisationId: organisation.id } });
    expect(row.tokenHash).toBe(sha256(token));
    expect(row.email).toBe(invitee.email);
    expect(JSON.stringify(await prisma.$queryRaw`SELECT * FROM graphile_worker.jobs`)).not.toContain(token);

    const anonymous = await openLink(token);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.page).toMatchObject({ state: "signed-out", organisation: { name: organisation.name }, role: "OWNER" });
    expect(anonymous.text).not.toContain(invitee.email);
    const cookie = await cookieFor(invitee.id);
    expect((await openLink(token, cookie)).body.page.state).toBe("ready");

    const accepted = await answerLink(token, cookie);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("Location")).toBe(`/orgs/${organisation.id}`);
    expect(await membershipsOf(organisation.id)).toEqual([
      { userId: owner.id, role: "OWNER" },
      { userId: invitee.id, role: "OWNER" },
    ]);
    const done = await prisma.organisationInvitation.findUniqueOrThrow({ where: { id: row.id } });
    expect(done.acceptedById).toBe(invitee.id);
    expect(done.acceptedAt).not.toBeNull();
    const audit = await prisma.auditLog.findMany({ where: { actorId: invitee.id, action: { startsWith: "membership." } }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["membership.add", "membership.invite.accept"]);

    // Used: the link is refused like any other dead link, and changes nothing.
    const before = await snapshot(organisation.id);
    expect((await answerLink(token, cookie)).status).toBe(404);
    expect((await openLink(token, cookie)).body.page.state).toBe("invalid");
    expect(await snapshot(organisation.id)).toEqual(before);
  });

  it("lets someone without an account sign up from the link and come back to accept", async () => {
    // A name with markup and a placeholder in it is shown as the text it is, isolated.
    const { user: owner, organisation } = await createMemberWithOrganisation({ organisation: { name: unique("Viện A & B <i>x</i> {{role}}") } });
    const address = `${unique("nguoi-moi")}@example.test`;
    await invite(await cookieFor(owner.id), organisation.id, address);
    const token = await linkSentTo(address);
    expect(mailTo(address).at(-1)!.headers["content-language"]).toBe("vi");
    const next = `/invitations/${token}`;
    const page = await handler!(new Request(`http://localhost${next}`, { headers: { "Accept-Language": "vi" } }));
    expect(page.status).toBe(200);
    const html = await page.text();
    const shown = organisation.name.replace("&", "&amp;").replace("<i>", "&lt;i&gt;").replace("</i>", "&lt;/i&gt;");
    expect(html).toContain(`Lời mời tham gia <bdi>${shown}</bdi>`);
    expect(html).toContain(`Bạn được mời tham gia <bdi>${shown}</bdi> trên Techex với vai trò Thành viên.`);
    expect(html).toContain(`href="/signup?redirectTo=${encodeURIComponent(next)}"`);
    expect(html).toContain(`href="/login?redirectTo=${encodeURIComponent(next)}"`);
    const dead = await handler!(new Request(`http://localhost/invitations/${"Q".repeat(43)}`, { headers: { "Accept-Language": "vi" } }));
    expect(dead.status).toBe(404);
    expect(await dead.text()).toContain("Không thể dùng liên kết mời này");

    const signup = await settle(
      call(signupAction, await formRequest("/signup", { name: "Phạm Thu Hà", email: address, password: "mat-khau-2026", confirmPassword: "mat-khau-2026", consent: "on", redirectTo: next })),
    );
    expect(signup.status).toBe(302);
    expect(signup.headers.get("Location")).toBe(next);
    const cookie = signup.headers.get("Set-Cookie")!.split(";")[0]!;
    expect((await answerLink(token, cookie)).status).toBe(302);
    const user = await prisma.user.findUniqueOrThrow({ where: { email: address } });
    expect(await membershipsOf(organisation.id)).toContainEqual({ userId: user.id, role: "MEMBER" });
  });

  it("refuses an account with another address, telling it nothing about the invitation", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation({ organisation: { name: unique("Viện Bí Mật") } });
    const invitee = await createUser();
    const other = await createUser();
    await invite(await cookieFor(owner.id), organisation.id, invitee.email, "OWNER");
    const token = await linkSentTo(invitee.email);
    const before = await snapshot(organisation.id);

    const cookie = await cookieFor(other.id);
    const seen = await openLink(token, cookie);
    expect(seen.status).toBe(403);
    expect(seen.body.page).toEqual({ state: "wrong-account" });
    for (const secret of [organisation.name, invitee.email, organisation.id, "OWNER"]) expect(seen.text).not.toContain(secret);
    for (const intent of ["accept", "decline"]) {
      const refused = await answerLink(token, cookie, intent);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ state: "wrong-account", errors: null });
    }
    expect(await snapshot(organisation.id)).toEqual(before);

    // Still open for the person it was sent to.
    expect((await answerLink(token, await cookieFor(invitee.id))).status).toBe(302);
  });

  it("refuses expired, revoked, declined, used and unknown links alike, and they change nothing", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const ownerCookie = await cookieFor(owner.id);
    const invitee = await createUser();
    const cookie = await cookieFor(invitee.id);
    const email = invitee.email;
    const expired = await createInvitation(organisation.id, { email, expiresAt: new Date(Date.now() - 1000) });
    const revoked = await createInvitation(organisation.id, { email, revokedAt: new Date() });
    const declined = await createInvitation(organisation.id, { email, declinedAt: new Date() });
    const used = await createInvitation(organisation.id, { email, acceptedAt: new Date(), acceptedById: invitee.id });
    // Revoked by the owner through the page: it leaves the list and the link dies.
    const live = await createInvitation(organisation.id, { email: `${unique("thu-hoi")}@example.test` });
    const listed = async () => ((await (await settle(call(membersLoader, getRequest(`/orgs/${organisation.id}/members`, ownerCookie), { params: { id: organisation.id } }))).json()) as { invitations: { id: string }[] }).invitations.map((i) => i.id);
    expect(await listed()).toContain(live.invitation.id);
    expect((await postMembers(ownerCookie, organisation.id, { intent: "revoke-invitation", invitationId: live.invitation.id })).status).toBe(200);
    expect(await listed()).not.toContain(live.invitation.id);
    expect((await postMembers(ownerCookie, organisation.id, { intent: "revoke-invitation", invitationId: live.invitation.id })).status).toBe(404);

    const unknownToken = "Z".repeat(43);
    const before = await snapshot(organisation.id);
    const pages = new Set<string>();
    for (const token of [expired.token, revoked.token, declined.token, used.token, live.token, unknownToken]) {
      const seen = await openLink(token, cookie);
      expect(seen.status).toBe(404);
      pages.add(seen.text);
      const anonymous = await openLink(token);
      expect(anonymous.status).toBe(404);
      pages.add(anonymous.text);
      for (const intent of ["accept", "decline"]) {
        const refused = await answerLink(token, cookie, intent);
        expect(refused.status).toBe(404);
        pages.add(await refused.text());
      }
    }
    // One answer for all of them: which kind of dead link it was is not told.
    expect([...pages].sort()).toEqual(['{"page":{"state":"invalid"},"locale":"vi"}', '{"state":"invalid","errors":null}']);
    expect(await snapshot(organisation.id)).toEqual(before);
    expect(await prisma.membership.count({ where: { userId: invitee.id } })).toBe(0);
  });

  it("keeps an existing membership as it is when its holder accepts another invitation to the organisation", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const member = await createUser();
    const membership = await createMembership(member.id, organisation.id, "MEMBER");
    const { invitation, token } = await createInvitation(organisation.id, { email: member.email, role: "OWNER" });
    expect((await answerLink(token, await cookieFor(member.id))).status).toBe(302);
    expect(await prisma.membership.findUniqueOrThrow({ where: { id: membership.id } })).toEqual(membership);
    expect((await prisma.organisationInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).not.toBeNull();
    expect(await prisma.membership.count({ where: { userId: member.id } })).toBe(1);
  });

  it("declining closes the invitation without a membership", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const invitee = await createUser();
    const { invitation, token } = await createInvitation(organisation.id, { email: invitee.email });
    const response = await answerLink(token, await cookieFor(invitee.id), "decline");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/dashboard");
    expect((await prisma.organisationInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).declinedAt).not.toBeNull();
    expect(await prisma.membership.count({ where: { userId: invitee.id } })).toBe(0);
  });
});

describe("renewing", () => {
  it("inviting an address again renews its one open invitation: new role, new expiry, and the old link dies", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const cookie = await cookieFor(owner.id);
    const invitee = await createUser();
    await invite(cookie, organisation.id, invitee.email);
    const first = await linkSentTo(invitee.email);
    // Nearly run out (or already out: renewing an expired one works the same).
    await prisma.organisationInvitation.updateMany({ where: { organisationId: organisation.id }, data: { expiresAt: new Date(Date.now() - DAY) } });

    expect((await invite(cookie, organisation.id, invitee.email.toUpperCase(), "OWNER")).status).toBe(200);
    const rows = await prisma.organisationInvitation.findMany({ where: { organisationId: organisation.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.role).toBe("OWNER");
    expect(rows[0]!.tokenHash).toBeNull();
    expect(rows[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + INVITATION_TTL_MS - 60_000);
    expect((await openLink(first)).status).toBe(404);

    const second = await linkSentTo(invitee.email);
    expect(second).not.toBe(first);
    expect((await openLink(first)).status).toBe(404);
    expect((await answerLink(second, await cookieFor(invitee.id))).status).toBe(302);
    expect(await membershipsOf(organisation.id)).toContainEqual({ userId: invitee.id, role: "OWNER" });

    // Once answered, inviting the address again starts a new invitation (an accepted one is history).
    const another = `${unique("lan-sau")}@example.test`;
    await invite(cookie, organisation.id, another);
    await prisma.organisationInvitation.updateMany({ where: { email: another }, data: { revokedAt: new Date() } });
    await invite(cookie, organisation.id, another);
    expect(await prisma.organisationInvitation.count({ where: { email: another } })).toBe(2);
    expect(await prisma.organisationInvitation.count({ where: { email: another, revokedAt: null } })).toBe(1);
  });

  it("sends nothing for an invitation revoked before its e-mail went out", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const address = `${unique("khong-gui")}@example.test`;
    const cookie = await cookieFor(owner.id);
    await invite(cookie, organisation.id, address);
    const { id } = await prisma.organisationInvitation.findFirstOrThrow({ where: { email: address } });
    expect((await postMembers(cookie, organisation.id, { intent: "revoke-invitation", invitationId: id })).status).toBe(200);
    await runJobs(organisationTasks);
    expect(mailTo(address)).toEqual([]);
    expect((await prisma.organisationInvitation.findUniqueOrThrow({ where: { id } })).tokenHash).toBeNull();
  });
});

describe("in the app", () => {
  it("shows a verified account its invitations on the dashboard, to accept there", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const invitee = await createUser({ emailVerifiedAt: new Date() });
    await invite(await cookieFor(owner.id), organisation.id, invitee.email);
    const cookie = await cookieFor(invitee.id);
    const dashboard = async () =>
      ((await (await settle(call(dashboardLoader, getRequest("/dashboard", cookie)))).json()) as { invitations: { id: string; organisation: { name: string } }[] }).invitations;
    const [pending] = await dashboard();
    expect(pending?.organisation.name).toBe(organisation.name);
    const html = await (await handler!(new Request("http://localhost/dashboard", { headers: { "Accept-Language": "vi", Cookie: cookie } }))).text();
    expect(html).toContain(`<bdi>${organisation.name}</bdi> mời bạn tham gia với vai trò Thành viên.`);
    expect(html).toContain('action="/invitations?index"');

    const accepted = await answerInApp(pending!.id, cookie);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("Location")).toBe(`/orgs/${organisation.id}`);
    expect(await membershipsOf(organisation.id)).toContainEqual({ userId: invitee.id, role: "MEMBER" });
    expect(await dashboard()).toEqual([]);
    expect((await answerInApp(pending!.id, cookie)).status).toBe(404);
  });

  it("shows nothing to an account whose address is not verified, nor lets it accept by id: anyone can type someone else's address at sign-up", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const squatter = await createUser({ emailVerifiedAt: null });
    const { invitation } = await createInvitation(organisation.id, { email: squatter.email });
    const cookie = await cookieFor(squatter.id);
    const data = (await (await settle(call(dashboardLoader, getRequest("/dashboard", cookie)))).json()) as { invitations: unknown[] };
    expect(data.invitations).toEqual([]);
    const before = await snapshot(organisation.id);
    expect((await answerInApp(invitation.id, cookie)).status).toBe(404);
    expect(await snapshot(organisation.id)).toEqual(before);
  });

  it("answers 404 for another address's invitation id, even to a verified account", async () => {
    const { organisation } = await createMemberWithOrganisation();
    const { invitation } = await createInvitation(organisation.id);
    const cookie = await cookieFor((await createUser({ emailVerifiedAt: new Date() })).id);
    const before = await snapshot(organisation.id);
    for (const intent of ["accept", "decline"]) expect((await answerInApp(invitation.id, cookie, intent)).status).toBe(404);
    expect(await snapshot(organisation.id)).toEqual(before);
  });
});
