import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { sendExpiryReminders } from "~/modules/alerts/expiry.server.ts";
import { verifyPassword } from "~/modules/auth/password.server.ts";
import { getUserId, startSession } from "~/modules/auth/session.server.ts";
import { sendMatchDigest } from "~/modules/matching/digest.server.ts";
import { sendNotificationEmail } from "~/modules/notifications/email.server.ts";
import { notifyUsers } from "~/modules/notifications/notify.server.ts";
import { setNotificationPreferences } from "~/modules/notifications/preferences.server.ts";
import { PREFERENCE_EVENTS, type NotificationPreferencesInput } from "~/modules/notifications/schema.ts";
import { notificationTasks } from "~/modules/notifications/tasks.server.ts";
import type { NotificationInput } from "~/modules/notifications/types.ts";
import { action as deleteAction, loader as deleteLoader } from "~/routes/account.delete.tsx";
import { action as profileAction, loader as profileLoader } from "~/routes/account._index.tsx";
import { action as preferencesAction, loader as preferencesLoader } from "~/routes/account.notifications.tsx";
import { action as passwordAction } from "~/routes/account.password.tsx";
import { action as sessionsAction, loader as sessionsLoader } from "~/routes/account.sessions.tsx";
import { cookieFor, mailTo, runJobs } from "./factories/alerts.ts";
import { createListing, createMembership, createMemberWithOrganisation, createOrganisation, createUser, DEFAULT_PASSWORD } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const NEW_PASSWORD = "mat-khau-moi-2026";

async function post(fn: unknown, url: string, fields: Record<string, string>, cookie: string) {
  return settle(call(fn as never, await formRequest(url, fields, { cookie, withHoneypot: false })));
}
async function get(fn: unknown, url: string, cookie: string) {
  return settle(call(fn as never, getRequest(url, cookie)));
}
/** A session started from a browser with this User-Agent, as its cookie. */
async function cookieFrom(userId: string, userAgent: string | null, clientIp = "203.0.113.20") {
  const request = new Request("http://localhost/login", { headers: userAgent ? { "User-Agent": userAgent } : {} });
  return (await startSession(userId, request, { clientIp })).split(";")[0]!;
}
/** Whether this password signs in to the user's account now. */
async function passwordWorks(userId: string, password: string) {
  const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  return verifyPassword(passwordHash, password);
}
const preferences = (overrides: Partial<NotificationPreferencesInput>): NotificationPreferencesInput =>
  ({ ...Object.fromEntries(PREFERENCE_EVENTS.map((e) => [e, "IN_APP_AND_EMAIL"])), ...overrides }) as NotificationPreferencesInput;
