import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { toMultiLine, toSingleLine } from "~/lib/text.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { signupSchema } from "~/modules/auth/schema.ts";
import { saveSearchFieldsSchema } from "~/modules/alerts/schema.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { transitionSchema } from "~/modules/deals/schema.ts";
import { inquirySchema } from "~/modules/inquiries/schema.ts";
import { importCatalogue } from "~/modules/listings/import.server.ts";
import { listingSchema } from "~/modules/listings/schema.ts";
import { issueFeeSchema } from "~/modules/payments/schema.ts";
import { action as newListingAction } from "~/routes/listings.new.tsx";
import { action as signupAction } from "~/routes/signup.tsx";
import { createBroker, createDealBetween, createParties } from "./factories/deals.ts";
import { createMemberWithOrganisation, createOrganisation, createUser, unique } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

const RLO = "\u202E";
const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];
const MARKS = ["\u200E", "\u200F", "\u061C"];

describe("toSingleLine", () => {
  it("removes bidi embeddings, overrides, isolates and marks, and every control, NUL included", () => {
    for (const c of [...BIDI, ...MARKS, "\u0000", "\u0007", "\u001B", "\u007F", "\u0080", "\u009B"]) expect(toSingleLine(`ab${c}cd`), JSON.stringify(c)).toBe("abcd");
    expect(toSingleLine(`Máy sấy ${RLO}gpj.exe`)).toBe("Máy sấy gpj.exe");
  });

  it("makes line breaks and tabs spaces, collapses runs of spaces and trims", () => {
    expect(toSingleLine("  Công ty\tCổ phần\r\n\u2028Sao\u00A0Mai \u0085 ")).toBe("Công ty Cổ phần Sao Mai");
  });

  it("keeps right-to-left letters and joiners", () => {
    expect(toSingleLine("שלום עולם")).toBe("שלום עולם");
    expect(toSingleLine("👩‍🔬 Phòng thí nghiệm")).toBe("👩‍🔬 Phòng thí nghiệm");
  });
});

describe("toMultiLine", () => {
  it("keeps tabs, line breaks and direction marks; removes bidi embeddings, overrides and isolates, NUL and the other controls", () => {
    expect(toMultiLine(`Dòng 1\r\n\tDòng 2\n\u200FDòng 3`)).toBe(`Dòng 1\r\n\tDòng 2\n\u200FDòng 3`);
    for (const c of [...BIDI, "\u0000", "\u0008", "\u000B", "\u000C", "\u001B", "\u007F", "\u009B"]) expect(toMultiLine(`ab${c}cd`), JSON.stringify(c)).toBe("abcd");
  });
});

describe("the shared schemas", () => {
  it("clean names, titles and e-mail addresses before they check their length", () => {
    const signup = signupSchema.parse({ name: `${RLO}Trần\u0000 Thị  Lan\u200F`, email: ` LAN${RLO}@Example.test `, password: "mat-khau-an-toan-9", confirmPassword: "mat-khau-an-toan-9" });
    expect(signup).toMatchObject({ name: "Trần Thị Lan", email: "lan@example.test" });
    // Nothing left once the controls are gone: refused like a blank name.
    expect(signupSchema.safeParse({ name: `${RLO}\u2066 `, email: "a@b.test", password: "x", confirmPassword: "x" }).error?.flatten().fieldErrors.name).toEqual(["errors.nameTooShort"]);
    expect(saveSearchFieldsSchema.parse({ name: `Máy ${RLO}sấy\n` })).toMatchObject({ name: "Máy sấy" });
    const fee = issueFeeSchema.parse({ intent: "issue", payer: "SEEKER", basis: "PERCENT", percent: "2", description: `Phí\n${RLO}môi giới` });
    expect(fee.description).toBe("Phí môi giới");
  });

  it("clean running text but keep its lines", () => {
    const inquiry = inquirySchema.parse({
      organisationId: "org",
      message: `Xin chào,\n\nchúng tôi quan tâm ${RLO}đến công nghệ này.\u0000`,
      need: "Cần dây chuyền sấy 1 tấn/mẻ",
      intendedUse: "Sấy xoài xuất khẩu",
      timeline: "Quý 3",
    });
    expect(inquiry.message).toBe("Xin chào,\n\nchúng tôi quan tâm đến công nghệ này.");
    expect(transitionSchema.parse({ intent: "transition", action: "hold", version: "0", comment: `Chờ\n${RLO}vốn` })).toMatchObject({ comment: "Chờ\nvốn" });
  });

  it("clean every single-line field of a listing: title, keywords, manufacturer, specifications", () => {
    const listing = listingSchema.parse({
      type: "EQUIPMENT_OFFER",
      language: "vi",
      title: `Máy ép viên ${RLO}1 tấn/giờ\u0000`,
      summary: `Máy ép viên nén mùn cưa\n${RLO}công suất 1 tấn/giờ, còn 90%.`,
      keywords: [`mùn${RLO} cưa`, "viên\u0000 nén"],
      sectorCodes: "2.3",
      transferModes: "EQUIPMENT_SALE",
      condition: "USED",
      manufacturer: `Kinh\u2067 Lực`,
      specifications: `Công suất${RLO}: 1 tấn/giờ\r\nĐộng cơ: 75\u0000 kW`,
    });
    expect(listing).toMatchObject({
      title: "Máy ép viên 1 tấn/giờ",
      summary: "Máy ép viên nén mùn cưa\ncông suất 1 tấn/giờ, còn 90%.",
      keywords: ["mùn cưa", "viên nén"],
      manufacturer: "Kinh Lực",
      specifications: { "Công suất": "1 tấn/giờ", "Động cơ": "75 kW" },
    });
  });
});

