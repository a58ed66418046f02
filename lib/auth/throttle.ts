import { and, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginThrottle } from "@/db/schema";

// Failed sign-ins are counted per account and per client address, in the database, so the
// budget survives restarts and is shared by every server process.

export const THROTTLE_WINDOW_MINUTES = 15;
export const ACCOUNT_MAX_FAILURES = 5;

export function ipMaxFailures(): number {
  const configured = Number(process.env.LOGIN_IP_MAX_FAILURES);
  return Number.isInteger(configured) && configured > 0 ? configured : 20;
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** The latest lock among the keys, or null when none is locked now. */
export async function lockedUntil(db: Db, keys: string[]): Promise<Date | null> {
  const rows = await db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(and(inArray(loginThrottle.key, keys), gt(loginThrottle.lockedUntil, sql`now()`)));
  const times = rows.map((r) => r.lockedUntil!.getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

/** Counts one failure for the key, locking it once it reaches `max` inside the window. */
export async function recordFailure(db: Db, key: string, max: number): Promise<void> {
  const windowExpired = sql`${loginThrottle.windowStartedAt} < now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES})`;
  const nextFailures = sql`case when ${windowExpired} then 1 else ${loginThrottle.failures} + 1 end`;
  await db
    .insert(loginThrottle)
    .values({ key, failures: 1, lockedUntil: max <= 1 ? sql`now() + make_interval(mins => ${THROTTLE_WINDOW_MINUTES})` : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: nextFailures,
        windowStartedAt: sql`case when ${windowExpired} then now() else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${nextFailures} >= ${max} then now() + make_interval(mins => ${THROTTLE_WINDOW_MINUTES}) else ${loginThrottle.lockedUntil} end`,
      },
    });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));
}
