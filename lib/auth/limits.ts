import { readEnv } from "@/lib/env";

// How long sign-ins and one-time passwords last, from the environment (docs/operations.md).
// Read on each use, so tests and a restarted process see the current value.

/** A session ends this long after its sign-in, however active it has been (SESSION_MAX_HOURS, default 12). */
export function sessionMaxHours(): number {
  return readEnv("SESSION_MAX_HOURS");
}

export function sessionMaxMs(): number {
  return sessionMaxHours() * 60 * 60 * 1000;
}

/** A one-time password an admin hands out works for this long (ONE_TIME_PASSWORD_HOURS, default 24). */
export function oneTimePasswordHours(): number {
  return readEnv("ONE_TIME_PASSWORD_HOURS");
}

/** When a one-time password issued at `issuedAt` stops working. */
export function oneTimePasswordExpiresAt(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + oneTimePasswordHours() * 60 * 60 * 1000);
}

/** Whether a one-time password issued then has run out (one with no issue time counts as run out). */
export function oneTimePasswordExpired(issuedAt: Date | null, now = new Date()): boolean {
  return !issuedAt || oneTimePasswordExpiresAt(issuedAt).getTime() <= now.getTime();
}
