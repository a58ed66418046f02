import { auditLog } from "@/db/schema";
import type { Db } from "@/db/client";

/**
 * Who does something, as the audit log records it: a signed-in user (id, email, address) or a
 * process with a name and no user ("cli"). Every write that audits takes one.
 */
export type Actor = { userId: number | null; actor: string; ip?: string | null };

export type AuditEntry = Actor & {
  action: string;
  entityType?: string;
  entityId?: string | number;
  channelId?: number;
  details?: Record<string, unknown>;
};

/** Records one staff (or CLI) action. Pass the transaction when the change is part of one. */
export async function writeAudit(db: Pick<Db, "insert">, entry: AuditEntry): Promise<void> {
  await writeAuditReturningId(db, entry);
}

/** writeAudit, answering the entry's id (for a change that can be undone from its entry). */
export async function writeAuditReturningId(db: Pick<Db, "insert">, entry: AuditEntry): Promise<number> {
  const [row] = await db
    .insert(auditLog)
    .values({
      userId: entry.userId,
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId === undefined ? null : String(entry.entityId),
      channelId: entry.channelId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
    })
    .returning({ id: auditLog.id });
  return row!.id;
}
