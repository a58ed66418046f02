"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction, type ActionResult } from "@/lib/auth/action";
import { customerLabels, subscriberEmails, subscriptionOutcome, type SubscriptionData } from "@/lib/customers/subscription";
import { requestSubscriptionForSubscribers } from "@/lib/customers/two-way/service";

// Subscribe / unsubscribe from the newsletter subscribers grid (a row or the selection). Needs
// edit_customers; each row is the subscription of a customer, who is what changes in Magento
// (lib/customers/two-way maps the rows and refuses guests with a reason).

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const schema = z.object({
  subscriberIds: z.union(
    [recordId.transform((id) => [id]), z.array(recordId).min(1, "Select at least one.").max(500, "At most 500 at once.")],
    { error: "Select at least one." },
  ),
  subscribed: z.enum(["1", "0"], { error: "Say subscribe or unsubscribe." }).transform((v) => v === "1"),
});

export const changeSubscriberSubscriptionAction = protectedAction(
  "edit_customers",
  schema,
  async (input, { db, user, ip }): Promise<ActionResult<SubscriptionData>> => {
    const result = await requestSubscriptionForSubscribers(
      db,
      { userId: user.id, actor: user.email, ip },
      { subscriberIds: input.subscriberIds, subscribed: input.subscribed },
    );
    // A refusal names a customer, or the subscriber row when it has none (a guest's subscription).
    const refusals = result.ok ? result.refused : [];
    const customers = await customerLabels(
      db,
      refusals.map((r) => r.customerId).filter((id) => id > 0),
    );
    const subscriberIds = refusals.flatMap((r) => (r.subscriberId ? [r.subscriberId] : []));
    const subscriberEmail = await subscriberEmails(db, subscriberIds);
    const outcome = subscriptionOutcome(
      result,
      input.subscribed,
      input.subscriberIds.length,
      (r) => (r.subscriberId ? subscriberEmail.get(r.subscriberId) : undefined) ?? customers.get(r.customerId),
    );
    if (outcome.ok) {
      revalidatePath("/marketing/subscribers");
      revalidatePath("/customers");
      revalidatePath("/customers/[id]", "page");
    }
    return outcome;
  },
);
