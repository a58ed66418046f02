import { headers } from "next/headers";
import { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { clientIp } from "./client-ip";
import { can, type Permission } from "./permissions";
import { getSessionUser, type SessionUser } from "./session";
import { errorForLog } from "@/db/errors";
import { readForm } from "@/lib/http/form-data";
import { logger, requestIdFrom } from "@/lib/log";

export type FieldErrors = Record<string, string[] | undefined>;

/** What every server action returns: never a raw exception. */
export type ActionResult<T = undefined> =
  | { ok: true; message?: string; data?: T }
  | { ok: false; error: string; code: "unauthenticated" | "forbidden" | "invalid" | "failed"; fieldErrors?: FieldErrors };

export type ActionContext = { user: SessionUser; db: Db; ip: string };

export class ActionFailure extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ActionFailure";
  }
}

/**
 * Wraps a server action: session, permission and input validation first, then the handler.
 * Usable with useActionState: (previousState, formData) => result.
 */
export function protectedAction<S extends z.ZodType, T = undefined>(
  permission: Permission,
  schema: S,
  handler: (input: z.infer<S>, context: ActionContext) => Promise<ActionResult<T>>,
) {
  return async (_previous: ActionResult<T> | null, formData: FormData): Promise<ActionResult<T>> => {
    const user = await getSessionUser();
    if (!user) return { ok: false, code: "unauthenticated", error: "Your session has ended. Sign in again." };
    if (!can(user.role, permission)) {
      return { ok: false, code: "forbidden", error: "Your role does not allow this action." };
    }
    const parsed = schema.safeParse(readForm(formData));
    if (!parsed.success) {
      return {
        ok: false,
        code: "invalid",
        error: "Please correct the highlighted fields.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors as FieldErrors,
      };
    }
    try {
      const ip = clientIp(await headers());
      return await handler(parsed.data, { user, db: await getDb(), ip });
    } catch (error) {
      if (error instanceof ActionFailure) {
        return { ok: false, code: "failed", error: error.message, fieldErrors: error.fieldErrors };
      }
      logger().error(
        { component: "action", requestId: requestIdFrom(await headers()), userId: user.id },
        `Server action failed: ${errorForLog(error)}`,
      );
      return { ok: false, code: "failed", error: "Something went wrong on our side; nothing was changed. Try again." };
    }
  };
}
