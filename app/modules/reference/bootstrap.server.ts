import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ROLE_DEFINITIONS, parsePermission, type PermissionString } from "~/modules/auth/permissions.ts";

/**
 * Installs the reference data production needs (sectors, provinces, roles and
 * permissions) idempotently: re-running it converges on the files' content and
 * never touches rows that users created.
 */
export interface SectorRow {
  code: string;
  parentCode: string | null;
  labelVi: string;
  labelEn: string;
  position: number;
}
export interface ProvinceRow {
  code: string;
  nameVi: string;
  shortNameVi: string;
  nameEn: string;
  kind: "CITY" | "PROVINCE";
  position: number;
  formerProvinces: string[];
  aliases: string[];
}

export function referenceDir(root = process.cwd()) {
  return path.join(root, "prisma", "reference");
}

export function loadSectors(root?: string): SectorRow[] {
  return JSON.parse(readFileSync(path.join(referenceDir(root), "sectors.json"), "utf8"));
}
export function loadProvinces(root?: string): ProvinceRow[] {
  return JSON.parse(readFileSync(path.join(referenceDir(root), "provinces.json"), "utf8"));
}

export async function bootstrapReferenceData(databaseUrl: string, root?: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const sectors = loadSectors(root);
    // Parents first, so the foreign key holds row by row.
    for (const s of [...sectors].sort((a, b) => Number(a.parentCode !== null) - Number(b.parentCode !== null))) {
      await client.query(
        `INSERT INTO "Sector" (code, "parentCode", "labelVi", "labelEn", level, position, "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (code) DO UPDATE SET "parentCode" = EXCLUDED."parentCode", "labelVi" = EXCLUDED."labelVi",
           "labelEn" = EXCLUDED."labelEn", level = EXCLUDED.level, position = EXCLUDED.position, "updatedAt" = now()
         WHERE ("Sector"."parentCode", "Sector"."labelVi", "Sector"."labelEn", "Sector".level, "Sector".position)
           IS DISTINCT FROM (EXCLUDED."parentCode", EXCLUDED."labelVi", EXCLUDED."labelEn", EXCLUDED.level, EXCLUDED.position)`,
        [s.code, s.parentCode, s.labelVi, s.labelEn, s.parentCode ? 2 : 1, s.position],
      );
    }
    for (const p of loadProvinces(root)) {
      await client.query(
        `INSERT INTO "Province" (code, "nameVi", "shortNameVi", "nameEn", kind, position, aliases, "formerProvinces", "updatedAt")
         VALUES ($1, $2, $3, $4, $5::"ProvinceKind", $6, $7, $8, now())
         ON CONFLICT (code) DO UPDATE SET "nameVi" = EXCLUDED."nameVi", "shortNameVi" = EXCLUDED."shortNameVi",
           "nameEn" = EXCLUDED."nameEn", kind = EXCLUDED.kind, position = EXCLUDED.position,
           aliases = EXCLUDED.aliases, "formerProvinces" = EXCLUDED."formerProvinces", "updatedAt" = now()
         WHERE ("Province"."nameVi", "Province"."shortNameVi", "Province"."nameEn", "Province".kind, "Province".position,
                "Province".aliases, "Province"."formerProvinces")
           IS DISTINCT FROM (EXCLUDED."nameVi", EXCLUDED."shortNameVi", EXCLUDED."nameEn", EXCLUDED.kind, EXCLUDED.position,
                EXCLUDED.aliases, EXCLUDED."formerProvinces")`,
        [p.code, p.nameVi, p.shortNameVi, p.nameEn, p.kind, p.position, p.aliases, p.formerProvinces],
      );
    }
    const all = new Set<PermissionString>(Object.values(ROLE_DEFINITIONS).flatMap((r) => r.permissions));
    for (const permission of all) {
      const { entity, action, access } = parsePermission(permission);
      await client.query(
        `INSERT INTO "Permission" (id, action, entity, access, "updatedAt")
         VALUES ('perm_' || md5($1), $2, $3, $4, now())
         ON CONFLICT (action, entity, access) DO NOTHING`,
        [permission, action, entity, access],
      );
    }
    for (const [name, role] of Object.entries(ROLE_DEFINITIONS)) {
      await client.query(
        `INSERT INTO "Role" (id, name, description, "updatedAt") VALUES ('role_' || $1, $1, $2, now())
         ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, "updatedAt" = now()
         WHERE "Role".description IS DISTINCT FROM EXCLUDED.description`,
        [name, role.description],
      );
      // The code is the truth for built-in roles: grant what it lists, revoke what it no longer lists.
      await client.query(
        `WITH wanted AS (
           SELECT p.id FROM "Permission" p
           WHERE (p.entity || ':' || p.action || ':' || p.access) = ANY($2::text[])
         ), role AS (SELECT id FROM "Role" WHERE name = $1),
         removed AS (
           DELETE FROM "RolePermission" rp USING role
           WHERE rp."roleId" = role.id AND rp."permissionId" NOT IN (SELECT id FROM wanted)
         )
         INSERT INTO "RolePermission" ("roleId", "permissionId")
         SELECT role.id, wanted.id FROM role, wanted
         ON CONFLICT DO NOTHING`,
        [name, role.permissions],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
}
