import { THROTTLE_WINDOW_MINUTES } from "./throttle";

// What the sign-in form says. One message for every refused login, so it reveals nothing.
export const INVALID_LOGIN_MESSAGE = "That email and password don't match an active account.";
export const THROTTLED_LOGIN_MESSAGE = `Too many failed sign-in attempts. Wait ${THROTTLE_WINDOW_MINUTES} minutes and try again, or ask an administrator to unlock your account.`;
// Shown only after the right password, so it tells nothing to someone guessing.
export const EXPIRED_ONE_TIME_PASSWORD_MESSAGE =
  "This one-time password has expired. Ask an administrator to reset your password for a new one.";

/** The sign-in form's message for a refusal code raised by lib/auth/auth.ts. */
export function refusedLoginMessage(code: string | undefined): string {
  if (code === "throttled") return THROTTLED_LOGIN_MESSAGE;
  if (code === "expired") return EXPIRED_ONE_TIME_PASSWORD_MESSAGE;
  return INVALID_LOGIN_MESSAGE;
}
