import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { localeCookie } from "~/modules/i18n/i18n.server.ts";
import { loader as auditLoader } from "~/routes/admin.audit.tsx";
import { loader as dashboardLoader } from "~/routes/reports._index.tsx";
import { loader as annualLoader } from "~/routes/reports.annual.tsx";
import { loader as exportLoader } from "~/routes/reports.export.$table.ts";
import { loader as listLoader } from "~/routes/reports.list.tsx";
import { action as targetsAction, loader as targetsLoader } from "~/routes/reports.targets.tsx";
import { createAuditLog, createDeal, createListing, createMemberWithOrganisation, createOrganisation, createUser } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

async function cookieFor(userId: string, locale?: "vi" | "en") {
  const session = (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
  return locale ? `${session}; ${(await localeCookie.serialize(locale)).split(";")[0]}` : session;
}

async function userWith(roles: ("member" | "broker" | "admin")[]) {
  const user = await createUser({ roles });
  return { user, cookie: await cookieFor(user.id) };
}

const load = (fn: unknown, url: string, cookie?: string, params: Record<string, string> = {}) => settle(call(fn as never, getRequest(url, cookie), { params }));

describe("who may see the reports", () => {
  it("sends anonymous visitors to log in and tells members the pages do not exist", async () => {
    for (const [fn, url, params] of [
      [dashboardLoader, "/reports", {}],
      [listLoader, "/reports/list?metric=listings", {}],
      [exportLoader, "/reports/export/summary", { table: "summary" }],
      [annualLoader, "/reports/annual", {}],
      [targetsLoader, "/reports/targets", {}],
      [auditLoader, "/admin/audit", {}],
    ] as const) {
      const anonymous = await load(fn, url, undefined, params);
      expect(anonymous.status, url).toBe(302);
      expect(anonymous.headers.get("Location"), url).toMatch(/^\/login/);
    }
    const { cookie } = await userWith(["member"]);
    for (const [fn, url, params] of [
      [dashboardLoader, "/reports", {}],
      [listLoader, "/reports/list?metric=listings", {}],
      [exportLoader, "/reports/export/summary", { table: "summary" }],
      [annualLoader, "/reports/annual", {}],
      [targetsLoader, "/reports/targets", {}],
      [auditLoader, "/admin/audit", {}],
    ] as const) {
      expect((await load(fn, url, cookie, params)).status, url).toBe(404);
    }
  });

  it("shows brokers the dashboard, lists, exports and annual report, but not targets or the audit log", async () => {
    const { cookie } = await userWith(["member", "broker"]);
    const { organisation } = await createMemberWithOrganisation();
    await createListing(organisation.id, { publishedAt: new Date("2025-05-05T05:00:00Z"), title: "Máy sấy lạnh thử nghiệm báo cáo" });
    const dashboard = await load(dashboardLoader, "/reports?from=2025-01-01&to=2025-12-31", cookie);
    expect(dashboard.status).toBe(200);
    const body = await dashboard.json();
    expect(body.metrics.listingsPublished).toBe(1);
    expect(body.canManageTargets).toBe(false);
    // Every figure links to the rows behind it.
    const summary = body.tables.find((t: { id: string }) => t.id === "summary");
    expect(summary.rows[0].href).toBe("/reports/list?from=2025-01-01&to=2025-12-31&metric=listings");
    const list = await (await load(listLoader, summary.rows[0].href, cookie)).json();
    expect(list.total).toBe(1);
    expect(list.rows[0][0]).toMatchObject({ text: "Máy sấy lạnh thử nghiệm báo cáo" });

    expect((await load(annualLoader, "/reports/annual?from=2025-01-01&to=2025-12-31", cookie)).status).toBe(200);
    expect((await load(targetsLoader, "/reports/targets", cookie)).status).toBe(404);
    expect((await load(auditLoader, "/admin/audit", cookie)).status).toBe(404);
  });

  it("defaults to this calendar year in Vietnam time", async () => {
    const { cookie } = await userWith(["broker"]);
    const body = await (await load(dashboardLoader, "/reports", cookie)).json();
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    expect(body.period).toEqual({ from: `${year}-01-01`, to: `${year}-12-31` });
  });
});

describe("period parameters", () => {
  it("answers 400 with a message per field for a bad period", async () => {
    const { cookie } = await userWith(["broker"]);
    const bad = await load(dashboardLoader, "/reports?from=2025-02-30&to=2024-01-01", cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual({ from: ["reports.errors.dateInvalid"] });
    const reversed = await load(dashboardLoader, "/reports?from=2025-03-01&to=2025-02-01", cookie);
    expect(reversed.status).toBe(400);
    expect((await reversed.json()).errors).toEqual({ to: ["reports.errors.toBeforeFrom"] });
    const garbage = await load(exportLoader, "/reports/export/summary?from=yesterday", cookie, { table: "summary" });
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).fieldErrors).toEqual({ from: ["reports.errors.dateFormat"] });
    expect((await load(listLoader, "/reports/list?metric=everything", cookie)).status).toBe(400);
    expect((await load(exportLoader, "/reports/export/secrets", cookie, { table: "secrets" })).status).toBe(404);
  });
});

