import type { Metadata } from "next";
import Link from "next/link";
import { DateTime } from "@/components/detail/date-time";
import { Money } from "@/components/detail/money";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/dates";
import { getPreferences } from "@/lib/users/preferences";
import { listOrdersToFollowUp } from "@/lib/orders/follow-up";

export const metadata: Metadata = { title: "Orders to Follow Up" };

export default async function OrdersToFollowUpPage() {
  const user = await requirePagePermission("work_carts");
  const db = await getDb();
  const [rows, preferences] = await Promise.all([listOrdersToFollowUp(db, user), getPreferences(db, user)]);
  const timeZone = safeTimeZone(preferences.timeZone);
  return (
    <>
      <PageHeader
        breadcrumb="Sales"
        title="Orders to Follow Up"
        description="Complete orders of the last 30 days whose customer nobody has asked for feedback yet, newest first. Record the feedback on the order's page."
      />
      {rows.length === 0 ? (
        <EmptyState title="Every recent complete order has been followed up">
          <p>Complete orders appear here until someone records the customer&apos;s feedback.</p>
        </EmptyState>
      ) : (
        <SimpleTable
          columns={[
            { label: "Order" },
            { label: "Customer" },
            { label: "Email" },
            { label: "Grand total", align: "right" },
            { label: "Placed" },
          ]}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="px-5 py-3">
                <Link href={`/sales/orders/${r.id}#section-follow-up`} className="font-medium text-brand-700 hover:underline">
                  Order #{r.incrementId}
                </Link>
              </td>
              <td className="px-5 py-3">{r.customer ?? "—"}</td>
              <td className="px-5 py-3">{r.email ?? "—"}</td>
              <td className="px-5 py-3 text-right">
                <Money value={r.grandTotal} currency={r.currency} />
              </td>
              <td className="px-5 py-3">
                <DateTime value={r.createdAt} timeZone={timeZone} />
              </td>
            </tr>
          ))}
        </SimpleTable>
      )}
    </>
  );
}
