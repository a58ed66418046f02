import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import { oneTimePasswordExpired } from "./limits";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { Role } from "./permissions";
import {
  ACCOUNT_MAX_FAILURES,
  accountKey,
  clearFailures,
  countAttempt,
  ipKey,
  ipMaxFailures,
  lockIfExhausted,
  pruneExpiredCounters,
  uncountAttempt,
} from "./throttle";

export type AuthenticatedUser = { id: number; email: string; name: string; role: Role };

export type AuthenticationResult =
  | { ok: true; user: AuthenticatedUser }
  // One reason for wrong password, unknown email and inactive account alike: nothing to probe.
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date }
  // Only after the right password: the one-time password an admin handed out is too old.
  | { ok: false; reason: "expired" };

/** Who the audit log names for what the sign-in form did before anyone proved who they are. */
export const SIGN_IN_ACTOR = "Sign-in form";

type FailureReason = "wrong password" | "unknown account" | "deactivated" | "locked" | "address locked" | "one-time password expired";

/** The email as typed, for the audit log: only if it looks like one (a password typed there is not kept). */
function typedEmail(email: string): string | undefined {
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 320 ? email : undefined;
}

/** Checks an email + password, applying the per-account and per-address failure limits. */
export async function authenticate(db: Db, email: string, password: string, ip: string): Promise<AuthenticationResult> {
  const normalized = email.trim().toLowerCase();
  const account = accountKey(normalized);
  const address = ipKey(ip);
  const shownEmail = typedEmail(normalized);
  await pruneExpiredCounters(db);
  // Count first, check the password second: concurrent guesses cannot exceed the limit.
  const accountCount = await countAttempt(db, account, ACCOUNT_MAX_FAILURES);
  const addressCount = await countAttempt(db, address, ipMaxFailures());
  if (addressCount.lockStarted) {
    await writeAudit(db, {
      userId: null,
      actor: SIGN_IN_ACTOR,
      action: "address.locked_out",
      entityType: "address",
      entityId: ip,
      details: { failures: addressCount.failures, lockedUntil: addressCount.lockedUntil?.toISOString() },
      ip,
    });
  }
  const failed = (reason: FailureReason, userId: number | null) =>
    writeAudit(db, {
      userId: null,
      actor: SIGN_IN_ACTOR,
      action: "user.sign_in_failed",
      entityType: "user",
      entityId: userId ?? undefined,
      details: { ...(shownEmail ? { email: shownEmail } : {}), reason },
      ip,
    });
  const lockedOut = (userId: number | null, failures: number, lockedUntil: Date) =>
    writeAudit(db, {
      userId: null,
      actor: SIGN_IN_ACTOR,
      action: "user.locked_out",
      entityType: "user",
      entityId: userId ?? undefined,
      details: { ...(shownEmail ? { email: shownEmail } : {}), failures, lockedUntil: lockedUntil.toISOString() },
      ip,
    });

  const locks = [accountCount, addressCount].filter((c) => c.throttled && c.lockedUntil).map((c) => c.lockedUntil!.getTime());
  if (locks.length > 0) {
    const [known] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalized)).limit(1);
    if (accountCount.lockStarted) {
      // A burst of parallel attempts can start the account's lock here rather than after a failure.
      await lockedOut(known?.id ?? null, accountCount.failures, accountCount.lockedUntil!);
    }
    // From an address that was already locked, nothing more is written: its lockout entry said it,
    // and a flood of refused attempts must not flood the audit log.
    const addressWasLocked = addressCount.throttled && !addressCount.lockStarted;
    if (!addressWasLocked) await failed(accountCount.throttled ? "locked" : "address locked", known?.id ?? null);
    return { ok: false, reason: "throttled", retryAt: new Date(Math.max(...locks)) };
  }

  const [user] = await db.select().from(users).where(eq(users.email, normalized)).limit(1);
  // Verify against a dummy hash for unknown emails so both take the same time.
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !passwordOk || !user.active) {
    await failed(!user ? "unknown account" : !passwordOk ? "wrong password" : "deactivated", user?.id ?? null);
    // The failure that uses up the account's budget locks it now, not at the next attempt, so the
    // Users page shows the lock the moment the sign-in form starts refusing.
    const lock = await lockIfExhausted(db, account, ACCOUNT_MAX_FAILURES);
    if (lock) await lockedOut(user?.id ?? null, lock.failures, lock.lockedUntil);
    return { ok: false, reason: "invalid" };
  }
  if (user.mustChangePassword && oneTimePasswordExpired(user.oneTimePasswordIssuedAt)) {
    await failed("one-time password expired", user.id);
    return { ok: false, reason: "expired" };
  }

  await clearFailures(db, account);
  await uncountAttempt(db, address);
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  await writeAudit(db, {
    userId: user.id,
    actor: user.email,
    action: "user.signed_in",
    entityType: "user",
    entityId: user.id,
    details: { email: user.email },
    ip,
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
