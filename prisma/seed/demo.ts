/**
 * Demo data: the catalogue in demo-catalogue.json (written for Techex, not
 * generated), its organisations, and one demo user per role. Built with the
 * test factories. Loaded only into an empty database.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { analyzeCatalogueTables, refreshCatalogueCounts } from "../../app/modules/listings/catalogue-counts.server.ts";
import { newVerificationDocumentKey, storeVerificationDocument } from "../../app/modules/orgs/verification-documents.server.ts";
import { createListing, createMembership, createOrganisation, createUser } from "../../tests/factories/index.ts";
import { loadDemoOperations } from "./demo-operations.ts";

export const DEMO_PASSWORD = "Techex-demo-2026";
export const DEMO_USERS = [
  { role: "admin", email: "admin@techex.local", password: DEMO_PASSWORD, name: "Quản trị viên Techex" },
  { role: "broker", email: "broker@techex.local", password: DEMO_PASSWORD, name: "Lê Minh Tâm" },
  { role: "member", email: "member@techex.local", password: DEMO_PASSWORD, name: "Phạm Thu Hà" },
] as const;

type Money = { type?: string; min: number | null; max: number | null; currency: "VND" | "USD" };
interface DemoOrganisation { key: string; name: string; kind: Prisma.OrganisationUncheckedCreateInput["kind"]; province: string | null; website?: string; description?: string; taxCode?: string | null }
interface DemoListing {
  externalRef: string; organisation: string; type: "TECHNOLOGY_OFFER" | "EQUIPMENT_OFFER" | "TECHNOLOGY_REQUEST";
  language: string; title: string; summary: string; description: string; advantages?: string; applications?: string;
  keywords: string[]; sectors: string[]; province: string | null; country?: string;
  trl?: number; ipStatus?: Prisma.ListingUncheckedCreateInput["ipStatus"]; ipNumbers?: string[]; transferObjects?: Prisma.ListingUncheckedCreateInput["transferObjects"]; partnerSought?: string;
  equipment?: { condition: "NEW" | "USED" | "REFURBISHED"; manufacturer?: string; model?: string; year?: number; quantity?: number; specifications?: Record<string, string>; leaseAvailable?: boolean };
  transferModes?: Prisma.ListingUncheckedCreateInput["transferModes"]; wantedTransferModes?: Prisma.ListingUncheckedCreateInput["transferModes"];
  price?: Money; budget?: Money; confidentialDetails?: string;
  problemStatement?: string; minTrl?: number; deadline?: string; preferredProvinces?: string[];
}

export function readDemoCatalogue(): { organisations: DemoOrganisation[]; listings: DemoListing[] } {
  return JSON.parse(readFileSync(new URL("./demo-catalogue.json", import.meta.url), "utf8"));
}

/** The demo organisation whose registration waits for a broker (every other one is verified). */
export const DEMO_PENDING_VERIFICATION = "thanh-dat-mech";

