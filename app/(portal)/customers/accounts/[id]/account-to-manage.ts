import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { loadAccountSummary } from "@/lib/accounts/pick";
import { requirePagePermission } from "@/lib/auth/session";
import { parseDetailId } from "@/lib/records/meta";

/**
 * What the merge and move pages start from: the signed-in user with `manage_accounts` (others are
 * sent away by the guard) and the account of the route, or the not-found page.
 */
export async function accountToManage(params: Promise<{ id: string }>) {
  const user = await requirePagePermission("manage_accounts");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const account = await loadAccountSummary(db, user, id);
  if (!account) notFound();
  return { user, db, id, account };
}
