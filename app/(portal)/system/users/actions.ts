"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { generatePassword } from "@/lib/auth/password";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import {
  UserError,
  createUser,
  emailSchema,
  newUserSchema,
  resetPassword,
  roleSchema,
  setUserActive,
  setUserRole,
  unlockUser,
} from "@/lib/users/service";

function asFailure(error: unknown): never {
  if (error instanceof UserError) {
    throw new ActionFailure(error.message, error.field ? { [error.field]: [error.message] } : undefined);
  }
  throw error;
}

/** What the admin sees once after creating or resetting: the one-time password to pass on. */
export type OneTimePasswordResult = ActionResult<{ email: string; oneTimePassword?: string }>;

const createSchema = newUserSchema
  .extend({
    // "generate": a one-time password shown once, to be replaced at the first sign-in.
    // Without a mode, a typed password means "set" and an empty one "generate".
    passwordMode: z.enum(["generate", "set"]).optional(),
    password: z.string().optional(),
  })
  .transform((input) => ({ ...input, passwordMode: input.passwordMode ?? (input.password ? "set" : "generate") }))
  .superRefine((input, ctx) => {
    if (input.passwordMode !== "set") return;
    const checked = newUserSchema.shape.password.safeParse(input.password ?? "");
    if (!checked.success)
      ctx.addIssue({ code: "custom", path: ["password"], message: checked.error.issues[0]?.message ?? "Enter a password." });
  });

export const createUserAction = protectedAction(
  "manage_users",
  createSchema,
  async (input, { user, db, ip }): Promise<OneTimePasswordResult> => {
    const generated = input.passwordMode === "generate" ? generatePassword() : undefined;
    const created = await createUser(
      db,
      { email: input.email, name: input.name, role: input.role, password: generated ?? input.password! },
      { userId: user.id, actor: user.email, ip },
      { oneTimePassword: generated !== undefined },
    ).catch(asFailure);
    revalidatePath("/system/users");
    return {
      ok: true,
      message: generated
        ? `Created ${created.email} as ${ROLE_LABELS[created.role]}. Pass the one-time password below on securely; they choose their own when they first sign in.`
        : `Created ${created.email} as ${ROLE_LABELS[created.role]}.`,
      data: { email: created.email, ...(generated ? { oneTimePassword: generated } : {}) },
    };
  },
);

export const resetPasswordAction = protectedAction(
  "manage_users",
  z.object({ email: emailSchema }),
  async (input, { user, db, ip }): Promise<OneTimePasswordResult> => {
    const { user: target, password } = await resetPassword(db, input.email, { userId: user.id, actor: user.email, ip }).catch(asFailure);
    revalidatePath("/system/users");
    return {
      ok: true,
      message: `${target.email} is signed out everywhere. Pass the one-time password below on securely; they choose their own when they next sign in.`,
      data: { email: target.email, oneTimePassword: password },
    };
  },
);

export const setRoleAction = protectedAction(
  "manage_users",
  z.object({ email: emailSchema, role: roleSchema }),
  async (input, { user, db, ip }): Promise<ActionResult> => {
    if (input.email === user.email) throw new ActionFailure("You can't change your own role; ask another administrator.");
    const updated = await setUserRole(db, input.email, input.role, { userId: user.id, actor: user.email, ip }).catch(asFailure);
    revalidatePath("/system/users");
    return { ok: true, message: `${updated.email} is now ${ROLE_LABELS[updated.role]}.` };
  },
);

export const setActiveAction = protectedAction(
  "manage_users",
  z.object({ email: emailSchema, active: z.enum(["true", "false"]) }),
  async (input, { user, db, ip }): Promise<ActionResult> => {
    const active = input.active === "true";
    if (!active && input.email === user.email) throw new ActionFailure("You can't deactivate your own account.");
    const updated = await setUserActive(db, input.email, active, { userId: user.id, actor: user.email, ip }).catch(asFailure);
    revalidatePath("/system/users");
    return {
      ok: true,
      message: active ? `${updated.email} can sign in again.` : `${updated.email} is deactivated and signed out.`,
    };
  },
);

/** Lifts a lockout from failed sign-ins, so the user can sign in again now. */
export const unlockUserAction = protectedAction(
  "manage_users",
  z.object({ email: emailSchema }),
  async (input, { user, db, ip }): Promise<ActionResult> => {
    const unlocked = await unlockUser(db, input.email, { userId: user.id, actor: user.email, ip }).catch(asFailure);
    revalidatePath("/system/users");
    return { ok: true, message: `${unlocked.email} can sign in again.` };
  },
);
