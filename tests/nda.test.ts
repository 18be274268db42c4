import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { indexName, meili } from "~/lib/meili.server.ts";
import { loadActor } from "~/modules/auth/actor.server.ts";
import { acceptNda, ndaTextHash } from "~/modules/inquiries/nda.server.ts";
import { DEFAULT_NDA_TEXT } from "~/modules/listings/listings.server.ts";
import { ensureListingsIndex, LISTINGS } from "~/modules/search/index.server.ts";
import { syncListing } from "~/modules/search/sync.server.ts";
import { loader as apiListingLoader } from "~/routes/api.listings.$id.ts";
import { loader as apiSearchLoader } from "~/routes/api.search.ts";
import { loader as listingLoader } from "~/routes/listings.$id.tsx";
import { action as ndaAction, loader as ndaLoader } from "~/routes/listings.$id_.nda.tsx";
import { loader as searchPageLoader } from "~/routes/search.tsx";
import { createListing, createMembership, createNdaAcceptance, createOrganisation, unique } from "./factories/index.ts";
import { createMember } from "./factories/inquiries.ts";
import { call, formRequest, getRequest, settle } from "./setup/requests.ts";

/*
 * A listing's confidential details reach only its own organisation and the
 * organisations that accepted its NDA. Every way a page or API could carry them
 * is fetched as each kind of reader, looking for a marker no other text contains.
 */

const MARKER = unique("BÍ-MẬT-khuôn-ép-XK9");
const OTHER_MARKER = unique("BÍ-MẬT-listing-B");
const HASH = ndaTextHash(DEFAULT_NDA_TEXT);

type Reader = { name: string; cookie?: string };
const people: Record<string, Reader & { userId?: string; organisationId?: string }> = {};
let listingId = "";
let otherListingId = "";

beforeAll(async () => {
  await ensureListingsIndex();
  const ownerOrg = await createOrganisation({ name: "Viện Cơ khí Chính xác" });
  const listing = await createListing(ownerOrg.id, {
    type: "EQUIPMENT_OFFER",
    title: "Khuôn ép nhựa chính xác cho linh kiện điện tử",
    confidential: { details: `Nhà cung cấp thép khuôn: ${MARKER}\n\n**Giá vốn**: 40 triệu`, ndaText: DEFAULT_NDA_TEXT },
  });
  const otherOrg = await createOrganisation();
  const other = await createListing(otherOrg.id, { confidential: { details: `Chi tiết khác ${OTHER_MARKER}`, ndaText: DEFAULT_NDA_TEXT } });
  listingId = listing.id;
  otherListingId = other.id;
  for (const id of [listingId, otherListingId]) expect(await syncListing(id)).toBe("upserted");

  const owner = await createMember(ownerOrg.id, "Chủ Tin");
  const outsiderOrg = await createOrganisation({ name: "Công ty Người Ngoài" });
  const outsider = await createMember(outsiderOrg.id);
  // This organisation accepted the OTHER listing's NDA, not this one's.
  const elsewhereOrg = await createOrganisation({ name: "Công ty Đã Ký NDA Khác" });
  const elsewhere = await createMember(elsewhereOrg.id);
  await createNdaAcceptance(otherListingId, elsewhereOrg.id, { userId: elsewhere.user.id, textHash: HASH });
  const acceptingOrg = await createOrganisation({ name: "Công ty CP Điện tử Bình Dương" });
  const accepter = await createMember(acceptingOrg.id, "Người Ký");
  const colleague = await createMember(acceptingOrg.id, "Đồng Nghiệp Người Ký");
  Object.assign(people, {
    anonymous: { name: "anonymous" },
    owner: { name: "owner", cookie: owner.cookie, userId: owner.user.id, organisationId: ownerOrg.id },
    outsider: { name: "outsider", cookie: outsider.cookie, userId: outsider.user.id, organisationId: outsiderOrg.id },
    elsewhere: { name: "accepted another listing's NDA", cookie: elsewhere.cookie, userId: elsewhere.user.id, organisationId: elsewhereOrg.id },
    accepter: { name: "accepter", cookie: accepter.cookie, userId: accepter.user.id, organisationId: acceptingOrg.id },
    colleague: { name: "accepter's colleague", cookie: colleague.cookie, userId: colleague.user.id, organisationId: acceptingOrg.id },
  });
});

/** The built app, to see the HTML and the `?_data=` JSON a browser gets. */
let handler: ((request: Request) => Promise<Response>) | undefined;
async function app(url: string, cookie?: string) {
  if (!handler) {
    const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "..", "build", "index.js")).href)) as ServerBuild;
    const handle = createRequestHandler(build, "production");
    handler = (request) => handle(request, { clientIp: "203.0.113.77" });
  }
  const headers = new Headers({ "Accept-Language": "vi" });
  if (cookie) headers.set("Cookie", cookie);
  return handler(new Request(`http://localhost${url}`, { headers }));
}

async function loaderText(reader: Reader, id = listingId) {
  const response = await settle(call(listingLoader, getRequest(`/listings/${id}`, reader.cookie), { params: { id } }));
  expect(response.status).toBe(200);
  return response.text();
}

