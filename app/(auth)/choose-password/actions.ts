"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { signIn } from "@/lib/auth/auth";
import type { ActionResult } from "@/lib/auth/action";
import { clientIp } from "@/lib/auth/client-ip";
import { safeReturnPath } from "@/lib/auth/navigation";
import { getPasswordChangeUser } from "@/lib/auth/session";
import { UserError, chooseOwnPassword, passwordSchema } from "@/lib/users/service";
import { errorForLog } from "@/db/errors";
import { logger } from "@/lib/log";

const schema = z
  .object({ password: passwordSchema, confirm: z.string(), callbackUrl: z.string().max(2_000).optional() })
  .refine((input) => input.password === input.confirm, { path: ["confirm"], message: "The two passwords differ." });

/**
 * Replaces the one-time password of the signed-in user, then signs them in afresh with it: the
 * change ends every earlier session, this one included.
 */
export async function choosePasswordAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const user = await getPasswordChangeUser();
  if (!user) return { ok: false, code: "unauthenticated", error: "Your session has ended. Sign in again." };
  const parsed = schema.safeParse({
    password: formData.get("password") ?? "",
    confirm: formData.get("confirm") ?? "",
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  if (!parsed.success) {
    return {
      ok: false,
      code: "invalid",
      error: "Please correct the highlighted fields.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
    };
  }
  try {
    await chooseOwnPassword(await getDb(), user.id, parsed.data.password, clientIp(await headers()));
  } catch (error) {
    if (error instanceof UserError) {
      return { ok: false, code: "failed", error: error.message, fieldErrors: error.field ? { [error.field]: [error.message] } : undefined };
    }
    logger().error({ component: "auth", userId: user.id }, `Choosing a password failed: ${errorForLog(error)}`);
    return { ok: false, code: "failed", error: "Something went wrong on our side; your password was not changed. Try again." };
  }
  const redirectTo = safeReturnPath(parsed.data.callbackUrl);
  try {
    await signIn("credentials", { email: user.email, password: parsed.data.password, redirectTo });
  } catch (error) {
    // signIn's success path throws Next's redirect, which must propagate.
    if (error instanceof AuthError) redirect(`/login?callbackUrl=${encodeURIComponent(redirectTo)}`);
    throw error;
  }
  return { ok: true };
}
