import { lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { revokedSessions } from "@/db/schema";
import { auth } from "./auth";
import { sessionMaxMs } from "./limits";

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
      // After the session's absolute end it is refused anyway (lib/auth/session.ts).
      expiresAt: new Date((session.signedInAt ?? Date.now()) + sessionMaxMs()),
    })
    .onConflictDoNothing();
  // Housekeeping: rows whose tokens have expired anyway.
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date()));
}
