"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "@/lib/auth/action";
import { writeAudit } from "@/lib/audit/log";
import { recordTarget, SYNCABLE_CONNECTORS, syncRecord } from "@/lib/sync/sync-record";

// "Sync this record" on the detail pages. Re-importing writes synced data, so it needs run_syncs,
// not just view_sales; the browser names only the portal id, the channel and Magento id are read here.

const DETAIL_PATHS = {
  orders: "/sales/orders/",
  carts: "/sales/carts/",
  customers: "/customers/",
  credit_memos: "/sales/credit-memos/",
} as const;

const schema = z.object({
  connector: z.enum(SYNCABLE_CONNECTORS),
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

export const syncRecordAction = protectedAction("run_syncs", schema, async ({ connector, id }, { db, user, ip }) => {
  const target = await recordTarget(db, connector, id);
  if (!target) return { ok: false, code: "failed", error: "This record is no longer in the portal." };
  if (target.originId === null) {
    return {
      ok: false,
      code: "failed",
      error: "Guest customers have no record of their own in Magento; sync one of their orders instead.",
    };
  }
  const result = await syncRecord(db, { channelId: target.channelId, connector, originId: target.originId });
  await writeAudit(db, {
    userId: user.id,
    actor: user.email,
    action: "record.synced",
    entityType: connector,
    entityId: id,
    channelId: target.channelId,
    details: { originId: target.originId, status: result.status },
    ip,
  });
  if (result.status === "synced") {
    revalidatePath(`${DETAIL_PATHS[connector]}${id}`);
    return { ok: true, message: result.message };
  }
  return { ok: false, code: "failed", error: result.message };
});
