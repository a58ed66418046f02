import type { Metadata } from "next";
import Link from "next/link";
import { DateTime } from "@/components/detail/date-time";
import { Money } from "@/components/detail/money";
import { StatusBadge } from "@/components/detail/status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/grid/query";
import { getPreferences } from "@/lib/users/preferences";
import { listMyFollowUps, recoveredRevenue } from "@/lib/workflows/cart-follow-up";

export const metadata: Metadata = { title: "My Follow-ups" };

// The signed-in person's queue: carts assigned to them still open or contacted, the most valuable
// first and, among equals, the longest untouched.

export default async function MyFollowUpsPage() {
  const user = await requirePagePermission("work_carts");
  const db = await getDb();
  const [rows, recovered, preferences] = await Promise.all([listMyFollowUps(db, user), recoveredRevenue(db, user), getPreferences(db, user.id)]);
  const timeZone = safeTimeZone(preferences.timeZone);
  return (
    <>
      <PageHeader
        breadcrumb="Sales"
        title="My Follow-ups"
        description="Abandoned carts assigned to you that are still open or contacted, the most valuable first."
      />
      {recovered.length ? (
        <p className="mb-4 text-sm text-slate-700" data-testid="recovered">
          Recovered by follow-up (all staff):{" "}
          {recovered.map((r, i) => (
            <span key={r.currency ?? "none"}>{i ? ", " : ""}<Money value={r.total} currency={r.currency} className="font-medium" /> from {r.carts} cart{r.carts === 1 ? "" : "s"}</span>
          ))}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="Nothing to follow up" action={{ href: "/sales/carts?f_status=open", label: "Open carts" }}>
          <p>Carts assigned to you appear here. Take one from its page, or ask a manager to assign some from the carts list.</p>
        </EmptyState>
      ) : (
        <SimpleTable columns={[{ label: "Cart" }, { label: "Customer" }, { label: "Status" }, { label: "Grand total", align: "right" }, { label: "Last changed in Magento" }, { label: "Last contact" }]}>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="px-5 py-3"><Link href={`/sales/carts/${r.id}`} className="font-medium text-brand-700 hover:underline">Cart {r.originId}</Link></td>
              <td className="px-5 py-3">{r.customer ?? "—"}</td>
              <td className="px-5 py-3"><StatusBadge value={r.status} /></td>
              <td className="px-5 py-3 text-right"><Money value={r.grandTotal} currency={r.currency} /></td>
              <td className="px-5 py-3"><DateTime value={r.updatedAt} timeZone={timeZone} /></td>
              <td className="px-5 py-3">{r.lastContactAt ? <><DateTime value={r.lastContactAt} timeZone={timeZone} /> ({r.contactCount})</> : "Not yet"}</td>
            </tr>
          ))}
        </SimpleTable>
      )}
    </>
  );
}
