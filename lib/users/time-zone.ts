import "server-only";
import type { Db } from "@/db/client";
import type { SessionUser } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/dates";
import { getPreferences } from "@/lib/users/preferences";

/** The time zone the signed-in user reads dates in (their preference, else UTC). */
export async function viewerTimeZone(db: Db, user: SessionUser | null): Promise<string> {
  return safeTimeZone((await getPreferences(db, user)).timeZone);
}
