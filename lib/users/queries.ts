import { getDb } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { listUsers, type PublicUser } from "./service";

/** Users for System › Users. */
export async function listUsersFor(user: SessionUser | null): Promise<PublicUser[]> {
  requirePermission(user, "manage_users");
  return listUsers(await getDb());
}
