import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { runSavedSearchAlerts } from "~/modules/alerts/alerts.server.ts";
import { sendExpiryReminders } from "~/modules/alerts/expiry.server.ts";
import { alertCron, alertTasks } from "~/modules/alerts/tasks.server.ts";
import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from "~/modules/alerts/tokens.server.ts";
import { notifyUsers } from "~/modules/notifications/notify.server.ts";
import { notificationTasks } from "~/modules/notifications/tasks.server.ts";
import { ensureListingsIndex } from "~/modules/search/index.server.ts";
import { enqueueListingSync } from "~/modules/search/outbox.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { action as unsubscribeAction, loader as unsubscribeLoader } from "~/routes/alerts.unsubscribe.tsx";
import { action as listAction, loader as listLoader } from "~/routes/saved-searches._index.tsx";
import { action as saveAction } from "~/routes/saved-searches.new.tsx";
import { cookieFor, mailTo, runJobs } from "./factories/alerts.ts";
import { createListing, createMemberWithOrganisation, createMembership, createOrganisation, createSavedSearch, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
let org: { id: string };

beforeAll(async () => {
  await ensureListingsIndex();
  org = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" });
});

/** A published listing, first published at `publishedAt`, in the search index. */
async function published(title: string, publishedAt: Date, overrides: Parameters<typeof createListing>[1] = {}) {
  const listing = await createListing(org.id, { title, keywords: [], provinceCode: "92", sectorCodes: ["2.3"], publishedAt, expiresAt: new Date(Date.now() + 300 * DAY), ...overrides });
  await syncListing(listing.id);
  return listing;
}

async function post(fn: unknown, url: string, fields: Record<string, string>, cookie?: string) {
  return settle(call(fn as never, await formRequest(url, fields, { cookie, withHoneypot: false })));
}

/** Queues one run of a job (as the cron would) and runs it through graphile-worker. */
async function runJob(name: string) {
  await prisma.$executeRaw`SELECT graphile_worker.add_job(${name}, '{}'::json)`;
  return runJobs(alertTasks);
}

describe("saving a search", () => {
  it("stores the page's query and filters, validated by the search schema, with a readable name; saving it again makes no copy", async () => {
    const user = await createUser({ locale: "vi" });
    const cookie = await cookieFor(user.id);
    const fields = { q: "máy sấy", type: "TECHNOLOGY_OFFER", province: "92", trl: "6", sort: "newest", page: "3", frequency: "INSTANT" };
    const saved = await post(saveAction, "/saved-searches/new", fields, cookie);
    expect(saved.status).toBe(302);
    const row = await prisma.savedSearch.findFirstOrThrow({ where: { userId: user.id } });
    expect(saved.headers.get("Location")).toBe(`/saved-searches?saved=${row.id}`);
    expect(row).toMatchObject({ query: "máy sấy", frequency: "INSTANT", filters: { type: "TECHNOLOGY_OFFER", province: ["92"], trl: 6, sort: "newest" } });
    expect(row.name).toBe("“máy sấy” · Chào bán công nghệ · Cần Thơ · TRL ≥ 6");

    const again = await post(saveAction, "/saved-searches/new", { ...fields, page: "1", frequency: "WEEKLY" }, cookie);
    expect(again.headers.get("Location")).toBe(`/saved-searches?existing=${row.id}`);
    expect(await prisma.savedSearch.count({ where: { userId: user.id } })).toBe(1);
    expect((await prisma.savedSearch.findUniqueOrThrow({ where: { id: row.id } })).frequency).toBe("WEEKLY");

    // The list links back to the same search page.
    const page = await (await settle(call(listLoader, getRequest("/saved-searches", cookie)))).json();
    expect(page.searches).toEqual([expect.objectContaining({ id: row.id, path: "/search?q=m%C3%A1y+s%E1%BA%A5y&type=TECHNOLOGY_OFFER&trl=6&province=92&sort=newest" })]);
  });

  it("refuses bad parameters with 400 and field messages, the 51st search, and signed-out visitors", async () => {
    const user = await createUser();
    const cookie = await cookieFor(user.id);
    const bad = await post(saveAction, "/saved-searches/new", { q: "x", trl: "12", frequency: "HOURLY" }, cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).fields).toEqual({ trl: ["errors.trlRange"], frequency: ["errors.chooseOne"] });
    expect(await prisma.savedSearch.count({ where: { userId: user.id } })).toBe(0);

    for (let i = 0; i < 50; i++) await createSavedSearch(user.id, { query: `q${i}` });
    const full = await post(saveAction, "/saved-searches/new", { q: "one more", frequency: "DAILY" }, cookie);
    expect(full.status).toBe(409);
    expect((await full.json()).error).toBe("alerts.errors.limit");
    expect(await prisma.savedSearch.count({ where: { userId: user.id } })).toBe(50);

    const anonymous = await post(saveAction, "/saved-searches/new", { q: "x" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });

  it("changes frequency and deletes only the member's own; another member's is not found", async () => {
    const owner = await createUser();
    const stranger = await createUser();
    const search = await createSavedSearch(owner.id, { frequency: "DAILY", unsubscribedAt: new Date(), checkedUntil: new Date(Date.now() - 30 * DAY) });
    const strangerCookie = await cookieFor(stranger.id);
    expect((await post(listAction, "/saved-searches", { intent: "update", id: search.id, frequency: "NEVER" }, strangerCookie)).status).toBe(404);
    expect((await post(listAction, "/saved-searches", { intent: "delete", id: search.id }, strangerCookie)).status).toBe(404);
    const cookie = await cookieFor(owner.id);
    expect((await post(listAction, "/saved-searches", { intent: "update", id: search.id, frequency: "SOMETIMES" }, cookie)).status).toBe(400);

    // Choosing a frequency again after an unsubscribe resumes alerts from now on, not the backlog.
    const resumed = await post(listAction, "/saved-searches", { intent: "update", id: search.id, frequency: "INSTANT", name: "Máy sấy Cần Thơ" }, cookie);
    expect(resumed.status).toBe(302);
    const row = await prisma.savedSearch.findUniqueOrThrow({ where: { id: search.id } });
    expect(row).toMatchObject({ frequency: "INSTANT", unsubscribedAt: null, name: "Máy sấy Cần Thơ" });
    expect(row.checkedUntil.getTime()).toBeGreaterThan(Date.now() - MINUTE);

    expect((await post(listAction, "/saved-searches", { intent: "delete", id: search.id }, cookie)).headers.get("Location")).toBe("/saved-searches?deleted=1");
    expect(await prisma.savedSearch.count({ where: { id: search.id } })).toBe(0);
  });
});

describe("alerts", () => {
  it("send new matching listings once, in one digest e-mail with a one-click unsubscribe, however often the job runs", async () => {
    const user = await createUser({ locale: "en", name: "Lan" });
    const created = new Date(Date.now() - 10 * MINUTE);
    const search = await createSavedSearch(user.id, { name: "Dryers in Cần Thơ", query: "máy sấy", filters: { province: ["92"] }, frequency: "INSTANT", checkedUntil: created, createdAt: created });
    await published("Máy sấy lạnh trái cây đời cũ", new Date(created.getTime() - MINUTE)); // before the search was saved
    const first = await published("Máy sấy bơm nhiệt cho xoài", new Date(created.getTime() + MINUTE));
    const second = await published("Máy sấy thăng hoa thực phẩm", new Date(created.getTime() + 2 * MINUTE));
    await published("Máy sấy tầng sôi", new Date(created.getTime() + 3 * MINUTE), { provinceCode: "01" }); // another province
    await published("Hệ thống xử lý nước thải", new Date(created.getTime() + 4 * MINUTE)); // other words

    await runJob("alerts:instant");
    await runJob("alerts:instant");
    await runJobs(notificationTasks);
    await runJob("alerts:instant");
    await runJobs(notificationTasks);

    const deliveries = await prisma.savedSearchDelivery.findMany({ where: { savedSearchId: search.id } });
    expect(deliveries.map((d) => d.listingId).sort()).toEqual([first.id, second.id].sort());
    const notes = await prisma.notification.findMany({ where: { userId: user.id } });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toEqual({
      savedSearchId: search.id,
      searchName: "Dryers in Cần Thơ",
      count: 2,
      listings: [
        { id: second.id, title: "Máy sấy thăng hoa thực phẩm" },
        { id: first.id, title: "Máy sấy bơm nhiệt cho xoài" },
      ],
    });
    const mails = mailTo(user.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe("2 new listings for “Dryers in Cần Thơ”");
    expect(mail!.headers["content-language"]).toBe("en");
    expect(mail!.text).toContain(`http://localhost:3000/listings/${second.id}`);
    expect(mail!.html).toContain(`href="http://localhost:3000/listings/${first.id}"`);
    expect(mail!.headers["list-unsubscribe"]).toBe(`<${unsubscribeUrl(search.id)}>`);
    expect(mail!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const row = await prisma.savedSearch.findUniqueOrThrow({ where: { id: search.id } });
    expect(row.lastAlertedAt).not.toBeNull();
    expect(row.checkedUntil.getTime()).toBeGreaterThan(Date.now() - MINUTE);

    // A listing published later comes in the next digest, alone.
    const third = await published("Máy sấy phun sương", new Date());
    await runJob("alerts:instant");
    await runJobs(notificationTasks);
    expect(mailTo(user.email).map((m) => m.subject)).toEqual(["2 new listings for “Dryers in Cần Thơ”", "1 new listing for “Dryers in Cần Thơ”"]);
    expect(await prisma.savedSearchDelivery.count({ where: { savedSearchId: search.id, listingId: third.id } })).toBe(1);
  });

  it("run each frequency on its own schedule and send nothing for unsubscribed or switched-off searches", async () => {
    const user = await createUser();
    const since = new Date(Date.now() - 5 * MINUTE);
    const make = (frequency: "INSTANT" | "DAILY" | "WEEKLY" | "NEVER", extra = {}) =>
      createSavedSearch(user.id, { query: "máy ép dầu dừa", filters: {}, frequency, checkedUntil: since, createdAt: since, ...extra });
    const daily = await make("DAILY");
    const weekly = await make("WEEKLY");
    const never = await make("NEVER");
    const unsubscribed = await make("DAILY", { unsubscribedAt: new Date() });
    await published("Máy ép dầu dừa tinh khiết", new Date(since.getTime() + MINUTE));
    expect(await runSavedSearchAlerts("DAILY")).toMatchObject({ alerted: 1, listings: 1, failed: 0 });
    const counts = async () =>
      Object.fromEntries(await Promise.all([daily, weekly, never, unsubscribed].map(async (s) => [s.frequency + (s.unsubscribedAt ? "-off" : ""), await prisma.savedSearchDelivery.count({ where: { savedSearchId: s.id } })])));
    expect(await counts()).toEqual({ DAILY: 1, WEEKLY: 0, NEVER: 0, "DAILY-off": 0 });
    await runSavedSearchAlerts("WEEKLY");
    expect(await counts()).toEqual({ DAILY: 1, WEEKLY: 1, NEVER: 0, "DAILY-off": 0 });
    expect(alertCron).toEqual(expect.arrayContaining(["*/5 * * * * alerts:instant ?max=3", "0 0 * * * alerts:daily ?max=5", "0 0 * * 1 alerts:weekly ?max=5"]));
  });

  it("wait for a listing the search index has not caught up with, instead of skipping it for good", async () => {
    const user = await createUser();
    const since = new Date(Date.now() - 5 * MINUTE);
    const search = await createSavedSearch(user.id, { query: "robot hàn", filters: {}, frequency: "INSTANT", checkedUntil: since, createdAt: since });
    const listing = await createListing(org.id, { title: "Robot hàn ống thép", keywords: [], publishedAt: new Date(since.getTime() + MINUTE) });
    await prisma.$transaction((tx) => enqueueListingSync(tx, listing.id)); // its outbox job has not run yet
    await runSavedSearchAlerts("INSTANT");
    const waiting = await prisma.savedSearch.findUniqueOrThrow({ where: { id: search.id } });
    expect(waiting.checkedUntil.getTime()).toBeLessThan(listing.publishedAt!.getTime());
    expect(await prisma.savedSearchDelivery.count({ where: { savedSearchId: search.id } })).toBe(0);

    // The outbox catches up (as its worker would), and the next run sends it.
    await syncListing(listing.id);
    await prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key = ${`listing:${listing.id}`}`;
    await runSavedSearchAlerts("INSTANT");
    expect(await prisma.savedSearchDelivery.count({ where: { savedSearchId: search.id, listingId: listing.id } })).toBe(1);
  });
});

describe("unsubscribing from an alert e-mail", () => {
  it("shows a button on GET without changing anything, unsubscribes on POST, and accepts RFC 8058 one-click", async () => {
    const user = await createUser();
    const search = await createSavedSearch(user.id, { name: "Máy sấy", frequency: "DAILY" });
    const token = unsubscribeToken(search.id);
    expect(verifyUnsubscribeToken(token)).toBe(search.id);
    const url = `/alerts/unsubscribe?token=${encodeURIComponent(token)}`;

    const shown = await settle(call(unsubscribeLoader, getRequest(url)));
    expect(await shown.json()).toEqual({ state: "confirm", name: "Máy sấy" });
    expect((await prisma.savedSearch.findUniqueOrThrow({ where: { id: search.id } })).unsubscribedAt).toBeNull();

    const done = await post(unsubscribeAction, url, { intent: "unsubscribe" });
    expect(await done.json()).toEqual({ state: "done", name: "Máy sấy" });
    expect((await prisma.savedSearch.findUniqueOrThrow({ where: { id: search.id } })).unsubscribedAt).not.toBeNull();
    expect(await (await settle(call(unsubscribeLoader, getRequest(url)))).json()).toEqual({ state: "already", name: "Máy sấy" });

    // A mail client's one-click POST (RFC 8058) gets a plain 200.
    const other = await createSavedSearch(user.id, { frequency: "INSTANT" });
    const oneClick = await post(unsubscribeAction, `/alerts/unsubscribe?token=${encodeURIComponent(unsubscribeToken(other.id))}`, { "List-Unsubscribe": "One-Click" });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toBe("unsubscribed\n");
    expect((await prisma.savedSearch.findUniqueOrThrow({ where: { id: other.id } })).unsubscribedAt).not.toBeNull();

    // A digest already queued for a search unsubscribed meanwhile is not e-mailed.
    await prisma.$transaction((tx) =>
      notifyUsers(tx, [user.id], { type: "SAVED_SEARCH_ALERT", data: { savedSearchId: other.id, searchName: "x", count: 1, listings: [] }, url: "/search" }),
    );
    await runJobs(notificationTasks);
    expect(mailTo(user.email)).toHaveLength(0);
    expect(await prisma.notification.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a forged or altered token and changes nothing", async () => {
    const user = await createUser();
    const search = await createSavedSearch(user.id);
    const victim = await createSavedSearch(user.id);
    const forged = `${victim.id}.${unsubscribeToken(search.id).split(".")[1]}`;
    for (const token of [forged, victim.id, `${victim.id}.`, "garbage"]) {
      const url = `/alerts/unsubscribe?token=${encodeURIComponent(token)}`;
      expect((await settle(call(unsubscribeLoader, getRequest(url)))).status).toBe(400);
      expect((await post(unsubscribeAction, url, { "List-Unsubscribe": "One-Click" })).status).toBe(400);
    }
    expect((await settle(call(unsubscribeLoader, getRequest("/alerts/unsubscribe")))).status).toBe(400);
    expect((await prisma.savedSearch.findUniqueOrThrow({ where: { id: victim.id } })).unsubscribedAt).toBeNull();
  });
});

describe("expiry reminders", () => {
  it("tell the organisation once per expiry date, 14 days ahead, in each member's language", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation({ user: { locale: "vi" } });
    const colleague = await createUser({ locale: "en" });
    await createMembership(colleague.id, organisation.id);
    const soon = await createListing(organisation.id, { title: "Lò hơi tầng sôi", expiresAt: new Date(Date.now() + 10 * DAY) });
    await createListing(organisation.id, { title: "Còn lâu mới hết hạn", expiresAt: new Date(Date.now() + 20 * DAY) });
    await createListing(organisation.id, { title: "Bản nháp", status: "DRAFT", expiresAt: new Date(Date.now() + 5 * DAY) });

    await runJob("alerts:expiry-reminders");
    await runJob("alerts:expiry-reminders");
    await runJobs(notificationTasks);
    const notes = await prisma.notification.findMany({ where: { type: "LISTING_EXPIRING", userId: { in: [owner.id, colleague.id] } } });
    expect(notes).toHaveLength(2);
    expect(notes.every((n) => (n.data as { listingId: string }).listingId === soon.id && n.url === `/listings/${soon.id}/edit`)).toBe(true);
    expect(mailTo(owner.email).map((m) => m.subject)).toEqual([expect.stringMatching(/^“Lò hơi tầng sôi” hết hạn vào \d+ tháng \d+, \d{4}$/)]);
    expect(mailTo(colleague.email).map((m) => m.subject)).toEqual([expect.stringMatching(/^“Lò hơi tầng sôi” expires on \d+ \w+ \d{4}$/)]);
    expect(mailTo(colleague.email)[0]!.text).toContain(`http://localhost:3000/listings/${soon.id}/edit`);

    // A new expiry date (renewed, then about to expire again) is reminded again.
    await prisma.listing.update({ where: { id: soon.id }, data: { expiresAt: new Date(Date.now() + 12 * DAY) } });
    expect(await sendExpiryReminders()).toBe(1);
    expect(await sendExpiryReminders()).toBe(0);
    expect(await prisma.notification.count({ where: { type: "LISTING_EXPIRING", userId: owner.id } })).toBe(2);
  });
});
