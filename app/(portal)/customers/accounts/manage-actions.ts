"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { mergeAccounts, moveCustomer, undoAccountChange, type ChangeResult } from "@/lib/accounts/manage";

// Merge, move and undo (lib/accounts/manage.ts, which checks manage_accounts again and validates
// the ids). A merge or move lands on the page of the change, which says what happened and offers
// Undo; an undo answers in place (the audit log's row action, the change page's button).

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export type ChangeData = { auditId: number; accountId: number };

function revalidateAccounts() {
  revalidatePath("/customers/accounts", "layout");
  revalidatePath("/customers");
  revalidatePath("/system/audit-log");
}

function answer(result: ChangeResult): ActionResult<ChangeData> {
  if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
  revalidateAccounts();
  return { ok: true, message: result.message, data: { auditId: result.auditId, accountId: result.accountId } };
}

const merge = protectedAction(
  "manage_accounts",
  z.object({ sourceId: recordId, targetId: recordId }),
  async (input, { db, user, ip }): Promise<ActionResult<ChangeData>> => answer(await mergeAccounts(db, user, input, { ip })),
);

const move = protectedAction(
  "manage_accounts",
  z.object({
    customerId: recordId,
    targetAccountId: recordId.optional(),
    newName: z.string().max(400).optional(),
    newType: z.string().max(20).optional(),
  }),
  async (input, { db, user, ip }): Promise<ActionResult<ChangeData>> => {
    const newAccount = input.targetAccountId === undefined ? { name: input.newName ?? "", type: input.newType ?? "" } : undefined;
    const result = await moveCustomer(
      db,
      user,
      { customerId: input.customerId, targetAccountId: input.targetAccountId, newAccount },
      { ip },
    );
    // The form names the new account's fields newName / newType.
    if (!result.ok && result.fieldErrors) {
      const fieldErrors: Record<string, string[]> = {};
      for (const [key, messages] of Object.entries(result.fieldErrors)) {
        fieldErrors[key === "newAccount.name" ? "newName" : key === "newAccount.type" ? "newType" : key] = messages;
      }
      throw new ActionFailure(result.error, fieldErrors);
    }
    return answer(result);
  },
);

/** Merges the account into the chosen one, then opens the change's page (with Undo). */
export async function mergeAccountsAction(
  previous: ActionResult<ChangeData> | null,
  formData: FormData,
): Promise<ActionResult<ChangeData>> {
  const result = await merge(previous, formData);
  if (result.ok && result.data) redirect(`/customers/accounts/changes/${result.data.auditId}`);
  return result;
}

/** Moves the customer to the chosen or a new account, then opens the change's page (with Undo). */
export async function moveCustomerAction(previous: ActionResult<ChangeData> | null, formData: FormData): Promise<ActionResult<ChangeData>> {
  const result = await move(previous, formData);
  if (result.ok && result.data) redirect(`/customers/accounts/changes/${result.data.auditId}`);
  return result;
}

/** Undoes a merge or a move from its audit entry: the audit log's row action and the change page's button post it. */
export const undoAccountChangeAction = protectedAction(
  "manage_accounts",
  z.object({ auditId: recordId }),
  async (input, { db, user, ip }): Promise<ActionResult<ChangeData>> => answer(await undoAccountChange(db, user, input, { ip })),
);
