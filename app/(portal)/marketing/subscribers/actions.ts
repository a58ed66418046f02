"use server";

import { inArray } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { magentoNewsletterSubscribers } from "@/db/schema";
import { protectedAction, type ActionResult } from "@/lib/auth/action";
import { customerLabels, subscriptionOutcome, type SubscriptionData } from "@/lib/customers/subscription";
import { requestSubscriptionForSubscribers } from "@/lib/two-way/service";

// Subscribe / unsubscribe from the newsletter subscribers grid (a row or the selection). Needs
// edit_customers; each row is the subscription of a customer, who is what changes in Magento
// (lib/two-way maps the rows and refuses guests with a reason).

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const schema = z.object({
  subscriberIds: z.union([
    recordId.transform((id) => [id]),
    z.array(recordId).min(1, "Select at least one.").max(500, "At most 500 at once."),
  ], { error: "Select at least one." }),
  subscribed: z.enum(["1", "0"], { error: "Say subscribe or unsubscribe." }).transform((v) => v === "1"),
});

export const changeSubscriberSubscriptionAction = protectedAction(
  "edit_customers",
  schema,
  async (input, { db, user, ip }): Promise<ActionResult<SubscriptionData>> => {
    const result = await requestSubscriptionForSubscribers(db, { userId: user.id, email: user.email, ip }, { subscriberIds: input.subscriberIds, subscribed: input.subscribed });
    // A refusal names a customer, or the subscriber row when it has none (a guest's subscription).
    const refusedIds = result.ok ? result.refused.map((r) => r.customerId) : [];
    const customers = await customerLabels(db, refusedIds);
    const rows = refusedIds.length
      ? await db.select({ id: magentoNewsletterSubscribers.id, email: magentoNewsletterSubscribers.email }).from(magentoNewsletterSubscribers)
        .where(inArray(magentoNewsletterSubscribers.id, input.subscriberIds))
      : [];
    const subscriberEmail = new Map(rows.map((r) => [r.id, r.email]));
    const outcome = subscriptionOutcome(result, input.subscribed, input.subscriberIds.length, (id) => customers.get(id) ?? subscriberEmail.get(id));
    if (outcome.ok) {
      revalidatePath("/marketing/subscribers");
      revalidatePath("/customers");
      revalidatePath("/customers/[id]", "page");
    }
    return outcome;
  },
);