const emailJobs = async (notificationIds: string[]) =>
  (await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'notifications:email'`).filter((j) =>
    notificationIds.some((id) => j.key === `notification:${id}`),
  );

describe("profile", () => {
  it("saves name, phone and language, switches the site's language, and refuses a bad phone without changing anything", async () => {
    const user = await createUser({ name: "Trần Thị Hồ Sơ", locale: "vi" });
    const cookie = await cookieFor(user.id);
    const page = await (await get(profileLoader, "/account", cookie)).json();
    expect(page.profile).toEqual({ name: "Trần Thị Hồ Sơ", email: user.email, phone: "", locale: "vi" });

    const bad = await post(profileAction, "/account", { name: "Lan", phone: "call me maybe", locale: "en" }, cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.phone).toEqual(["errors.phone"]);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, locale: true } })).toEqual({ name: "Trần Thị Hồ Sơ", locale: "vi" });

    const saved = await post(profileAction, "/account", { name: "  Lan   Nguyen ", phone: "+84 28 3822 1234", locale: "en" }, cookie);
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe("/account?saved=1");
    expect(saved.headers.get("Set-Cookie")).toMatch(/^techex_lng=/);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, phone: true, locale: true } })).toEqual({
      name: "Lan Nguyen",
      phone: "+84 28 3822 1234",
      locale: "en",
    });
    expect(await prisma.auditLog.findFirst({ where: { action: "account.profile.update", entityId: user.id }, select: { data: true } })).toEqual({
      data: { changed: ["name", "phone", "locale"] },
    });
    // Emptying the phone removes it.
    await post(profileAction, "/account", { name: "Lan Nguyen", phone: "", locale: "en" }, cookie);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).phone).toBeNull();
  });

  it("sends a signed-out visitor to the login page", async () => {
    const response = await settle(call(profileLoader as never, getRequest("/account")));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Faccount");
  });
});

describe("password and sessions", () => {
  it("lists the sessions a person recognises, marks this device and signs out the others", async () => {
    const user = await createUser();
    const stranger = await createUser();
    const mine = await cookieFrom(user.id, FIREFOX);
    const laptop = await cookieFrom(user.id, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15");
    const phone = await cookieFrom(user.id, null);
    const theirs = await cookieFrom(stranger.id, FIREFOX);
    // A request records when the session was last used.
    expect(await getUserId(getRequest("/", laptop))).toBe(user.id);

    const { sessions } = await (await get(sessionsLoader, "/account/sessions", mine)).json();
    expect(sessions).toHaveLength(3);
    const current = sessions.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ device: "Firefox 133 · Windows", ipAddress: "203.0.113.20" });
    expect(current.lastSeenAt).not.toBeNull();
    expect(sessions.map((s: { device: string | null }) => s.device).sort()).toEqual(["Firefox 133 · Windows", "Safari 17 · macOS", null].sort());

    // Another person's session is not this person's to end.
    const theirId = (await prisma.session.findFirstOrThrow({ where: { userId: stranger.id } })).id;
    await post(sessionsAction, "/account/sessions", { intent: "sign-out-session", sessionId: theirId }, mine);
    expect(await getUserId(getRequest("/", theirs))).toBe(stranger.id);
    // One of their own, by its id.
    const phoneId = (await prisma.session.findFirstOrThrow({ where: { userId: user.id, userAgent: null } })).id;
    const one = await post(sessionsAction, "/account/sessions", { intent: "sign-out-session", sessionId: phoneId }, mine);
    expect(one.headers.get("Location")).toBe("/account/sessions?endedOne=1");
    expect(await getUserId(getRequest("/", phone))).toBeNull();

    const others = await post(sessionsAction, "/account/sessions", { intent: "sign-out-others" }, mine);
    expect(others.headers.get("Location")).toBe("/account/sessions?ended=1");
    expect(await getUserId(getRequest("/", laptop))).toBeNull();
    expect(await getUserId(getRequest("/", mine))).toBe(user.id);
    expect(await prisma.auditLog.count({ where: { entityId: user.id, action: { startsWith: "account.sessions." } } })).toBe(2);

    const bad = await post(sessionsAction, "/account/sessions", { intent: "sign-out-everyone" }, mine);
    expect(bad.status).toBe(400);
    expect(await getUserId(getRequest("/", mine))).toBe(user.id);
  });

  it("changes the password only with the current one, and ends every other session", async () => {
    const user = await createUser();
    const mine = await cookieFrom(user.id, FIREFOX);
    const other = await cookieFrom(user.id, FIREFOX, "203.0.113.30");

    const wrong = await post(passwordAction, "/account/password", { currentPassword: "not-my-password-1", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, mine);
    expect(wrong.status).toBe(400);
    const reply = await wrong.json();
    expect(reply.error.currentPassword).toEqual(["account.errors.wrongPassword"]);
    // Passwords are never sent back.
    expect(JSON.stringify(reply)).not.toContain(NEW_PASSWORD);
    const short = await post(passwordAction, "/account/password", { currentPassword: DEFAULT_PASSWORD, newPassword: "short1", confirmPassword: "short1" }, mine);
    expect((await short.json()).error.newPassword).toEqual(["errors.passwordTooShort"]);
    const differ = await post(passwordAction, "/account/password", { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}x` }, mine);
    expect((await differ.json()).error.confirmPassword).toEqual(["errors.passwordsDiffer"]);
    expect(await passwordWorks(user.id, DEFAULT_PASSWORD)).toBe(true);
    expect(await getUserId(getRequest("/", other))).toBe(user.id);

    const changed = await post(passwordAction, "/account/password", { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, mine);
    expect(changed.headers.get("Location")).toBe("/account/password?changed=1");
    expect(await passwordWorks(user.id, DEFAULT_PASSWORD)).toBe(false);
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
    expect(await getUserId(getRequest("/", other))).toBeNull();
    expect(await getUserId(getRequest("/", mine))).toBe(user.id);
    expect(await prisma.auditLog.count({ where: { action: "account.password.change", entityId: user.id } })).toBe(1);
  });
});

