import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";

/**
 * A signed-in user of `role`, for tests that call a loader directly: loaders take the session user
 * and check its permission (lib/auth/session.ts). `id` names a real users row where the loader
 * reads one (e.g. preferences); permission checks go by the role alone.
 */
export function sessionUserOf(role: Role, id = 0): SessionUser {
  return { id, email: `${role}@session.test`, name: `Test ${role}`, role, permissions: ROLE_PERMISSIONS[role] };
}