/** Everything a reader can fetch about the listing, as text. */
async function everythingSeenBy(reader: Reader) {
  const texts: Record<string, string> = {};
  texts.loader = await loaderText(reader);
  const html = await app(`/listings/${listingId}`, reader.cookie);
  expect(html.status).toBe(200);
  texts.html = await html.text();
  const data = await app(`/listings/${listingId}?_data=${encodeURIComponent("routes/listings.$id")}`, reader.cookie);
  expect(data.status).toBe(200);
  expect(data.headers.get("Content-Type")).toContain("application/json");
  texts.data = await data.text();
  const api = await settle(call(apiListingLoader, getRequest(`/api/listings/${listingId}`, reader.cookie), { params: { id: listingId } }));
  expect(api.status).toBe(200);
  texts.api = await api.text();
  const search = await settle(call(apiSearchLoader, getRequest("/api/search?q=khuon+ep+nhua", reader.cookie)));
  texts.search = await search.text();
  expect(texts.search).toContain(listingId);
  const searchPage = await settle(call(searchPageLoader, getRequest("/search?q=khuon+ep+nhua", reader.cookie)));
  texts.searchPage = await searchPage.text();
  return texts;
}

async function accept(reader: Reader & { organisationId?: string }, fields: Record<string, string> = {}, id = listingId) {
  const request = await formRequest(`/listings/${id}/nda`, { organisationId: reader.organisationId ?? "", textHash: HASH, agree: "yes", ...fields }, { cookie: reader.cookie, withHoneypot: false });
  return settle(call(ndaAction, request, { params: { id }, clientIp: "198.51.100.23" }));
}

describe("confidential details before any acceptance", () => {
  it("never reach the HTML, the loader JSON, the APIs or the search index for anyone but the owner", async () => {
    for (const who of ["anonymous", "outsider", "elsewhere", "accepter"]) {
      const texts = await everythingSeenBy(people[who]!);
      for (const [where, text] of Object.entries(texts)) {
        expect(text, `${people[who]!.name} / ${where}`).not.toContain(MARKER);
        expect(text, `${people[who]!.name} / ${where}`).not.toContain("Giá vốn");
      }
      // They see that details exist and the NDA to accept.
      const page = JSON.parse(texts.loader!);
      expect(page.nda.kind, who).toBe("locked");
      expect(page.nda.ndaText, who).toBe(DEFAULT_NDA_TEXT);
      expect(page.nda.textHash, who).toBe(HASH);
      expect(texts.html, who).toContain("Thỏa thuận bảo mật (NDA)");
    }
    const document = await meili().index(indexName(LISTINGS)).getDocument(listingId);
    expect(JSON.stringify(document)).not.toContain(MARKER);
    const hits = await meili().index(indexName(LISTINGS)).search(MARKER);
    expect(hits.hits).toEqual([]);
  });

  it("are shown to the listing's own organisation", async () => {
    const texts = await everythingSeenBy(people.owner!);
    expect(JSON.parse(texts.loader!).nda).toMatchObject({ kind: "unlocked", reason: "owner" });
    expect(texts.html).toContain(MARKER);
    expect(texts.html).toContain("<strong>Giá vốn</strong>");
    expect(texts.data).toContain(MARKER);
    // The public APIs stay public, even for the owner.
    expect(texts.api).not.toContain(MARKER);
    expect(texts.search).not.toContain(MARKER);
  });

  it("a signed-in member sees an accept form; a visitor is asked to log in", async () => {
    const outsider = JSON.parse(await loaderText(people.outsider!)).nda;
    expect(outsider).toMatchObject({ kind: "locked", signedIn: true, organisations: [{ id: people.outsider!.organisationId, name: "Công ty Người Ngoài" }] });
    const visitor = JSON.parse(await loaderText(people.anonymous!)).nda;
    expect(visitor).toMatchObject({ kind: "locked", signedIn: false, organisations: [] });
  });
});

