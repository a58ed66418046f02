import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import type { GridAction } from "@/components/data-grid/grid-actions";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { anyTwoWayChannel } from "@/lib/customers/subscription";
import { subscribersGrid } from "@/lib/subscribers/grid";
import type { SearchParams } from "@/lib/grid/params";
import { changeSubscriberSubscriptionAction } from "./actions";

export const metadata: Metadata = { title: "Newsletter Subscribers" };

const DESCRIPTION = "Who is subscribed to the store's newsletter, and since when.";

// Subscribe / unsubscribe (two-way sync), for people who may edit customers. A subscription
// without a customer account (a guest's) cannot be changed through Magento's customer API.
const subscribe: GridAction = {
  id: "subscribe",
  label: "Subscribe",
  pendingLabel: "Subscribing…",
  action: changeSubscriberSubscriptionAction,
  field: "subscriberIds",
  fields: { subscribed: "1" },
  when: [
    { column: "has_account", is: ["Yes"] },
    { column: "status", isNot: ["Subscribed"] },
  ],
};
const unsubscribe: GridAction = {
  id: "unsubscribe",
  label: "Unsubscribe",
  pendingLabel: "Unsubscribing…",
  action: changeSubscriberSubscriptionAction,
  field: "subscriberIds",
  fields: { subscribed: "0" },
  when: [
    { column: "has_account", is: ["Yes"] },
    { column: "status", is: ["Subscribed"] },
  ],
};

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  // Offered to people who may edit customers, while some channel sends portal edits to Magento
  // (a row of a channel without it is refused with that reason).
  const actions = can(user.role, "edit_customers") && (await anyTwoWayChannel(await getDb(), user)) ? [subscribe, unsubscribe] : undefined;
  return (
    <>
      <PageHeader breadcrumb="Marketing" title="Newsletter Subscribers" description={DESCRIPTION} />
      <GridView
        definition={subscribersGrid}
        searchParams={await searchParams}
        basePath="/marketing/subscribers"
        user={user}
        description={DESCRIPTION}
        rowActions={actions}
        bulkActions={actions}
      />
    </>
  );
}
