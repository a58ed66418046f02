import "server-only";
import { getDb } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { listUsers, type ListedUser } from "./service";

/** Users for System › Users. */
export async function listUsersFor(user: SessionUser | null): Promise<ListedUser[]> {
  requirePermission(user, "manage_users");
  return listUsers(await getDb());
}
