import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { loadAccountSummary } from "@/lib/accounts/pick";
import type { SessionUser } from "@/lib/auth/session";
import { parseDetailId } from "@/lib/records/meta";

/**
 * What the merge and move pages start from, once their own guard let the user in
 * (`requirePagePermission("manage_accounts")`): the account of the route, or the not-found page.
 */
export async function accountToManage(user: SessionUser, params: Promise<{ id: string }>) {
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const account = await loadAccountSummary(db, user, id);
  if (!account) notFound();
  return { db, id, account };
}
