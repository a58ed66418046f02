import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { Role } from "./permissions";
import { ACCOUNT_MAX_FAILURES, accountKey, clearFailures, countAttempt, ipKey, ipMaxFailures, pruneExpiredCounters, uncountAttempt } from "./throttle";

export type AuthenticatedUser = { id: number; email: string; name: string; role: Role };

export type AuthenticationResult =
  | { ok: true; user: AuthenticatedUser }
  // One reason for wrong password, unknown email and inactive account alike: nothing to probe.
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** Checks an email + password, applying the per-account and per-address failure limits. */
export async function authenticate(db: Db, email: string, password: string, ip: string): Promise<AuthenticationResult> {
  const normalized = email.trim().toLowerCase();
  const account = accountKey(normalized);
  const address = ipKey(ip);
  await pruneExpiredCounters(db);
  // Count first, check the password second: concurrent guesses cannot exceed the limit.
  const counted = [await countAttempt(db, account, ACCOUNT_MAX_FAILURES), await countAttempt(db, address, ipMaxFailures())];
  const locks = counted.filter((c) => c.throttled && c.lockedUntil).map((c) => c.lockedUntil!.getTime());
  if (locks.length > 0) return { ok: false, reason: "throttled", retryAt: new Date(Math.max(...locks)) };

  const [user] = await db.select().from(users).where(eq(users.email, normalized)).limit(1);
  // Verify against a dummy hash for unknown emails so both take the same time.
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !passwordOk || !user.active) return { ok: false, reason: "invalid" };

  await clearFailures(db, account);
  await uncountAttempt(db, address);
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
