import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { readEnv } from "@/lib/env";
import { authenticate } from "./authenticate";
import { authConfig } from "./config";
import { clientIp } from "./client-ip";
import { sessionMaxMs } from "./limits";

/** Raised to the sign-in form; `code` picks the message shown there. */
class SignInRefused extends CredentialsSignin {
  constructor(code: "invalid" | "throttled" | "expired") {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1000) });

// A function config so AUTH_SECRET is read per request (instrumentation.ts may set it at start).
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: readEnv("AUTH_SECRET"),
  session: { ...authConfig.session, maxAge: Math.round(sessionMaxMs() / 1000) },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) throw new SignInRefused("invalid");
        const result = await authenticate(await getDb(), parsed.data.email, parsed.data.password, clientIp(request.headers));
        if (!result.ok) throw new SignInRefused(result.reason);
        return { id: String(result.user.id), email: result.user.email, name: result.user.name, role: result.user.role };
      },
    }),
  ],
}));
