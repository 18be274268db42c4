/**
 * The admin's view of the audit log: who did what (moderation, deal
 * transitions, payments, role changes …), newest first, filtered.
 */
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/lib/db.server.ts";
import { notFound } from "~/lib/http.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import { makePeriod } from "./period.ts";
import type { AuditQuery } from "./schema.ts";

export const AUDIT_PAGE_SIZE = 50;

export function requireAuditReader(actor: Actor | null) {
  if (!holds(actor, "audit:read:any")) throw notFound();
}

export async function listAuditLog(actor: Actor | null, query: AuditQuery) {
  requireAuditReader(actor);
  const where: Prisma.AuditLogWhereInput = {};
  if (query.actor) {
    where.actor = { OR: [{ email: { contains: query.actor, mode: "insensitive" } }, { name: { contains: query.actor, mode: "insensitive" } }] };
  }
  if (query.entityType) where.entityType = { equals: query.entityType, mode: "insensitive" };
  if (query.entityId) where.entityId = query.entityId;
  if (query.action) where.action = { startsWith: query.action };
  if (query.from || query.to) {
    // Whole days in Vietnam time, like the reports.
    const range = makePeriod(query.from ?? "2000-01-01", query.to ?? "2100-12-31");
    where.createdAt = { gte: range.start, lt: range.end };
  }
  const [total, rows, entityTypes] = await Promise.all([
    prisma.auditLog.count({ where }),
    prisma.auditLog.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: {
        id: true,
        action: true,
        entityType: true,
        entityId: true,
        data: true,
        ipAddress: true,
        createdAt: true,
        actor: { select: { id: true, name: true, email: true } },
      },
    }),
    // GROUP BY in SQL (Prisma's `distinct` would de-duplicate in memory).
    prisma.auditLog.groupBy({ by: ["entityType"], orderBy: { entityType: "asc" } }),
  ]);
  return {
    total,
    page: query.page,
    pageSize: AUDIT_PAGE_SIZE,
    entityTypes: entityTypes.map((e) => e.entityType),
    entries: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), data: r.data == null ? null : JSON.stringify(r.data) })),
  };
}
