"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/navigation";
import { INVALID_LOGIN_MESSAGE, refusedLoginMessage } from "@/lib/auth/messages";

export type LoginState = { error: string; email: string } | null;

const loginSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(320),
  password: z.string().min(1, "Enter your password.").max(1000),
  callbackUrl: z.string().optional(),
});

/** Sign-in form action; on success Auth.js redirects to the page the user was going to. */
export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse({
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  const email = String(formData.get("email") ?? "").slice(0, 320);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? INVALID_LOGIN_MESSAGE, email };
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeReturnPath(parsed.data.callbackUrl),
    });
  } catch (error) {
    // signIn's success path throws Next's redirect, which must propagate.
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      return { error: refusedLoginMessage(code), email };
    }
    throw error;
  }
  return null;
}