describe("accepting the NDA", () => {
  it("refuses bad input, the owner's own organisation, someone else's organisation and visitors", async () => {
    const count = () => prisma.ndaAcceptance.count({ where: { listingId } });
    const before = await count();
    expect((await accept(people.accepter!, { textHash: "not-a-hash" })).status).toBe(400);
    expect((await accept(people.accepter!, { agree: "" })).status).toBe(400);
    expect((await accept(people.accepter!, { organisationId: people.outsider!.organisationId! })).status).toBe(400);
    expect((await accept(people.owner!)).status).toBe(400);
    const visitor = await accept(people.anonymous!, { organisationId: people.accepter!.organisationId! });
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("Location")).toMatch(/^\/login/);
    expect((await accept(people.accepter!, {}, "no-such-listing")).status).toBe(404);
    const plain = await createListing(people.owner!.organisationId!);
    expect((await accept(people.accepter!, {}, plain.id)).status).toBe(404);
    expect(await count()).toBe(before);
    // GET changes nothing.
    const get = await settle(call(ndaLoader, getRequest(`/listings/${listingId}/nda`, people.accepter!.cookie), { params: { id: listingId } }));
    expect(get.status).toBe(302);
    expect(await count()).toBe(before);
  });

  it("refuses when the text shown is not the current NDA text", async () => {
    const stale = ndaTextHash(`${DEFAULT_NDA_TEXT} (bản cũ)`);
    const response = await accept(people.accepter!, { textHash: stale });
    expect(response.headers.get("Location")).toBe(`/listings/${listingId}?nda=changed#nda`);
    expect(await prisma.ndaAcceptance.count({ where: { listingId, organisationId: people.accepter!.organisationId } })).toBe(0);
  });

  it("records user, organisation, time, IP and text hash, and unlocks the details for that organisation only", async () => {
    const startedAt = new Date();
    const response = await accept(people.accepter!);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/listings/${listingId}?nda=accepted#confidential`);
    const row = await prisma.ndaAcceptance.findFirstOrThrow({ where: { listingId, organisationId: people.accepter!.organisationId } });
    expect(row).toMatchObject({ userId: people.accepter!.userId, ipAddress: "198.51.100.23", textHash: HASH });
    expect(row.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.acceptedAt.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "nda.accept", entityId: row.id } });
    expect(audit).toMatchObject({ actorId: people.accepter!.userId, ipAddress: "198.51.100.23", data: { listingId, organisationId: people.accepter!.organisationId, textHash: HASH } });

    // Accepting twice records nothing new.
    expect((await accept(people.accepter!)).status).toBe(302);
    expect(await prisma.ndaAcceptance.count({ where: { listingId, organisationId: people.accepter!.organisationId } })).toBe(1);

    // The accepting organisation's members see the details in the page and its data…
    for (const who of ["accepter", "colleague"]) {
      const texts = await everythingSeenBy(people[who]!);
      expect(JSON.parse(texts.loader!).nda, who).toMatchObject({ kind: "unlocked", reason: "accepted", acceptedBy: { organisationName: "Công ty CP Điện tử Bình Dương" } });
      expect(texts.html, who).toContain(MARKER);
      expect(texts.data, who).toContain(MARKER);
      // …but never in the public APIs, and never the other listing's details.
      expect(texts.api, who).not.toContain(MARKER);
      expect(texts.search, who).not.toContain(MARKER);
      expect(texts.html, who).not.toContain(OTHER_MARKER);
    }
    expect(await loaderText(people.accepter!, otherListingId)).not.toContain(OTHER_MARKER);

    // Everyone else still sees nothing.
    for (const who of ["anonymous", "outsider", "elsewhere"]) {
      const texts = await everythingSeenBy(people[who]!);
      for (const [where, text] of Object.entries(texts)) expect(text, `${people[who]!.name} / ${where}`).not.toContain(MARKER);
    }
    // A member of both an accepting and a non-accepting organisation sees it through the accepting one.
    const both = await createMember(people.outsider!.organisationId!);
    await createMembership(both.user.id, people.accepter!.organisationId!);
    expect(await loaderText({ name: "both", cookie: both.cookie })).toContain(MARKER);
  });

  it("records one acceptance when two members click at once", async () => {
    const org = await createOrganisation();
    const a = await createMember(org.id);
    const b = await createMember(org.id);
    const [actorA, actorB] = await Promise.all([loadActor(a.user.id), loadActor(b.user.id)]);
    const input = { organisationId: org.id, textHash: HASH, agree: "yes" as const };
    const results = await Promise.all([acceptNda(actorA!, listingId, input), acceptNda(actorB!, listingId, input), acceptNda(actorA!, listingId, input)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.alreadyAccepted)).toHaveLength(1);
    const rows = await prisma.ndaAcceptance.findMany({ where: { listingId, organisationId: org.id } });
    expect(rows).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { action: "nda.accept", entityId: rows[0]!.id } })).toBe(1);
  });

  it("an acceptance covers the text accepted: a new NDA text locks the details again", async () => {
    const org = await createOrganisation();
    const member = await createMember(org.id);
    const reader = { name: "new", cookie: member.cookie, organisationId: org.id };
    expect((await accept(reader)).status).toBe(302);
    expect(await loaderText(reader)).toContain(MARKER);
    const newText = `${DEFAULT_NDA_TEXT}\nĐiều 4: thời hạn bảo mật 5 năm.`;
    await prisma.listingConfidential.update({ where: { listingId }, data: { ndaText: newText } });
    try {
      const page = JSON.parse(await loaderText(reader));
      expect(page.nda).toMatchObject({ kind: "locked", ndaText: newText, textHash: ndaTextHash(newText) });
      expect(JSON.stringify(page)).not.toContain(MARKER);
      // The old hash is refused now; the new one is accepted.
      expect((await accept(reader)).headers.get("Location")).toContain("nda=changed");
      expect((await accept(reader, { textHash: ndaTextHash(newText) })).headers.get("Location")).toContain("nda=accepted");
      expect(await loaderText(reader)).toContain(MARKER);
    } finally {
      await prisma.listingConfidential.update({ where: { listingId }, data: { ndaText: DEFAULT_NDA_TEXT } });
    }
  });
});
