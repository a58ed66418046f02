import { lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { revokedSessions } from "@/db/schema";
import { auth } from "./auth";
import { SESSION_MAX_AGE_SECONDS } from "./config";

/** Revokes the current sign-in server-side, so no copy of its token works afterwards. */
export async function revokeCurrentSession(): Promise<void> {
  const session = await auth();
  const userId = Number(session?.user?.id);
  if (!session?.sessionId) return;
  const db = await getDb();
  await db
    .insert(revokedSessions)
    .values({
      sessionId: session.sessionId,
      userId: Number.isSafeInteger(userId) ? userId : null,
      expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
    })
    .onConflictDoNothing();
  // Housekeeping: rows whose tokens have expired anyway.
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date()));
}
