import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginThrottle } from "@/db/schema";
import { readEnv } from "@/lib/env";

// Failed sign-ins are counted per account and per client address, in the database, so the
// budget survives restarts and is shared by every server process.

export const THROTTLE_WINDOW_MINUTES = 15;
export const ACCOUNT_MAX_FAILURES = 5;

/** Counters forgotten per sign-in attempt: more than an attempt can add, so the table cannot grow. */
const PRUNE_BATCH = 100;

/** Failed sign-ins from one address within the window before it is locked (LOGIN_IP_MAX_FAILURES, default 20). */
export function ipMaxFailures(): number {
  return readEnv("LOGIN_IP_MAX_FAILURES");
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/**
 * Counts one sign-in attempt for the key before the password is checked, so parallel attempts
 * cannot all slip past the limit: the row lock of the upsert serialises them. Past `max`
 * attempts in the window the key is locked for the window's length.
 */
export type CountedAttempt = {
  throttled: boolean;
  lockedUntil: Date | null;
  /** This attempt started the lock (the one before it did not): for the audit log. */
  lockStarted: boolean;
  failures: number;
};

export async function countAttempt(db: Db, key: string, max: number): Promise<CountedAttempt> {
  const lockedNow = sql`coalesce(${loginThrottle.lockedUntil} > now(), false)`;
  // A window that ran out, or a lock that ran out, starts the count again.
  const windowExpired = sql`(${loginThrottle.windowStartedAt} < now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES}) or ${loginThrottle.lockedUntil} <= now())`;
  const nextFailures = sql`case when ${lockedNow} then ${loginThrottle.failures} when ${windowExpired} then 1 else ${loginThrottle.failures} + 1 end`;
  const lockUntil = sql`now() + make_interval(mins => ${THROTTLE_WINDOW_MINUTES})`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, lockedUntil: max < 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: nextFailures,
        windowStartedAt: sql`case when not ${lockedNow} and ${windowExpired} then now() else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${lockedNow} then ${loginThrottle.lockedUntil} when ${nextFailures} > ${max} then ${lockUntil} else null end`,
      },
    })
    .returning({
      throttled: sql<boolean>`coalesce(${loginThrottle.lockedUntil} > now(), false)`,
      lockedUntil: loginThrottle.lockedUntil,
      // now() is the same within the statement: a lock equal to now() + window was set by it.
      lockStarted: sql<boolean>`coalesce(${loginThrottle.lockedUntil} = ${lockUntil}, false)`,
      failures: loginThrottle.failures,
    });
  return {
    throttled: Boolean(row?.throttled),
    lockedUntil: row?.lockedUntil ?? null,
    lockStarted: Boolean(row?.lockStarted),
    failures: row?.failures ?? 0,
  };
}

/**
 * After a failed password: locks the key for the window once its failures have reached `max`,
 * unless it is locked already. Returns the new lock, or null when none started.
 */
export async function lockIfExhausted(db: Db, key: string, max: number): Promise<{ lockedUntil: Date; failures: number } | null> {
  const [row] = await db
    .update(loginThrottle)
    .set({ lockedUntil: sql`now() + make_interval(mins => ${THROTTLE_WINDOW_MINUTES})` })
    .where(
      and(
        eq(loginThrottle.key, key),
        sql`${loginThrottle.failures} >= ${max}`,
        or(isNull(loginThrottle.lockedUntil), lte(loginThrottle.lockedUntil, sql`now()`)),
      ),
    )
    .returning({ lockedUntil: loginThrottle.lockedUntil, failures: loginThrottle.failures });
  return row?.lockedUntil ? { lockedUntil: row.lockedUntil, failures: row.failures } : null;
}

/** When the account of this email is locked until, or null when it is not locked now. */
export async function accountLockedUntil(db: Db, email: string): Promise<Date | null> {
  const [row] = await db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(and(eq(loginThrottle.key, accountKey(email)), sql`${loginThrottle.lockedUntil} > now()`))
    .limit(1);
  return row?.lockedUntil ?? null;
}

/** A successful sign-in does not count against the client's address. */
export async function uncountAttempt(db: Db, key: string): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key));
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

/**
 * Deletes counters whose window and lock have both run out: counting would start again from 1 for
 * them anyway, so forgetting them changes nothing. Run on each sign-in attempt, a bounded batch at
 * a time (an attempt adds at most two rows), so addresses that tried once long ago do not pile up.
 */
export async function pruneExpiredCounters(db: Db): Promise<void> {
  const windowStart = sql`now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES})`;
  const expired = db
    .select({ key: loginThrottle.key })
    .from(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStartedAt, windowStart),
        or(isNull(loginThrottle.lockedUntil), lte(loginThrottle.lockedUntil, sql`now()`)),
      ),
    )
    .limit(PRUNE_BATCH);
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, expired));
}
