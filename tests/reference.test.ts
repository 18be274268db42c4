import { describe, expect, it } from "vitest";
import { prisma } from "~/lib/db.server.ts";
import { ROLE_DEFINITIONS, ROLE_NAMES } from "~/modules/auth/permissions.ts";
import { bootstrapReferenceData, loadProvinces, loadSectors } from "~/modules/reference/bootstrap.server.ts";

/**
 * The reference data the bootstrap installs (the per-file database was set up
 * by the same code path as production: migrations, then bootstrap).
 */

// The 63 provincial-level units before the 1 July 2025 merger. Thừa Thiên Huế had
// become "Huế" (a centrally-governed city) on 1 January 2025, which is the name used.
const PRE_2025_PROVINCES = [
  "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
  "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
  "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
  "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang",
  "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn",
  "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên",
  "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
  "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
  "Vĩnh Phúc", "Yên Bái",
].map((name) => name.normalize("NFC"));

const isNfc = (s: string) => s === s.normalize("NFC");
const bootstrap = () => bootstrapReferenceData(process.env.DATABASE_URL!);

async function snapshot() {
  const [sectors, provinces, roles, permissions, grants] = await Promise.all([
    prisma.sector.findMany({ orderBy: { code: "asc" } }),
    prisma.province.findMany({ orderBy: { code: "asc" } }),
    prisma.role.findMany({ orderBy: { name: "asc" } }),
    prisma.permission.findMany({ orderBy: { id: "asc" } }),
    prisma.rolePermission.findMany({ orderBy: [{ roleId: "asc" }, { permissionId: "asc" }] }),
  ]);
  return { sectors, provinces, roles, permissions, grants };
}

async function permissionsOf(roleName: string): Promise<Set<string>> {
  const grants = await prisma.rolePermission.findMany({ where: { role: { name: roleName } }, include: { permission: true } });
  return new Set(grants.map(({ permission: p }) => `${p.entity}:${p.action}:${p.access}`));
}

describe("provinces", () => {
  it("are the 34 units since July 2025, covering each of the 63 former provinces exactly once", async () => {
    const provinces = await prisma.province.findMany({ orderBy: { position: "asc" } });
    expect(provinces).toHaveLength(34);
    expect(provinces.filter((p) => p.kind === "CITY")).toHaveLength(6);
    expect(provinces.filter((p) => p.kind === "PROVINCE")).toHaveLength(28);
    expect(new Set(provinces.map((p) => p.code)).size).toBe(34);
    for (const p of provinces) expect(p.code).toMatch(/^\d{2}$/);
    expect(provinces.map((p) => p.position)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));

    const former = provinces.flatMap((p) => p.formerProvinces);
    expect(former).toHaveLength(63);
    expect([...former].sort()).toEqual([...PRE_2025_PROVINCES].sort());
    // Every unit lists itself (its own pre-2025 name) among the provinces it absorbed.
    for (const p of provinces) expect(p.formerProvinces).toContain(p.shortNameVi);

    const binhDuong = provinces.filter((p) => p.formerProvinces.includes("Bình Dương"));
    expect(binhDuong).toHaveLength(1);
    expect(binhDuong[0]).toMatchObject({ shortNameVi: "Hồ Chí Minh", kind: "CITY", code: "79" });
    // Aliases are the lower-case, diacritic-free spellings search and import match on.
    for (const p of provinces) for (const alias of p.aliases) expect(alias).toMatch(/^[a-z0-9 .-]+$/);
    expect(binhDuong[0]!.aliases).toEqual(expect.arrayContaining(["hcm", "binh duong"]));
  });
});

