import { eq, sql } from "drizzle-orm";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { revokedSessions, users } from "@/db/schema";
import { auth } from "./auth";
import { sessionMaxMs } from "./limits";
import { ROLE_PERMISSIONS, can, type Permission, type Role } from "./permissions";

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  permissions: readonly Permission[];
};

type SessionState = { user: SessionUser; mustChangePassword: boolean };

/**
 * The signed-in user, re-read from the database on every request: a deactivated or deleted user
 * is signed out at once, a role change applies on the next click, a password reset or a
 * deactivation ends every session that began before it, and no session outlives SESSION_MAX_HOURS
 * from its sign-in, however active (the cookie's own expiry moves with activity).
 */
const loadSession = cache(async (): Promise<SessionState | null> => {
  const session = await auth();
  const id = Number(session?.user?.id);
  const sessionId = session?.sessionId;
  if (!Number.isSafeInteger(id) || id <= 0 || !sessionId) return null;
  // Tokens without a sign-in time predate it and count as too old.
  if ((session.signedInAt ?? 0) + sessionMaxMs() <= Date.now()) return null;
  const db = await getDb();
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      active: users.active,
      mustChangePassword: users.mustChangePassword,
      sessionsValidAfter: users.sessionsValidAfter,
      revoked: sql<boolean>`exists (select 1 from ${revokedSessions} where ${eq(revokedSessions.sessionId, sessionId)})`,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  if (!user || !user.active || user.revoked) return null;
  // Tokens from before signedInAt existed carry none: they count as older than any reset.
  if (user.sessionsValidAfter && (session.signedInAt ?? 0) < user.sessionsValidAfter.getTime()) return null;
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, permissions: ROLE_PERMISSIONS[user.role] },
    mustChangePassword: user.mustChangePassword,
  };
});

/**
 * The signed-in user, for pages, actions, queries and route handlers. Null until a one-time
 * password has been replaced: such a session opens nothing but the choose-password page.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const state = await loadSession();
  return state && !state.mustChangePassword ? state.user : null;
});

/** The signed-in user who still has to replace a one-time password, else null. */
export async function getPasswordChangeUser(): Promise<SessionUser | null> {
  const state = await loadSession();
  return state?.mustChangePassword ? state.user : null;
}

/** Where a page sends someone whose password is a one-time password. */
export const CHOOSE_PASSWORD_PATH = "/choose-password";

/** Whether a JWT cookie came with the request, even if its user is no longer allowed in. */
async function hasSessionToken(): Promise<boolean> {
  const session = await auth();
  return Boolean(session?.user?.id);
}

/** For pages: the user, or off to the sign-in page (ending a stale session first). */
export async function requireUser(): Promise<SessionUser> {
  const state = await loadSession();
  const path = (await headers()).get("x-portal-path") ?? "/dashboard";
  const callbackUrl = encodeURIComponent(path);
  if (state?.mustChangePassword) redirect(`${CHOOSE_PASSWORD_PATH}?callbackUrl=${callbackUrl}`);
  if (state) return state.user;
  // A token for an inactive or deleted user: clear it through the route that can set cookies.
  if (await hasSessionToken()) redirect(`/session-ended?callbackUrl=${callbackUrl}`);
  redirect(`/login?callbackUrl=${callbackUrl}`);
}

/** For the choose-password page: the user who must replace a one-time password. */
export async function requirePasswordChangeUser(): Promise<SessionUser> {
  const state = await loadSession();
  if (state && !state.mustChangePassword) redirect("/dashboard");
  if (state) return state.user;
  if (await hasSessionToken()) redirect(`/session-ended`);
  redirect("/login");
}

/** For pages: the user if they hold the permission; otherwise the 403 page. */
export async function requirePagePermission(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) forbidden();
  return user;
}

export class ForbiddenError extends Error {
  constructor(readonly permission: Permission) {
    super(`Your role does not allow this (${permission.replaceAll("_", " ")}).`);
    this.name = "ForbiddenError";
  }
}

/** For query functions and domain code: throws ForbiddenError unless the user may. */
export function requirePermission(user: SessionUser | null, permission: Permission): asserts user is SessionUser {
  if (!user || !can(user.role, permission)) throw new ForbiddenError(permission);
}
