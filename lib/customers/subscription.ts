import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoCustomers, magentoNewsletterSubscribers } from "@/db/schema";
import { ActionFailure, type ActionResult } from "@/lib/auth/action";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { SubscriptionResult } from "@/lib/customers/two-way/service";
import { customerName } from "./name";

// What a subscribe / unsubscribe reports to the person who asked, on a customer page or for a
// grid's selection: how many were queued for Magento, and who was refused and why.

export type SubscriptionData = { queued: number; refused: { label: string; reason: string }[]; notes: string[] };

/** lib/customers/two-way's answer as the sentence (and the list of refusals) the page shows. */
export function subscriptionOutcome(
  result: SubscriptionResult,
  subscribed: boolean,
  requested: number,
  labelOf: (refused: { customerId: number; subscriberId?: number }) => string | undefined,
): ActionResult<SubscriptionData> {
  if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
  const refused = result.refused.map((r) => ({
    label: labelOf(r) ?? (r.subscriberId ? `Subscriber #${r.subscriberId}` : `Customer #${r.customerId}`),
    reason: r.reason,
  }));
  const notes = refused.map((r) => `${r.label}: ${r.reason}`);
  const verb = subscribed ? "subscribe" : "unsubscribe";
  if (result.queued.length === 0) {
    const error =
      requested === 1 && refused[0]
        ? refused[0].reason
        : `None of the ${requested} could be ${verb}d. ${notes.slice(0, 5).join(" ")}${notes.length > 5 ? ` And ${notes.length - 5} more.` : ""}`;
    return { ok: false, code: "failed", error };
  }
  const queued = result.queued.length;
  const head =
    requested === 1
      ? `${subscribed ? "Subscribing" : "Unsubscribing"}: sent to Magento. The newsletter status changes once Magento confirms.`
      : queued === requested
        ? `${subscribed ? "Subscribing" : "Unsubscribing"} ${queued}: sent to Magento. Each status changes once Magento confirms.`
        : `${queued} of ${requested} queued to ${verb}; each status changes once Magento confirms.`;
  const tail = refused.length ? ` ${refused.length} refused:` : "";
  return { ok: true, message: `${head}${tail}`, data: { queued, refused, notes } };
}

/** "Jane Doe (jane@example.com)" per customer id, for naming refusals. */
export async function customerLabels(db: Db, customerIds: number[]): Promise<Map<number, string>> {
  if (!customerIds.length) return new Map();
  const rows = await db
    .select({
      id: magentoCustomers.id,
      email: magentoCustomers.email,
      firstName: magentoCustomers.firstName,
      lastName: magentoCustomers.lastName,
    })
    .from(magentoCustomers)
    .where(inArray(magentoCustomers.id, customerIds));
  return new Map(
    rows.map((r) => {
      const name = customerName({ firstName: r.firstName, lastName: r.lastName });
      return [r.id, name ? `${name} (${r.email})` : r.email];
    }),
  );
}

/** The email per newsletter subscriber id, for naming refusals of subscriptions that have no customer (a guest's). */
export async function subscriberEmails(db: Db, subscriberIds: number[]): Promise<Map<number, string>> {
  if (!subscriberIds.length) return new Map();
  const rows = await db
    .select({ id: magentoNewsletterSubscribers.id, email: magentoNewsletterSubscribers.email })
    .from(magentoNewsletterSubscribers)
    .where(inArray(magentoNewsletterSubscribers.id, subscriberIds));
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** Whether any channel sends portal edits to Magento: the grids offer subscribe / unsubscribe only then. */
export async function anyTwoWayChannel(db: Db, user: SessionUser | null): Promise<boolean> {
  requirePermission(user, "view_sales");
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.twoWaySync, true), isNull(channels.deletingAt)))
    .limit(1);
  return rows.length > 0;
}