describe("notification preferences", () => {
  const event: NotificationInput = {
    type: "INQUIRY_RECEIVED",
    data: { inquiryId: "i1", listingId: "l1", listingTitle: "Máy sấy lạnh", fromOrganisation: "Công ty Bình Minh" },
    url: "/inquiries/i1",
  };

  it("are saved from the account page, every event with a valid choice, defaults not stored", async () => {
    const user = await createUser();
    const cookie = await cookieFor(user.id);
    expect((await (await get(preferencesLoader, "/account/notifications", cookie)).json()).preferences).toEqual(preferences({}));
    const bad = await post(preferencesAction, "/account/notifications", { ...preferences({}), INQUIRY_RECEIVED: "SMS" }, cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.INQUIRY_RECEIVED).toEqual(["errors.chooseOne"]);
    const saved = await post(preferencesAction, "/account/notifications", preferences({ INQUIRY_RECEIVED: "OFF", MATCH_DIGEST: "IN_APP_ONLY" }), cookie);
    expect(saved.headers.get("Location")).toBe("/account/notifications?saved=1");
    expect((await (await get(preferencesLoader, "/account/notifications", cookie)).json()).preferences).toEqual(preferences({ INQUIRY_RECEIVED: "OFF", MATCH_DIGEST: "IN_APP_ONLY" }));
    expect(await prisma.notificationPreference.count({ where: { userId: user.id } })).toBe(2);
    await post(preferencesAction, "/account/notifications", preferences({ MATCH_DIGEST: "IN_APP_ONLY" }), cookie);
    expect(await prisma.notificationPreference.findMany({ where: { userId: user.id }, select: { type: true, channel: true } })).toEqual([{ type: "MATCH_DIGEST", channel: "IN_APP_ONLY" }]);
  });

  it("decide what notifyUsers records and queues: both by default, no e-mail when in-app only, nothing when off", async () => {
    const everything = await createUser();
    const inAppOnly = await createUser();
    const off = await createUser();
    await setNotificationPreferences(inAppOnly.id, preferences({ INQUIRY_RECEIVED: "IN_APP_ONLY" }));
    // Off for another event does not silence this one.
    await setNotificationPreferences(everything.id, preferences({ DEAL_STAGE_CHANGED: "OFF" }));
    await setNotificationPreferences(off.id, preferences({ INQUIRY_RECEIVED: "OFF" }));
    const notified = await prisma.$transaction((tx) => notifyUsers(tx, [everything.id, inAppOnly.id, off.id], event));
    expect(notified).toBe(2);
    const rows = await prisma.notification.findMany({ where: { userId: { in: [everything.id, inAppOnly.id, off.id] } }, select: { id: true, userId: true } });
    expect(rows.map((r) => r.userId).sort()).toEqual([everything.id, inAppOnly.id].sort());
    const jobs = await emailJobs(rows.map((r) => r.id));
    expect(jobs.map((j) => j.key)).toEqual([`notification:${rows.find((r) => r.userId === everything.id)!.id}`]);
    await runJobs(notificationTasks);
    expect(mailTo(everything.email)).toHaveLength(1);
    expect(mailTo(inAppOnly.email)).toHaveLength(0);
    expect(mailTo(off.email)).toHaveLength(0);
  });

  it("are read again when the e-mail is sent: switching to in-app only after the event stops its e-mail", async () => {
    const user = await createUser();
    await prisma.$transaction((tx) => notifyUsers(tx, [user.id], event));
    const notification = await prisma.notification.findFirstOrThrow({ where: { userId: user.id } });
    await setNotificationPreferences(user.id, preferences({ INQUIRY_RECEIVED: "IN_APP_ONLY" }));
    expect(await sendNotificationEmail(notification.id)).toBe("email-not-chosen");
    expect(mailTo(user.email)).toHaveLength(0);
  });

  it("are honoured by the expiry reminders and the match digest", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const colleague = await createUser();
    await createMembership(colleague.id, organisation.id);
    await setNotificationPreferences(owner.id, preferences({ LISTING_EXPIRING: "OFF", MATCH_DIGEST: "IN_APP_ONLY" }));

    const expiring = await createListing(organisation.id, { expiresAt: new Date(Date.now() + 3 * 24 * 3_600_000) });
    expect(await sendExpiryReminders()).toBe(1);
    const reminders = await prisma.notification.findMany({ where: { type: "LISTING_EXPIRING", data: { path: ["listingId"], equals: expiring.id } }, select: { userId: true } });
    expect(reminders.map((r) => r.userId)).toEqual([colleague.id]);

    const need = await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST" });
    const offer = await createListing((await createOrganisation()).id);
    await prisma.match.create({ data: { offerListingId: offer.id, requestListingId: need.id, score: 0.9, textScore: 0.9, reasons: [] } });
    expect(await sendMatchDigest(need.id)).toMatchObject({ kind: "sent", count: 1, recipients: 2 });
    const digests = await prisma.notification.findMany({ where: { type: "MATCH_DIGEST", userId: { in: [owner.id, colleague.id] } }, select: { id: true, userId: true } });
    expect(digests.map((d) => d.userId).sort()).toEqual([owner.id, colleague.id].sort());
    expect((await emailJobs(digests.map((d) => d.id))).map((j) => j.key)).toEqual([`notification:${digests.find((d) => d.userId === colleague.id)!.id}`]);
  });
});