describe("what is stored", () => {
  it("a listing titled with U+202E and NUL through the form is stored without them", async () => {
    const { user, organisation } = await createMemberWithOrganisation();
    const cookie = (await startSession(user.id, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
    const fields = {
      type: "TECHNOLOGY_OFFER",
      organisationId: organisation.id,
      language: "vi",
      title: `Công nghệ ${RLO}sấy lạnh\u0000 bơm nhiệt`,
      summary: "Quy trình sấy lạnh dùng bơm nhiệt hai cấp, giữ màu tự nhiên và vitamin C.",
      sectorCodes: "2.11",
      transferModes: "LICENSE_NON_EXCLUSIVE",
      trl: "7",
      ipStatus: "KNOW_HOW",
      intent: "save",
    };
    const response = await settle(call(newListingAction as never, await formRequest("/listings/new", fields, { cookie })));
    expect(response.status).toBe(302);
    const stored = await prisma.listing.findFirstOrThrow({ where: { organisationId: organisation.id }, select: { title: true } });
    expect(stored.title).toBe("Công nghệ sấy lạnh bơm nhiệt");
  });

  it("a listing imported with U+202E and NUL in its title is created without them, not refused and not a 500", async () => {
    const user = await createUser({ roles: ["member", "broker"] });
    const actor = (await loadActor(user.id))!;
    const organisation = await createOrganisation({ name: unique("Viện thử nghiệm ký tự") });
    const row = {
      externalRef: "BIDI-1",
      type: "TECHNOLOGY_OFFER",
      language: "vi",
      title: `${RLO}Công nghệ ủ phân\u0000 hữu cơ`,
      summary: `Ủ phân hữu cơ từ vỏ cà phê trong 45 ngày,\u0000 không mùi${RLO}.`,
      sectors: ["2.11"],
      trl: 7,
      ipStatus: "KNOW_HOW",
      transferModes: ["TECHNICAL_ASSISTANCE"],
    };
    const report = await importCatalogue(actor, { fileName: "bidi.json", content: JSON.stringify([row]), defaultOrganisationId: organisation.id });
    expect(report).toMatchObject({ created: 1, failed: 0 });
    const stored = await prisma.listing.findFirstOrThrow({ where: { organisationId: organisation.id, externalRef: "BIDI-1" }, select: { title: true, summary: true } });
    expect(stored).toEqual({ title: "Công nghệ ủ phân hữu cơ", summary: "Ủ phân hữu cơ từ vỏ cà phê trong 45 ngày, không mùi." });
  });

  it("a person signing up with U+202E in their name is stored without it", async () => {
    const email = `${unique("bidi")}@example.test`;
    const input = { name: `Lan ${RLO}nahT`, email, password: "mat-khau-an-toan-9", confirmPassword: "mat-khau-an-toan-9" };
    expect((await settle(call(signupAction as never, await formRequest("/signup", input)))).status).toBe(302);
    expect((await prisma.user.findUniqueOrThrow({ where: { email }, select: { name: true } })).name).toBe("Lan nahT");
  });
});

/** The built app (the test command builds it first), to see the HTML a browser gets. */
async function renderedPage(url: string, cookie: string) {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
  const handle = createRequestHandler(build, "production");
  return handle(new Request(`http://localhost${url}`, { headers: { "Accept-Language": "vi", Cookie: cookie } }), { clientIp: "203.0.113.7" });
}

describe("where names are shown", () => {
  it("isolates organisation and broker names from the text around them on the deal board and page", async () => {
    const parties = await createParties();
    await prisma.organisation.update({ where: { id: parties.provider.organisation.id }, data: { name: "مؤسسة النخيل 2" } });
    const broker = await createBroker();
    const deal = await createDealBetween(parties, { assignedBrokerId: broker.id });
    const cookie = (await startSession(broker.id, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
    const board = await (await renderedPage("/deals", cookie)).text();
    expect(board).toContain(`<bdi>مؤسسة النخيل 2</bdi> ↔ <bdi>${parties.seeker.organisation.name}</bdi>`);
    const page = await (await renderedPage(`/deals/${deal.id}`, cookie)).text();
    expect(page).toContain(`<bdi>${broker.name}</bdi>`);
    const link = new RegExp(`<a [^>]*href="/orgs/${parties.provider.organisation.id}"[^>]*>\\s*مؤسسة النخيل 2\\s*</a>`).exec(page)?.[0];
    expect(link).toContain('dir="auto"');
  });
});
