import type { Db } from "@/db/client";
import { safeTimeZone } from "@/lib/dates";
import { getPreferences } from "@/lib/users/preferences";

/** The time zone the signed-in user reads dates in (their preference, else UTC). */
export async function viewerTimeZone(db: Db, userId: number): Promise<string> {
  return safeTimeZone((await getPreferences(db, userId)).timeZone);
}
