import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { startSession } from "~/modules/auth/session.server.ts";
import { importCatalogue } from "~/modules/listings/import.server.ts";
import { action as newListingAction } from "~/routes/listings.new.tsx";
import { action as signupAction } from "~/routes/signup.tsx";
import { createBroker, createDealBetween, createParties } from "./factories/deals.ts";
import { createMemberWithOrganisation, createOrganisation, createUser, unique } from "./factories/index.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

const RLO = "\u202E";

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
    const input = { name: `Lan ${RLO}nahT`, email, password: "mat-khau-an-toan-9", confirmPassword: "mat-khau-an-toan-9", consent: "on" };
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
