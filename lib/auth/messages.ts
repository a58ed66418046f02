import { THROTTLE_WINDOW_MINUTES } from "./throttle";

// What the sign-in form says. One message for every refused login, so it reveals nothing.
export const INVALID_LOGIN_MESSAGE = "That email and password don't match an active account.";
export const THROTTLED_LOGIN_MESSAGE = `Too many failed sign-in attempts. Wait ${THROTTLE_WINDOW_MINUTES} minutes and try again, or ask an administrator.`;
