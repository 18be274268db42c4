import { prisma } from "~/lib/db.server.ts";

/** Provinces in display order, for pickers. */
export function listProvinces() {
  return prisma.province.findMany({ orderBy: { position: "asc" }, select: { code: true, shortNameVi: true, nameEn: true } });
}
