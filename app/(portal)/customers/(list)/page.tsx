import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import type { GridAction } from "@/components/data-grid/grid-actions";
import { PageHeader } from "@/components/ui/page-header";
import { changeSubscriptionAction } from "@/app/(portal)/customers/two-way-actions";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { anyTwoWayChannel } from "@/lib/customers/subscription";
import { customersGrid } from "@/lib/customers/grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Magento Customers" };

const DESCRIPTION = "Registered and guest customers, with their orders, lifetime value and subscription.";

// Newsletter subscription from the grid (two-way sync): for people who may edit customers only.
// Guests have no Magento account to subscribe; the rows say so by offering nothing.
const subscribe: GridAction = {
  id: "subscribe",
  label: "Subscribe",
  pendingLabel: "Subscribing…",
  action: changeSubscriptionAction,
  field: "customerIds",
  fields: { subscribed: "1" },
  when: [
    { column: "is_guest", isNot: ["Yes"] },
    { column: "subscribed", isNot: ["Yes"] },
  ],
};
const unsubscribe: GridAction = {
  id: "unsubscribe",
  label: "Unsubscribe",
  pendingLabel: "Unsubscribing…",
  action: changeSubscriptionAction,
  field: "customerIds",
  fields: { subscribed: "0" },
  when: [
    { column: "is_guest", isNot: ["Yes"] },
    { column: "subscribed", is: ["Yes"] },
  ],
};

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  // Offered to people who may edit customers, while some channel sends portal edits to Magento
  // (a row of a channel without it is refused with that reason).
  const actions = can(user.role, "edit_customers") && (await anyTwoWayChannel(await getDb(), user)) ? [subscribe, unsubscribe] : undefined;
  return (
    <>
      <PageHeader breadcrumb="Customers" title="Magento Customers" description={DESCRIPTION} />
      <GridView
        definition={customersGrid}
        searchParams={await searchParams}
        basePath="/customers"
        user={user}
        description={DESCRIPTION}
        rowActions={actions}
        bulkActions={actions}
      />
    </>
  );
}
