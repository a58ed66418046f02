"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionContext, type ActionResult } from "@/lib/auth/action";
import { channelDirectory } from "@/lib/customers/directory";
import {
  checkAgainstDirectory,
  draftFromForm,
  FIELD_LABELS,
  formFieldErrors,
  parseDraft,
  type CustomerEditState,
  type EditData,
} from "@/lib/customers/edit-form";
import { customerLabels, subscriptionOutcome, type SubscriptionData } from "@/lib/customers/subscription";
import { readForm } from "@/lib/http/form-data";
import {
  dismissOverride,
  FORM_NOT_VERIFIED,
  loadCustomerEdit,
  requestCustomerEdit,
  requestRegistration,
  requestSubscription,
  retryPush,
  revertPush,
} from "@/lib/customers/two-way/service";
import { decodeBaseToken } from "@/lib/customers/two-way/values";

// Two-way sync from the customer pages and the customers grid (issue 7 §4): edit a customer,
// subscribe or unsubscribe, register a guest in Magento, and retry / revert / dismiss a push.
// Each action needs edit_customers (protectedAction checks the session and the role first);
// lib/customers/two-way refuses again when the channel's two-way sync is off. The browser names only portal
// ids; what they may change is read on the server.

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const MAX_BULK = 500;

function actorOf({ user, ip }: ActionContext) {
  return { userId: user.id, actor: user.email, ip };
}

function revalidateCustomers() {
  revalidatePath("/customers/[id]", "page");
  revalidatePath("/customers");
  revalidatePath("/marketing/subscribers");
  revalidatePath("/system/sync-history");
}

// ── edit ────────────────────────────────────────────────────────────────────────────────────

const editSchema = z.looseObject({ customerId: recordId, baseToken: z.string().min(1, "Reload the page and edit again.").max(20_000) });

const saveCustomerEdit = protectedAction("edit_customers", editSchema, async (input, context): Promise<ActionResult<EditData>> => {
  const { db, user } = context;
  const view = await loadCustomerEdit(db, user, input.customerId);
  if (!view) throw new ActionFailure("This customer is no longer in the portal.");
  if (!view.editable) throw new ActionFailure(view.readOnlyReason ?? "This customer cannot be edited in the portal.");
  // The base values come back from the browser: only a base this server signed for this customer counts.
  if (!decodeBaseToken(input.baseToken, input.customerId)) throw new ActionFailure(FORM_NOT_VERIFIED);

  const checked = parseDraft(draftFromForm(input), view.values);
  if (!checked.ok)
    return {
      ok: false,
      code: "invalid",
      error: "Please correct the highlighted fields; nothing was saved.",
      fieldErrors: checked.fieldErrors,
    };
  const { parsed } = checked;
  if (view.groups.length && parsed.values.groupOriginId !== null && !view.groups.some((g) => g.originId === parsed.values.groupOriginId)) {
    return {
      ok: false,
      code: "invalid",
      error: "Please correct the highlighted fields; nothing was saved.",
      fieldErrors: { groupOriginId: ["Choose one of Magento's customer groups."] },
    };
  }
  if (parsed.changedSlots.length) {
    const directory = await channelDirectory(db, user, view.channelId);
    if (!directory.ok) throw new ActionFailure(`${directory.error} Nothing was saved.`);
    const errors = checkAgainstDirectory(parsed, directory.countries);
    if (Object.keys(errors).length)
      return { ok: false, code: "invalid", error: "Please correct the highlighted fields; nothing was saved.", fieldErrors: errors };
  }

  const result = await requestCustomerEdit(db, actorOf(context), {
    customerId: input.customerId,
    baseToken: input.baseToken,
    values: parsed.values,
  });
  if (!result.ok) {
    const fieldErrors = formFieldErrors(result.fieldErrors, parsed.slots);
    return { ok: false, code: Object.keys(fieldErrors).length ? "invalid" : "failed", error: result.error, fieldErrors };
  }
  revalidateCustomers();
  const what = result.changedFields.map((f) => FIELD_LABELS[f]).join(", ");
  return {
    ok: true,
    message: result.changedFields.length
      ? `Saved ${what}; sending the change to Magento.`
      : "Nothing changed: these are already the customer's values.",
    data: { customerId: input.customerId, pushId: result.pushId, changedFields: result.changedFields },
  };
});

/**
 * The customer edit form's action. On success the browser goes back to the customer page, which
 * shows the push ("Saving to Magento…", then saved, refused or overridden); on error the form
 * comes back with the errors on their fields and everything as typed.
 */
export async function saveCustomerAction(_previous: CustomerEditState | null, formData: FormData): Promise<CustomerEditState> {
  const submitted = draftFromForm(readForm(formData));
  const result = await saveCustomerEdit(null, formData);
  if (result.ok && result.data && result.data.changedFields.length) {
    redirect(`/customers/${result.data.customerId}?push=${result.data.pushId}`);
  }
  return { ...result, submitted };
}

// ── subscription ───────────────────────────────────────────────────────────────────────────

const ids = z.union(
  [recordId.transform((id) => [id]), z.array(recordId).min(1, "Select at least one.").max(MAX_BULK, `At most ${MAX_BULK} at once.`)],
  { error: "Select at least one." },
);
const subscribedField = z.enum(["1", "0"], { error: "Say subscribe or unsubscribe." }).transform((v) => v === "1");

export const changeSubscriptionAction = protectedAction(
  "edit_customers",
  z.object({ customerIds: ids, subscribed: subscribedField }),
  async (input, context): Promise<ActionResult<SubscriptionData>> => {
    const result = await requestSubscription(context.db, actorOf(context), {
      customerIds: input.customerIds,
      subscribed: input.subscribed,
    });
    const labels = await customerLabels(context.db, result.ok ? result.refused.map((r) => r.customerId) : []);
    const outcome = subscriptionOutcome(result, input.subscribed, input.customerIds.length, (r) => labels.get(r.customerId));
    if (outcome.ok) revalidateCustomers();
    return outcome;
  },
);

// ── register a guest ───────────────────────────────────────────────────────────────────────

export const registerCustomerAction = protectedAction(
  "edit_customers",
  z.object({ customerId: recordId }),
  async (input, context): Promise<ActionResult<{ pushId: number }>> => {
    const result = await requestRegistration(context.db, actorOf(context), { customerId: input.customerId });
    if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
    revalidateCustomers();
    return {
      ok: true,
      message: "Registering in Magento: the customer gets an account there and this page shows it once Magento confirms.",
      data: { pushId: result.pushId },
    };
  },
);

// ── a push: retry, revert, dismiss ─────────────────────────────────────────────────────────

const pushSchema = z.object({ pushId: recordId });

export const retryPushAction = protectedAction("edit_customers", pushSchema, async (input, context): Promise<ActionResult> => {
  const result = await retryPush(context.db, actorOf(context), { pushId: input.pushId });
  if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
  revalidateCustomers();
  return { ok: true, message: "Trying again: the change is being sent to Magento." };
});

export const revertPushAction = protectedAction("edit_customers", pushSchema, async (input, context): Promise<ActionResult> => {
  const result = await revertPush(context.db, actorOf(context), { pushId: input.pushId });
  if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
  revalidateCustomers();
  return { ok: true, message: result.message ?? "Reverted: the portal shows Magento's values again." };
});

export const dismissOverrideAction = protectedAction("edit_customers", pushSchema, async (input, context): Promise<ActionResult> => {
  const result = await dismissOverride(context.db, actorOf(context), { pushId: input.pushId });
  if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
  revalidateCustomers();
  return { ok: true, message: "Dismissed." };
});
