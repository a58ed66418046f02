import type { NextAuthConfig } from "next-auth";
import { isRole, type Role } from "./permissions";

declare module "next-auth" {
  interface User {
    role?: Role;
  }
  interface Session {
    user: { id: string; role: Role; name?: string | null; email?: string | null };
  }
}

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy (first gate)
 * and lib/auth/auth.ts (which adds the credentials provider).
 */
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = String(user.id);
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      // The role in the token is only a hint for the proxy; pages and actions re-read it
      // from the database (lib/auth/session.ts), so a role change applies at once.
      session.user.role = isRole(token.role) ? token.role : "viewer";
      return session;
    },
  },
} satisfies NextAuthConfig;