describe("CSV export", () => {
  it("starts with a byte-order mark and has the headings in the viewer's language", async () => {
    const broker = await createUser({ roles: ["broker"] });
    const { organisation } = await createMemberWithOrganisation();
    await createListing(organisation.id, { type: "EQUIPMENT_OFFER", publishedAt: new Date("2023-03-03T03:00:00Z") });
    const vi = await load(exportLoader, "/reports/export/listings-by-type?from=2023-01-01&to=2023-12-31", await cookieFor(broker.id, "vi"), { table: "listings-by-type" });
    expect(vi.status).toBe(200);
    expect(vi.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(vi.headers.get("Content-Disposition")).toContain('filename="techex-listings-by-type-2023-01-01-2023-12-31.csv"');
    const bytes = new Uint8Array(await vi.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.split("\r\n").slice(0, 4)).toEqual(["\uFEFFLoại tin,Số tin", "Chào bán công nghệ,0", "Thiết bị,1", "Nhu cầu công nghệ,0"]);

    const en = await load(exportLoader, "/reports/export/agreed-value?from=2023-01-01&to=2023-12-31", await cookieFor(broker.id, "en"), { table: "agreed-value" });
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await en.arrayBuffer()).split("\r\n")[0]).toBe("\uFEFFCurrency,Deals,Value");
  });

  it("writes agreed deals with exact values and their currency", async () => {
    const { cookie } = await userWith(["broker"]);
    const a = await createOrganisation({ name: "Viện Cơ điện Nông nghiệp" });
    const b = await createOrganisation({ name: "Công ty Nông sản Sóc Trăng" });
    await createDeal(a.id, b.id, { title: "Chuyển giao máy sấy, \"trọn gói\"", stage: "AGREEMENT_REACHED", agreedAt: new Date("2025-06-01T00:00:00Z"), agreedValue: 9_007_199_254_740_993n, agreedCurrency: "VND", agreementType: "LICENCE" });
    const res = await load(exportLoader, "/reports/export/agreed-deals?from=2025-01-01&to=2025-12-31", cookie, { table: "agreed-deals" });
    const lines = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer()).split("\r\n");
    expect(lines[0]).toBe("\uFEFFThương vụ,Bên cung,Bên cầu,Hình thức,Ngày thỏa thuận,Giá trị,Loại tiền");
    expect(lines[1]).toBe('"Chuyển giao máy sấy, ""trọn gói""",Viện Cơ điện Nông nghiệp,Công ty Nông sản Sóc Trăng,Li-xăng,2025-06-01T00:00:00.000Z,9007199254740993,VND');
  });
});

