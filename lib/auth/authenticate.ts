import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { Role } from "./permissions";
import { ACCOUNT_MAX_FAILURES, accountKey, clearFailures, ipKey, ipMaxFailures, lockedUntil, recordFailure } from "./throttle";

export type AuthenticatedUser = { id: number; email: string; name: string; role: Role };

export type AuthenticationResult =
  | { ok: true; user: AuthenticatedUser }
  // One reason for wrong password, unknown email and inactive account alike: nothing to probe.
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** Checks an email + password, applying the per-account and per-address failure limits. */
export async function authenticate(db: Db, email: string, password: string, ip: string): Promise<AuthenticationResult> {
  const normalized = email.trim().toLowerCase();
  const keys = [accountKey(normalized), ipKey(ip)];
  const locked = await lockedUntil(db, keys);
  if (locked) return { ok: false, reason: "throttled", retryAt: locked };

  const [user] = await db.select().from(users).where(eq(users.email, normalized)).limit(1);
  // Verify against a dummy hash for unknown emails so both take the same time.
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !passwordOk || !user.active) {
    await recordFailure(db, keys[0]!, ACCOUNT_MAX_FAILURES);
    await recordFailure(db, keys[1]!, ipMaxFailures());
    return { ok: false, reason: "invalid" };
  }
  await clearFailures(db, keys[0]!);
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
