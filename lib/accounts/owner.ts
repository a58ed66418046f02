import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { writeAudit } from "@/lib/audit/log";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

// Who owns an account: the person in sales who works it. Set by managers and admins, audited as
// "account.owner" with the old and new owner by name (ids beside them, names may change).

export type SetOwnerResult = { ok: true; changed: boolean; ownerName: string | null } | { ok: false; error: string };

/** Gives account `accountId` to user `ownerId` (null: nobody). */
export async function setAccountOwner(
  db: Db,
  user: SessionUser | null,
  accountId: number,
  ownerId: number | null,
  ip: string | null = null,
): Promise<SetOwnerResult> {
  requirePermission(user, "manage_accounts");
  return db.transaction(async (tx) => {
    const [account] = await queryRows<{ id: unknown; name: string; merged_into_id: unknown; owner_id: unknown; owner_name: unknown }>(
      tx,
      sql`
      SELECT a.id, a.name, a.merged_into_id, a.owner_user_id AS owner_id, coalesce(nullif(u.name, ''), u.email) AS owner_name
      FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id
      WHERE a.id = ${accountId} FOR UPDATE OF a`,
    );
    if (!account) return { ok: false, error: "This account no longer exists." };
    if (account.merged_into_id !== null && account.merged_into_id !== undefined) {
      return { ok: false, error: "This account was merged into another; set the owner there." };
    }
    let ownerName: string | null = null;
    if (ownerId !== null) {
      const [owner] = await queryRows<{ name: string; active: boolean }>(
        tx,
        sql`SELECT coalesce(nullif(name, ''), email) AS name, active FROM users WHERE id = ${ownerId}`,
      );
      if (!owner || !owner.active) return { ok: false, error: "Choose an active user as the owner." };
      ownerName = owner.name;
    }
    const fromId = account.owner_id === null || account.owner_id === undefined ? null : Number(account.owner_id);
    if (fromId === ownerId) return { ok: true, changed: false, ownerName };
    await tx.execute(sql`UPDATE accounts SET owner_user_id = ${ownerId}, updated_at = now() WHERE id = ${accountId}`);
    await writeAudit(tx, {
      userId: user.id,
      actor: user.email,
      ip,
      action: "account.owner",
      entityType: "account",
      entityId: accountId,
      details: {
        account: account.name,
        owner: { from: account.owner_name === null || account.owner_name === undefined ? null : String(account.owner_name), to: ownerName },
        ownerUserId: { from: fromId, to: ownerId },
      },
    });
    return { ok: true, changed: true, ownerName };
  });
}
