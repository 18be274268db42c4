import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  data?: Prisma.InputJsonValue;
  ipAddress?: string | null;
}

/** Records who did what; pass the transaction so the entry commits with the change. */
export async function recordAudit(entry: AuditEntry, tx: Tx = prisma as unknown as Tx) {
  await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      data: entry.data,
      ipAddress: entry.ipAddress ?? null,
    },
  });
}