describe("sectors", () => {
  it("are the FORD tree: 6 fields, sub-fields under an existing field whose code prefixes theirs", async () => {
    const sectors = await prisma.sector.findMany();
    const byCode = new Map(sectors.map((s) => [s.code, s]));
    const fields = sectors.filter((s) => s.level === 1);
    expect(fields.map((s) => s.code).sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    for (const field of fields) expect(field.parentCode).toBeNull();

    const subFields = sectors.filter((s) => s.level === 2);
    expect(subFields.length + fields.length).toBe(sectors.length);
    expect(subFields.length).toBeGreaterThan(30);
    for (const sub of subFields) {
      expect(sub.parentCode).not.toBeNull();
      const parent = byCode.get(sub.parentCode!);
      expect(parent?.level, `${sub.code}'s parent`).toBe(1);
      expect(sub.code).toMatch(new RegExp(`^${parent!.code}\\.\\d+$`));
    }
    // Every field has sub-fields.
    for (const field of fields) expect(subFields.some((s) => s.parentCode === field.code)).toBe(true);

    expect(byCode.get("2.11")).toMatchObject({
      parentCode: "2",
      level: 2,
      labelVi: "Kỹ thuật thực phẩm và đồ uống".normalize("NFC"),
      labelEn: "Food and beverage technology",
    });
    for (const s of sectors) {
      expect(s.labelVi.trim()).not.toBe("");
      expect(s.labelEn.trim()).not.toBe("");
    }
  });
});

describe("labels", () => {
  it("are all NFC-normalised, in the database and in the reference files", async () => {
    const [sectors, provinces] = await Promise.all([prisma.sector.findMany(), prisma.province.findMany()]);
    const labels = [
      ...sectors.flatMap((s) => [s.labelVi, s.labelEn]),
      ...provinces.flatMap((p) => [p.nameVi, p.shortNameVi, p.nameEn, ...p.formerProvinces, ...p.aliases]),
      ...loadSectors().flatMap((s) => [s.labelVi, s.labelEn]),
      ...loadProvinces().flatMap((p) => [p.nameVi, p.shortNameVi, p.nameEn, ...p.formerProvinces, ...p.aliases]),
    ];
    expect(labels.length).toBeGreaterThan(200);
    expect(labels.filter((s) => !isNfc(s))).toEqual([]);
  });
});

describe("roles", () => {
  it("are member ⊆ broker ⊆ admin, exactly as ROLE_DEFINITIONS lists them", async () => {
    const roles = await prisma.role.findMany({ orderBy: { name: "asc" } });
    expect(roles.map((r) => r.name)).toEqual([...ROLE_NAMES].sort());
    for (const role of roles) expect(role.description).toBe(ROLE_DEFINITIONS[role.name as keyof typeof ROLE_DEFINITIONS].description);

    const member = await permissionsOf("member");
    const broker = await permissionsOf("broker");
    const admin = await permissionsOf("admin");
    expect(member).toEqual(new Set(ROLE_DEFINITIONS.member.permissions));
    expect(broker).toEqual(new Set(ROLE_DEFINITIONS.broker.permissions));
    expect(admin).toEqual(new Set(ROLE_DEFINITIONS.admin.permissions));
    expect(member.size).toBeGreaterThan(0);
    for (const p of member) expect(broker.has(p), p).toBe(true);
    for (const p of broker) expect(admin.has(p), p).toBe(true);
    expect(broker.size).toBeGreaterThan(member.size);
    expect(admin.size).toBeGreaterThan(broker.size);
    expect(admin).toContain("role:manage:any");
    expect(broker).not.toContain("role:manage:any");
    expect(member).not.toContain("listing:moderate:any");

    // One Permission row per distinct permission, none left over.
    const all = new Set(Object.values(ROLE_DEFINITIONS).flatMap((r) => r.permissions));
    expect(await prisma.permission.count()).toBe(all.size);
  });
});

describe("bootstrapReferenceData", () => {
  it("is idempotent: a second run changes no row and bumps no updatedAt", async () => {
    const before = await snapshot();
    await bootstrap();
    const after = await snapshot();
    expect(after.sectors).toEqual(before.sectors);
    expect(after.provinces).toEqual(before.provinces);
    expect(after.roles).toEqual(before.roles);
    expect(after.permissions).toEqual(before.permissions);
    expect(after.grants).toEqual(before.grants);
  });

  it("restores hand-edited reference rows from the files, touching only those", async () => {
    const before = await snapshot();
    const nfd = "Kỹ thuật thực phẩm và đồ uống".normalize("NFD");
    await prisma.sector.update({ where: { code: "2.11" }, data: { labelVi: nfd, labelEn: "Edited by hand" } });
    await prisma.province.update({ where: { code: "79" }, data: { nameEn: "Saigon", formerProvinces: ["Hồ Chí Minh"] } });
    await prisma.role.update({ where: { name: "broker" }, data: { description: "edited" } });
    const edited = await snapshot();

    await bootstrap();
    const after = await snapshot();

    const sector = after.sectors.find((s) => s.code === "2.11")!;
    expect(sector.labelVi).toBe("Kỹ thuật thực phẩm và đồ uống".normalize("NFC"));
    expect(sector.labelEn).toBe("Food and beverage technology");
    expect(sector.updatedAt.getTime()).toBeGreaterThanOrEqual(edited.sectors.find((s) => s.code === "2.11")!.updatedAt.getTime());
    const hcm = after.provinces.find((p) => p.code === "79")!;
    expect(hcm.nameEn).toBe("Ho Chi Minh City");
    expect(hcm.formerProvinces).toEqual(["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"]);
    expect(after.roles.find((r) => r.name === "broker")!.description).toBe(ROLE_DEFINITIONS.broker.description);

    // Everything except the edited rows' updatedAt is back to what it was.
    const strip = <T extends { updatedAt: Date }>(rows: T[]) => rows.map(({ updatedAt: _, ...rest }) => rest);
    expect(strip(after.sectors)).toEqual(strip(before.sectors));
    expect(strip(after.provinces)).toEqual(strip(before.provinces));
    expect(strip(after.roles)).toEqual(strip(before.roles));
    // Unedited rows were not rewritten.
    expect(after.sectors.filter((s) => s.code !== "2.11")).toEqual(before.sectors.filter((s) => s.code !== "2.11"));
    expect(after.provinces.filter((p) => p.code !== "79")).toEqual(before.provinces.filter((p) => p.code !== "79"));
    expect(after.roles.filter((r) => r.name !== "broker")).toEqual(before.roles.filter((r) => r.name !== "broker"));
  });

  it("re-grants a permission removed from a built-in role and revokes one added by hand, leaving custom roles alone", async () => {
    const removed = await prisma.permission.findFirstOrThrow({ where: { entity: "listing", action: "moderate", access: "any" } });
    const broker = await prisma.role.findUniqueOrThrow({ where: { name: "broker" } });
    const member = await prisma.role.findUniqueOrThrow({ where: { name: "member" } });
    await prisma.rolePermission.delete({ where: { roleId_permissionId: { roleId: broker.id, permissionId: removed.id } } });
    await prisma.rolePermission.create({ data: { roleId: member.id, permissionId: removed.id } });
    const custom = await prisma.role.create({
      data: { name: "reviewer", description: "made by an admin", permissions: { create: { permissionId: removed.id } } },
    });
    expect(await permissionsOf("broker")).not.toContain("listing:moderate:any");

    await bootstrap();

    expect(await permissionsOf("broker")).toEqual(new Set(ROLE_DEFINITIONS.broker.permissions));
    expect(await permissionsOf("member")).toEqual(new Set(ROLE_DEFINITIONS.member.permissions));
    expect(await prisma.role.findUniqueOrThrow({ where: { id: custom.id } })).toMatchObject({ name: "reviewer", description: "made by an admin" });
    expect(await permissionsOf("reviewer")).toEqual(new Set(["listing:moderate:any"]));
    await prisma.role.delete({ where: { id: custom.id } });
  });
});
