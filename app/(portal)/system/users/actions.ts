"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { generatePassword } from "@/lib/auth/password";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { UserError, createUser, emailSchema, newUserSchema, roleSchema, setUserActive, setUserRole } from "@/lib/users/service";

function asFailure(error: unknown): never {
  if (error instanceof UserError) {
    throw new ActionFailure(error.message, error.field ? { [error.field]: [error.message] } : undefined);
  }
  throw error;
}

const createSchema = newUserSchema.extend({
  // Empty means: generate one and show it once.
  password: z.union([z.literal(""), newUserSchema.shape.password]).optional(),
});

export const createUserAction = protectedAction(
  "manage_users",
  createSchema,
  async (input, { user, db, ip }): Promise<ActionResult<{ password?: string }>> => {
    const generated = input.password ? undefined : generatePassword();
    const created = await createUser(
      db,
      { ...input, password: input.password || generated! },
      { userId: user.id, actor: user.email, ip },
    ).catch(asFailure);
    revalidatePath("/system/users");
    return {
      ok: true,
      message: generated
        ? `Created ${created.email} as ${ROLE_LABELS[created.role]}. Their password is ${generated} — it is shown only now; pass it on securely.`
        : `Created ${created.email} as ${ROLE_LABELS[created.role]}.`,
      data: generated ? { password: generated } : undefined,
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
