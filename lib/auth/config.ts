import type { NextAuthConfig } from "next-auth";
import { isRole, type Role } from "./permissions";
import { logger } from "@/lib/log";

declare module "next-auth" {
  interface User {
    role?: Role;
  }
  interface Session {
    user: { id: string; role: Role; name?: string | null; email?: string | null };
    /** This sign-in's id, kept across token refreshes; signing out revokes it. */
    sessionId?: string;
    /** When this sign-in happened (ms): a password reset ends sessions from before it. */
    signedInAt?: number;
  }
}

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy (first gate)
 * and lib/auth/auth.ts (which adds the credentials provider).
 */
export const authConfig = {
  pages: { signIn: "/login" },
  // maxAge (the cookie's, renewed with activity) is set per request from SESSION_MAX_HOURS in
  // lib/auth/auth.ts; the absolute limit from the sign-in is checked in lib/auth/session.ts.
  session: { strategy: "jwt" },
  trustHost: true,
  providers: [],
  logger: {
    // A refused sign-in is an expected outcome, not a server error: keep it out of the error log.
    error(error) {
      if ((error as { type?: string }).type === "CredentialsSignin") return;
      logger().error({ component: "auth" }, `${error.name}: ${error.message}`);
    },
  },
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = String(user.id);
        token.role = user.role;
        token.sid = crypto.randomUUID();
        token.signedInAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      // The role in the token is only a hint for the proxy; pages and actions re-read it
      // from the database (lib/auth/session.ts), so a role change applies at once.
      session.user.role = isRole(token.role) ? token.role : "viewer";
      session.sessionId = typeof token.sid === "string" ? token.sid : undefined;
      session.signedInAt = typeof token.signedInAt === "number" ? token.signedInAt : undefined;
      return session;
    },
  },
} satisfies NextAuthConfig;