describe("KPI targets page", () => {
  it("lets an admin set a target, shows progress, and rejects bad input with field messages", async () => {
    const { user, cookie } = await userWith(["admin"]);
    const post = async (fields: Record<string, string>) => settle(call(targetsAction as never, await formRequest("/reports/targets", fields, { cookie })));

    const missingCurrency = await post({ intent: "set", year: "2019", metric: "AGREED_VALUE", target: "1000000000" });
    expect(missingCurrency.status).toBe(400);
    expect((await missingCurrency.json()).error).toMatchObject({ currency: ["reports.errors.currencyRequired"] });
    const notANumber = await post({ intent: "set", year: "2019", metric: "DEALS_AGREED", target: "forty" });
    expect(notANumber.status).toBe(400);
    expect((await notANumber.json()).error).toMatchObject({ target: ["reports.errors.targetNumber"] });
    expect(await prisma.kpiTarget.count()).toBe(0);

    expect((await post({ intent: "set", year: "2019", metric: "LISTINGS_PUBLISHED", target: "300" })).status).toBe(200);
    expect((await post({ intent: "set", year: "2019", metric: "AGREED_VALUE", currency: "VND", target: "5.000.000.000" })).status).toBe(200);
    // Setting the same metric again replaces the target.
    expect((await post({ intent: "set", year: "2019", metric: "LISTINGS_PUBLISHED", target: "2" })).status).toBe(200);
    const targets = await prisma.kpiTarget.findMany({ where: { year: 2019 }, orderBy: { metric: "asc" } });
    expect(targets.map((t) => [t.metric, t.currency, t.target])).toEqual([
      ["LISTINGS_PUBLISHED", "", 2n],
      ["AGREED_VALUE", "VND", 5_000_000_000n],
    ]);
    const audit = await prisma.auditLog.findMany({ where: { action: "kpi.set" } });
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.actorId === user.id)).toBe(true);

    const { organisation } = await createMemberWithOrganisation();
    await createListing(organisation.id, { publishedAt: new Date("2019-02-02T02:00:00Z") });
    await createListing(organisation.id, { publishedAt: new Date("2019-02-03T02:00:00Z") });
    const page = await (await load(targetsLoader, "/reports/targets?year=2019", cookie)).json();
    expect(page.kpi.reached).toBe(1);
    expect(page.kpi.total).toBe(2);
    expect(page.kpi.rows.find((r: { metric: string }) => r.metric === "LISTINGS_PUBLISHED")).toMatchObject({ actual: "2", target: "2", fraction: 1, reached: true });

    const del = await post({ intent: "delete", id: targets[0]!.id });
    expect(del.status).toBe(200);
    expect(await prisma.kpiTarget.count({ where: { year: 2019 } })).toBe(1);
    expect((await post({ intent: "delete", id: "nope" })).status).toBe(404);
  });

  it("refuses brokers", async () => {
    const { cookie } = await userWith(["broker"]);
    const res = await settle(call(targetsAction as never, await formRequest("/reports/targets", { intent: "set", year: "2019", metric: "DEALS_AGREED", target: "40" }, { cookie })));
    expect(res.status).toBe(404);
    expect(await prisma.kpiTarget.count({ where: { metric: "DEALS_AGREED" } })).toBe(0);
  });
});

describe("audit log page", () => {
  it("lists newest first and filters by actor, object, action and date", async () => {
    const { cookie } = await userWith(["admin"]);
    const moderator = await createUser({ roles: ["broker"], name: "Trần Kiểm Duyệt", email: "kiemduyet@example.test" });
    await createAuditLog({ actorId: moderator.id, action: "listing.approve", entityType: "Listing", entityId: "lst1", createdAt: new Date("2025-04-30T16:59:59Z") });
    await createAuditLog({ actorId: moderator.id, action: "listing.reject", entityType: "Listing", entityId: "lst2", createdAt: new Date("2025-04-30T17:00:00Z") });
    await createAuditLog({ actorId: null, action: "payment.paid", entityType: "Payment", entityId: "pay1", createdAt: new Date("2025-05-02T00:00:00Z") });
    const get = async (q: string) => (await load(auditLoader, `/admin/audit${q}`, cookie)).json();

    const all = await get("?entityType=listing");
    expect(all.entries.map((e: { entityId: string }) => e.entityId)).toEqual(["lst2", "lst1"]);
    expect((await get("?actor=KIEMDUYET@")).total).toBe(2);
    expect((await get("?actor=Kiểm Duyệt&action=listing.rej")).entries.map((e: { action: string }) => e.action)).toEqual(["listing.reject"]);
    expect((await get("?entityType=Payment&entityId=pay1")).total).toBe(1);
    // 30 April in Hanoi ends at 16:59:59 UTC.
    expect((await get("?from=2025-04-30&to=2025-04-30&entityType=Listing")).entries.map((e: { entityId: string }) => e.entityId)).toEqual(["lst1"]);
    expect((await get("?from=2025-05-01&to=2025-05-31")).entries.map((e: { entityId: string }) => e.entityId)).toEqual(["pay1", "lst2"]);

    const bad = await load(auditLoader, "/admin/audit?from=2025-13-01&action=drop%20table", cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual({ from: ["reports.errors.dateInvalid"], action: ["reports.errors.action"] });
  });
});