/** A one-page PDF that reads as a registration certificate: something for the demo broker to open. */
export function demoRegistrationPdf(lines: string[]): Buffer {
  // Latin-1 text in the standard Helvetica font: the marks are dropped (Đ → D), as the font has no Vietnamese glyphs.
  const ascii = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").replace(/[()\\]/g, "");
  const text = lines.map((line, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 56 ${780 - i * 24} Td (${ascii(line)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(text, "latin1")} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

const big = (v: number | null | undefined) => (v === null || v === undefined ? null : BigInt(v));
const DAY = 24 * 60 * 60 * 1000;

const NDA_TEXT =
  "Bên nhận cam kết giữ bí mật mọi thông tin được đánh dấu là bảo mật trong tin này, chỉ sử dụng để đánh giá khả năng hợp tác, không tiết lộ cho bên thứ ba trong thời hạn 3 năm kể từ ngày chấp nhận.";

export async function loadDemoData(log: (line: string) => void = () => {}) {
  const catalogue = readDemoCatalogue();
  const provinces = await prisma.province.findMany({ select: { code: true, shortNameVi: true } });
  const provinceCode = (name: string | null | undefined) => {
    if (!name) return null;
    const hit = provinces.find((p) => p.shortNameVi === name);
    if (!hit) throw new Error(`demo data names an unknown province: ${name}`);
    return hit.code;
  };

  const orgIds = new Map<string, string>();
  for (const o of catalogue.organisations) {
    const created = await createOrganisation({
      name: o.name,
      kind: o.kind,
      provinceCode: provinceCode(o.province),
      website: o.website ?? null,
      description: o.description ?? "",
      taxCode: o.taxCode ?? null,
      ...(o.key === DEMO_PENDING_VERIFICATION ? { verificationStatus: "PENDING" as const } : { verificationStatus: "VERIFIED" as const, verifiedAt: new Date() }),
    });
    orgIds.set(o.key, created.id);
    if (o.key === DEMO_PENDING_VERIFICATION) await submitDemoRegistration(created.id, o);
  }

  const centre = catalogue.organisations.find((o) => o.kind === "BROKER_CENTER")!;
  const firstEnterprise = catalogue.organisations.find((o) => o.kind === "ENTERPRISE")!;
  for (const u of DEMO_USERS) {
    const roles = u.role === "admin" ? (["member", "broker", "admin"] as const) : u.role === "broker" ? (["member", "broker"] as const) : (["member"] as const);
    const user = await createUser({ email: u.email, name: u.name, password: u.password, roles: [...roles] });
    const orgKey = u.role === "member" ? firstEnterprise.key : centre.key;
    await createMembership(user.id, orgIds.get(orgKey)!, u.role === "broker" ? "MEMBER" : "OWNER");
  }

  // Spread publication over the last five months in an order mixed by hash, so
  // the newest listings are not all of one type (the file is grouped by type).
  const now = Date.now();
  const order = catalogue.listings
    .map((l) => l.externalRef)
    .sort((a, b) => createHash("sha1").update(a).digest("hex").localeCompare(createHash("sha1").update(b).digest("hex")));
  for (const l of catalogue.listings) {
    const publishedAt = new Date(now - (order.indexOf(l.externalRef) + 1) * 2.3 * DAY);
    const money = l.type === "TECHNOLOGY_REQUEST" ? undefined : l.price;
    await createListing(orgIds.get(l.organisation)!, {
      type: l.type,
      status: "PUBLISHED",
      externalRef: l.externalRef,
      language: l.language,
      title: l.title,
      summary: l.summary,
      description: l.description,
      advantages: l.advantages ?? "",
      applications: l.applications ?? "",
      keywords: l.keywords,
      sectorCodes: l.sectors,
      provinceCode: provinceCode(l.province),
      countryCode: l.country ?? "VN",
      priceType: (money?.type as "FIXED" | "NEGOTIABLE" | "ON_REQUEST" | undefined) ?? "NEGOTIABLE",
      priceMin: big(money?.min),
      priceMax: big(money?.max),
      currency: money?.currency ?? null,
      transferModes: l.transferModes ?? l.wantedTransferModes ?? [],
      trl: l.trl ?? null,
      ipStatus: l.ipStatus ?? null,
      ipNumbers: l.ipNumbers ?? [],
      transferObjects: l.transferObjects ?? [],
      partnerSought: l.partnerSought ?? null,
      condition: l.equipment?.condition ?? null,
      manufacturer: l.equipment?.manufacturer ?? null,
      model: l.equipment?.model ?? null,
      manufactureYear: l.equipment?.year ?? null,
      quantity: l.equipment?.quantity ?? null,
      specifications: l.equipment?.specifications ?? undefined,
      leaseAvailable: l.equipment?.leaseAvailable ?? null,
      problemStatement: l.problemStatement ?? null,
      minTrl: l.minTrl ?? null,
      budgetMin: big(l.budget?.min),
      budgetMax: big(l.budget?.max),
      budgetCurrency: l.budget?.currency ?? null,
      deadline: l.deadline ? new Date(`${l.deadline}T00:00:00+07:00`) : null,
      preferredProvinceCodes: (l.preferredProvinces ?? []).map((p) => provinceCode(p)!),
      submittedAt: publishedAt,
      publishedAt,
      expiresAt: new Date(publishedAt.getTime() + 365 * DAY),
      ...(l.confidentialDetails ? { confidential: { details: l.confidentialDetails, ndaText: NDA_TEXT } } : {}),
    });
  }
  log(`demo data: ${catalogue.organisations.length} organisations, ${catalogue.listings.length} listings, ${DEMO_USERS.length} demo users`);
  await loadDemoOperations(log);
  // Written with the factories, past the outbox: the statistics and the home page's counts are brought up to date here.
  await analyzeCatalogueTables();
  await refreshCatalogueCounts();
  return { organisations: catalogue.organisations.length, listings: catalogue.listings.length };
}

/** The pending organisation's submission, with its document in the upload store. */
async function submitDemoRegistration(organisationId: string, o: DemoOrganisation) {
  const registrationNumber = o.taxCode ?? "0000000000";
  const document = demoRegistrationPdf([
    "GIAY CHUNG NHAN DANG KY DOANH NGHIEP",
    `Ten doanh nghiep: ${o.name}`,
    `Ma so doanh nghiep: ${registrationNumber}`,
    "Ban sao de minh hoa (du lieu demo Techex)",
  ]);
  const documentKey = newVerificationDocumentKey(organisationId, "pdf");
  await storeVerificationDocument(documentKey, document, "application/pdf");
  await prisma.organisationVerification.create({
    data: {
      organisationId,
      registrationKind: "ENTERPRISE_CODE",
      registrationNumber,
      registeredName: o.name,
      documentKey,
      documentName: "giay-chung-nhan-dang-ky-doanh-nghiep.pdf",
      documentType: "application/pdf",
      documentBytes: document.length,
      documentSha256: createHash("sha256").update(document).digest("hex"),
    },
  });
}

/** Loads the demo data unless the database already has users or listings. */
export async function loadDemoDataIfEmpty(log: (line: string) => void = () => {}): Promise<string> {
  const [users, listings] = await Promise.all([prisma.user.count(), prisma.listing.count()]);
  if (users > 0 || listings > 0) return "kept the existing data (database not empty)";
  const loaded = await loadDemoData(log);
  return `loaded ${loaded.listings} listings from ${loaded.organisations} organisations`;
}
