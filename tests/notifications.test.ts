import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { overrideMailTransport } from "~/lib/mailer.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { decideRevision, transitionListing } from "~/modules/listings/listings.server.ts";
import { sendNotificationEmail } from "~/modules/notifications/email.server.ts";
import { notifyOrganisations, notifyUsers } from "~/modules/notifications/notify.server.ts";
import { renderEmail, renderNotification } from "~/modules/notifications/render.server.ts";
import { notificationTasks } from "~/modules/notifications/tasks.server.ts";
import type { NotificationInput } from "~/modules/notifications/types.ts";
import { loader as rootLoader } from "~/root.tsx";
import { action as centreAction, loader as centreLoader } from "~/routes/notifications._index.tsx";
import { closedPort, cookieFor, mailTo, runJobs } from "./factories/alerts.ts";
import { createListing, createListingRevision, createMemberWithOrganisation, createMembership, createOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

afterEach(() => overrideMailTransport(null));

const EXAMPLES: NotificationInput[] = [
  { type: "INQUIRY_RECEIVED", data: { inquiryId: "i1", listingId: "l1", listingTitle: "Máy sấy lạnh", fromOrganisation: "Công ty Bình Minh" }, url: "/inquiries/i1" },
  { type: "INQUIRY_ANSWERED", data: { inquiryId: "i1", listingTitle: "Máy sấy lạnh", byOrganisation: "Viện Cơ điện" }, url: "/inquiries/i1" },
  { type: "MODERATION_DECISION", data: { listingId: "l1", listingTitle: "Máy sấy lạnh", decision: "REJECTED", reason: "Thiếu thông số kỹ thuật" }, url: "/listings/l1/edit" },
  { type: "MATCH_SUGGESTED", data: { matchId: "m1", listingId: "l1", listingTitle: "Máy sấy lạnh", otherListingId: "l2", otherTitle: "Cần máy sấy nông sản", score: 0.82 }, url: "/listings/l1" },
  { type: "DEAL_STAGE_CHANGED", data: { dealId: "d1", dealTitle: "Chuyển giao máy sấy", fromStage: "INTRODUCED", toStage: "NEGOTIATING" }, url: "/deals/d1" },
  { type: "PAYMENT_RECEIVED", data: { paymentId: "p1", purpose: "BROKERAGE_FEE", amount: "12500000000", currency: "VND", dealTitle: "Chuyển giao máy sấy" }, url: "/deals/d1" },
  { type: "SAVED_SEARCH_ALERT", data: { savedSearchId: "s1", searchName: "máy sấy", count: 12, listings: [{ id: "l1", title: "Máy sấy lạnh" }] }, url: "/search?q=m%C3%A1y+s%E1%BA%A5y" },
  { type: "LISTING_EXPIRING", data: { listingId: "l1", listingTitle: "Máy sấy lạnh", expiresAt: "2026-12-31T18:30:00.000Z" }, url: "/listings/l1/edit" },
];

describe("rendering notifications", () => {
  it("writes every event type in Vietnamese and English from its data, with an absolute link in the e-mail", () => {
    for (const example of EXAMPLES) {
      const vi = renderNotification(example, "vi");
      const en = renderNotification(example, "en");
      expect(vi.title, example.type).not.toBe(en.title);
      expect(vi.body.length, example.type).toBeGreaterThan(10);
      expect(vi.title).not.toMatch(/notifications\.|{{/);
      expect(en.body).not.toMatch(/notifications\.|{{/);
      expect(vi.path).toBe(example.url);
      const email = renderEmail(example, { name: "Lan", locale: "en" });
      expect(email.subject).toBe(en.title);
      expect(email.link).toBe(`http://localhost:3000${example.url}`);
      expect(email.text).toContain(email.link);
      expect(email.html).toContain(`href="${email.link.replace(/&/g, "&amp;")}"`);
      expect(email.html).toContain('<html lang="en">');
    }
    const [, , rejected, , deal, payment, alert, expiring] = EXAMPLES;
    expect(renderNotification(rejected!, "vi").body).toContain("Lý do: Thiếu thông số kỹ thuật");
    expect(renderNotification(deal!, "en").body).toBe("The deal “Chuyển giao máy sấy” moved from “Introduced” to “Negotiating”.");
    // Money beyond 2^53 is formatted exactly, the Vietnamese way.
    expect(renderNotification(payment!, "vi").title.replace(/\s/g, " ")).toContain("12.500.000.000 ₫");
    const digest = renderNotification(alert!, "en");
    expect(digest.title).toBe("12 new listings for “máy sấy”");
    expect(digest.items).toEqual([{ text: "Máy sấy lạnh", path: "/listings/l1" }, { text: "… and 11 more", path: null }]);
    // Dates in Vietnam's time zone: 18:30 UTC on 31 December is 1 January there.
    expect(renderNotification(expiring!, "vi").title).toContain("1 tháng 1, 2027");
  });

  it("escapes user text in the HTML e-mail and never follows a link off the site", () => {
    const email = renderEmail(
      { type: "INQUIRY_ANSWERED", data: { inquiryId: "i", listingTitle: '<script>alert("x")</script>', byOrganisation: "A & B" }, url: "//evil.example/x" },
      { name: "<b>Lan</b>", locale: "vi" },
    );
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;");
    expect(email.html).toContain("A &amp; B");
    expect(email.link).toBe("http://localhost:3000/notifications");
  });
});

describe("notification e-mail", () => {
  it("is queued in the event's transaction and sent once, in the recipient's language, through the worker", async () => {
    const english = await createUser({ locale: "en", name: "Lan Nguyen" });
    const vietnamese = await createUser({ locale: "vi" });
    await prisma.$transaction((tx) => notifyUsers(tx, [english.id, vietnamese.id, english.id], EXAMPLES[0]!));
    // A rolled-back event leaves neither a notification nor a job.
    await prisma
      .$transaction(async (tx) => {
        await notifyUsers(tx, [english.id], EXAMPLES[1]!);
        throw new Error("rollback");
      })
      .catch(() => {});
    const rows = await prisma.notification.findMany({ where: { userId: { in: [english.id, vietnamese.id] } } });
    expect(rows).toHaveLength(2);
    const jobs = await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'notifications:email' ORDER BY key`;
    expect(jobs.map((j) => j.key).sort()).toEqual(rows.map((r) => `notification:${r.id}`).sort());

    await runJobs(notificationTasks);
    const [en] = mailTo(english.email);
    expect(mailTo(english.email)).toHaveLength(1);
    expect(en!.subject).toBe("New inquiry about “Máy sấy lạnh”");
    expect(en!.headers["content-language"]).toBe("en");
    expect(en!.text).toContain("Hello Lan Nguyen,");
    expect(en!.text).toContain("http://localhost:3000/inquiries/i1");
    expect(en!.html).toContain('href="http://localhost:3000/inquiries/i1"');
    const [vi] = mailTo(vietnamese.email);
    expect(vi!.subject).toBe("Yêu cầu thông tin mới về “Máy sấy lạnh”");
    expect(vi!.text).toContain("Xin chào");
    expect((await prisma.notification.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).every((n) => n.emailedAt)).toBe(true);

    // Sending again (a duplicate job, a manual re-run) sends nothing.
    expect(await sendNotificationEmail(rows[0]!.id)).toBe("already-sent");
    expect(mailTo(english.email)).toHaveLength(1);
    expect(await prisma.$queryRaw<unknown[]>`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'notifications:email'`).toHaveLength(0);
  });

  it("a failing transport fails the job, which is retried later; the notification stays un-e-mailed until it succeeds", async () => {
    const user = await createUser({ locale: "en" });
    await prisma.$transaction((tx) => notifyUsers(tx, [user.id], EXAMPLES[4]!));
    const notification = await prisma.notification.findFirstOrThrow({ where: { userId: user.id } });
    overrideMailTransport(nodemailer.createTransport({ host: "127.0.0.1", port: await closedPort(), connectionTimeout: 2_000 }));
    const log = await runJobs(notificationTasks);
    expect(log.join("\n")).toMatch(/ECONNREFUSED/);
    const [job] = await prisma.$queryRaw<{ id: bigint; attempts: number; last_error: string; run_at: Date }[]>`
      SELECT id, attempts, last_error, run_at FROM graphile_worker.jobs WHERE key = ${`notification:${notification.id}`}`;
    expect(job!.attempts).toBe(1);
    expect(job!.last_error).toMatch(/ECONNREFUSED/);
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now()); // backoff
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: notification.id } })).emailedAt).toBeNull();
    expect(mailTo(user.email)).toHaveLength(0);

    // The transport is back; the retry comes due and sends it.
    overrideMailTransport(null);
    await prisma.$executeRaw`SELECT graphile_worker.reschedule_jobs(ARRAY[${job!.id}]::bigint[], run_at := now())`;
    await runJobs(notificationTasks);
    expect(mailTo(user.email).map((m) => m.subject)).toEqual(["Deal “Chuyển giao máy sấy”: Negotiating"]);
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: notification.id } })).emailedAt).not.toBeNull();
  });

  it("organisation notifications reach each member once, not the actor, and not disabled accounts' inboxes", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation();
    const colleague = await createUser();
    await createMembership(colleague.id, organisation.id);
    const disabled = await createUser({ disabledAt: new Date() });
    await createMembership(disabled.id, organisation.id);
    await prisma.$transaction((tx) => notifyOrganisations(tx, [organisation.id, organisation.id], EXAMPLES[0]!, { exceptUserId: colleague.id }));
    const recipients = await prisma.notification.findMany({ where: { userId: { in: [owner.id, colleague.id, disabled.id] } }, select: { userId: true } });
    expect(recipients.map((r) => r.userId)).toEqual([owner.id]);
  });
});

describe("moderation decisions", () => {
  it("tell the listing's organisation, in its members' language, inside the decision's transaction", async () => {
    const { user: owner, organisation } = await createMemberWithOrganisation({ user: { locale: "en" } });
    const brokerUser = await createUser({ roles: ["member", "broker"] });
    await createMembership(brokerUser.id, (await createOrganisation({ kind: "BROKER_CENTER" })).id);
    const broker = (await loadActor(brokerUser.id))!;
    const approved = await createListing(organisation.id, { status: "PENDING_REVIEW", title: "Robot hàn tự động" });
    const rejected = await createListing(organisation.id, { status: "PENDING_REVIEW", title: "Máy ép viên" });
    expect((await transitionListing(broker, approved.id, "approve")).ok).toBe(true);
    expect((await transitionListing(broker, rejected.id, "reject", { reason: "Thiếu ảnh và thông số" })).ok).toBe(true);
    const published = await createListing(organisation.id, { status: "PUBLISHED", publishedAt: new Date(), title: "Lò sấy" });
    const revision = await createListingRevision(published.id, { status: "PENDING", data: {} });
    expect((await decideRevision(broker, revision.id, { approve: false, reason: "Giá không rõ ràng" })).ok).toBe(true);

    const notes = await prisma.notification.findMany({ where: { userId: owner.id }, orderBy: { createdAt: "asc" } });
    expect(notes.map((n) => [n.type, (n.data as { decision: string }).decision, n.url])).toEqual([
      ["MODERATION_DECISION", "APPROVED", `/listings/${approved.id}`],
      ["MODERATION_DECISION", "REJECTED", `/listings/${rejected.id}/edit`],
      ["MODERATION_DECISION", "REJECTED", `/listings/${published.id}/edit`],
    ]);
    expect(await prisma.notification.count({ where: { userId: brokerUser.id } })).toBe(0);
    await runJobs(notificationTasks);
    expect(mailTo(owner.email).map((m) => m.subject)).toEqual([
      "Listing approved: “Robot hàn tự động”",
      "Listing not approved: “Máy ép viên”",
      "Changes not approved: “Lò sấy”",
    ]);
    expect(mailTo(owner.email)[1]!.text).toContain("Reason: Thiếu ảnh và thông số");
  });
});

describe("the notification centre", () => {
  async function seed() {
    const user = await createUser({ locale: "vi" });
    const other = await createUser();
    const base = Date.now() - 60_000;
    for (let i = 0; i < 23; i++) {
      await prisma.notification.create({
        data: {
          userId: user.id,
          type: "INQUIRY_ANSWERED",
          data: { inquiryId: `i${i}`, listingTitle: `Tin số ${i}`, byOrganisation: "Viện A" },
          url: `/inquiries/i${i}`,
          createdAt: new Date(base + i * 1000),
          readAt: i < 3 ? new Date() : null,
        },
      });
    }
    const foreign = await prisma.notification.create({ data: { userId: other.id, type: "INQUIRY_ANSWERED", data: { inquiryId: "x", listingTitle: "x", byOrganisation: "x" }, url: "/inquiries/x" } });
    return { user, cookie: await cookieFor(user.id), foreign };
  }

  it("lists newest first, 20 a page, unread marked, in the viewer's language; the header counts unread", async () => {
    const { cookie } = await seed();
    const request = getRequest("/notifications", cookie);
    request.headers.set("Accept-Language", "en");
    const page1 = await (await settle(call(centreLoader, request))).json();
    expect(page1.total).toBe(23);
    expect(page1.unread).toBe(20);
    expect(page1.pages).toBe(2);
    expect(page1.notifications).toHaveLength(20);
    expect(page1.notifications[0].title).toBe("New reply about “Tin số 22”");
    expect(page1.notifications[0].read).toBe(false);
    const page2 = await (await settle(call(centreLoader, getRequest("/notifications?page=2", cookie)))).json();
    expect(page2.notifications.map((n: { title: string; read: boolean }) => [n.title, n.read])).toEqual([
      ["Phản hồi mới về “Tin số 2”", true],
      ["Phản hồi mới về “Tin số 1”", true],
      ["Phản hồi mới về “Tin số 0”", true],
    ]);
    const root = await (await settle(call(rootLoader, getRequest("/", cookie)))).json();
    expect(root.user.unreadNotifications).toBe(20);
    const anonymous = await (await settle(call(rootLoader, getRequest("/")))).json();
    expect(anonymous.user).toBeNull();
  });

  it("marks one read and follows its link, marks all read, refuses other people's and bad input", async () => {
    const { user, cookie, foreign } = await seed();
    const newest = await prisma.notification.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
    const follow = await settle(call(centreAction, await formRequest("/notifications", { intent: "read", id: newest.id, follow: "1" }, { cookie })));
    expect(follow.status).toBe(302);
    expect(follow.headers.get("Location")).toBe(newest.url);
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: newest.id } })).readAt).not.toBeNull();

    expect((await settle(call(centreAction, await formRequest("/notifications", { intent: "read", id: foreign.id }, { cookie })))).status).toBe(404);
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: foreign.id } })).readAt).toBeNull();
    expect((await settle(call(centreAction, await formRequest("/notifications", { intent: "delete-everything" }, { cookie })))).status).toBe(400);

    const all = await settle(call(centreAction, await formRequest("/notifications", { intent: "read-all" }, { cookie })));
    expect(all.headers.get("Location")).toBe("/notifications?marked=all");
    expect(await prisma.notification.count({ where: { userId: user.id, readAt: null } })).toBe(0);
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: foreign.id } })).readAt).toBeNull();

    const signedOut = await settle(call(centreLoader, getRequest("/notifications")));
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("Location")).toMatch(/^\/login/);
  });
});
