"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "@/lib/auth/action";
import { setAccountOwner } from "@/lib/accounts/owner";

// The account page's owner select. The permission is checked here and again in lib/accounts/owner.ts.

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const ownerSchema = z.object({
  accountId: recordId,
  // "" gives the account to nobody.
  ownerId: z.union([z.literal("").transform(() => null), recordId]),
});

export const setAccountOwnerAction = protectedAction("manage_accounts", ownerSchema, async (input, { db, user, ip }) => {
  const result = await setAccountOwner(db, user, input.accountId, input.ownerId, ip);
  if (!result.ok) return { ok: false, code: "failed", error: result.error };
  revalidatePath(`/customers/accounts/${input.accountId}`);
  if (!result.changed) return { ok: true, message: "The owner was already so." };
  return { ok: true, message: result.ownerName ? `Owner set to ${result.ownerName}.` : "The account has no owner now." };
});