describe("account deletion", () => {
  it("needs the password and the confirmation, and refuses the site's last administrator", async () => {
    const admin = await createUser({ roles: ["member", "admin"] });
    const cookie = await cookieFor(admin.id);
    // Every other administrator this file made is gone from the count.
    await prisma.userRole.deleteMany({ where: { role: { name: "admin" }, userId: { not: admin.id } } });
    const unconfirmed = await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD }, cookie);
    expect(unconfirmed.status).toBe(400);
    expect((await unconfirmed.json()).error.confirm).toEqual(["account.delete.confirmRequired"]);
    const wrong = await post(deleteAction, "/account/delete", { password: "wrong-password-1", confirm: "yes" }, cookie);
    expect((await wrong.json()).error.password).toEqual(["account.errors.wrongPassword"]);
    const last = await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD, confirm: "yes" }, cookie);
    expect(last.status).toBe(409);
    expect((await last.json()).blocked).toEqual({ reason: "lastAdmin", organisations: [] });
    expect(await getUserId(getRequest("/", cookie))).toBe(admin.id);

    // With another administrator, it goes ahead.
    await createUser({ roles: ["member", "admin"] });
    const done = await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD, confirm: "yes" }, cookie);
    expect(done.status).toBe(302);
    expect(await prisma.userRole.count({ where: { userId: admin.id } })).toBe(0);
  });

  it("refuses the last owner of an organisation that has other members, and names it", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation({ organisation: { name: "Viện Cơ điện Nông nghiệp" } });
    const member = await createUser();
    await createMembership(member.id, organisation.id);
    const cookie = await cookieFor(owner.id);
    const refused = await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD, confirm: "yes" }, cookie);
    expect(refused.status).toBe(409);
    expect((await refused.json()).blocked).toEqual({ reason: "lastOwner", organisations: [{ id: organisation.id, name: "Viện Cơ điện Nông nghiệp" }] });
    expect(await prisma.membership.count({ where: { userId: owner.id } })).toBe(1);

    // A second owner: the first may leave.
    await prisma.membership.updateMany({ where: { userId: member.id }, data: { role: "OWNER" } });
    expect((await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD, confirm: "yes" }, cookie)).status).toBe(302);
  });

  it("removes the person's data, signs them out everywhere and keeps what their organisation owns", async () => {
    const { user, organisation } = await createMemberWithOrganisation({ user: { name: "Phạm Văn Xóa", phone: "0909 123 456" } });
    const other = await createOrganisation();
    await createMembership(user.id, other.id);
    const listing = await createListing(organisation.id, { createdById: user.id });
    const cookie = await cookieFrom(user.id, FIREFOX);
    const elsewhere = await cookieFor(user.id);
    await setNotificationPreferences(user.id, preferences({ INQUIRY_RECEIVED: "OFF" }));
    await prisma.$transaction((tx) => notifyUsers(tx, [user.id], { type: "LISTING_EXPIRING", data: { listingId: listing.id, listingTitle: listing.title, expiresAt: new Date().toISOString() }, url: "/" }));
    await prisma.savedSearch.create({ data: { userId: user.id, name: "Máy sấy", query: "máy sấy", filters: {} } });

    const done = await post(deleteAction, "/account/delete", { password: DEFAULT_PASSWORD, confirm: "yes" }, cookie);
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/account/delete?done=1");
    expect(done.headers.get("Set-Cookie")).toMatch(/__techex_session=;/);

    const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ name: "Deleted user", email: `deleted-${user.id}@deleted.invalid`, phone: null, emailVerifiedAt: null });
    expect(row.deletedAt).not.toBeNull();
    expect(row.disabledAt).not.toBeNull();
    expect(await passwordWorks(user.id, DEFAULT_PASSWORD)).toBe(false);
    expect(await prisma.user.count({ where: { email: user.email } })).toBe(0);
    expect(await getUserId(getRequest("/", elsewhere))).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.notification.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.notificationPreference.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.savedSearch.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.membership.count({ where: { userId: user.id } })).toBe(0);
    // The organisation keeps its listing, still linked to its (now anonymous) author.
    expect(await prisma.listing.findUniqueOrThrow({ where: { id: listing.id }, select: { organisationId: true, createdById: true } })).toEqual({ organisationId: organisation.id, createdById: user.id });
    expect(await prisma.organisation.count({ where: { id: { in: [organisation.id, other.id] } } })).toBe(2);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "account.delete", entityId: user.id } });
    expect(JSON.stringify(audit)).not.toContain(user.email);
    // The address can make a new account.
    await createUser({ email: user.email });

    // The farewell page shows to the signed-out browser.
    expect(await (await get(deleteLoader, "/account/delete?done=1", "")).json()).toEqual({ done: true });
  });
});
