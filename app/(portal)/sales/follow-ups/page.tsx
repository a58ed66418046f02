import type { Metadata } from "next";
import Link from "next/link";
import { assignCartsAction } from "@/app/(portal)/sales/follow-up-actions";
import { DateTime } from "@/components/detail/date-time";
import { Money } from "@/components/detail/money";
import { StatusBadge } from "@/components/detail/status-badge";
import { TakeCart } from "@/components/follow-up/take-cart";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/dates";
import { getPreferences } from "@/lib/users/preferences";
import { listAbandonedToTake, listMyFollowUps, recoveredRevenue, type FollowUpRow } from "@/lib/carts/follow-up";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "My Follow-ups" };

// The signed-in person's queue: carts assigned to them still open or contacted, the most valuable
// first and, among equals, the longest untouched; below it the abandoned carts nobody has taken,
// to pick up with one click. Both use the one definition of abandoned (lib/sync/rules/abandoned-carts.ts).

const TO_TAKE = 20;

export default async function MyFollowUpsPage() {
  const user = await requirePagePermission("work_carts");
  const db = await getDb();
  const [rows, toTake, recovered, preferences] = await Promise.all([
    listMyFollowUps(db, user),
    listAbandonedToTake(db, user, TO_TAKE),
    recoveredRevenue(db, user),
    getPreferences(db, user),
  ]);
  const timeZone = safeTimeZone(preferences.timeZone);
  const cells = (r: FollowUpRow) => (
    <>
      <td className="px-5 py-3">
        <Link href={`/sales/carts/${r.id}`} className="font-medium text-brand-700 hover:underline">
          Cart {r.originId}
        </Link>
      </td>
      <td className="px-5 py-3">{r.customer ?? "—"}</td>
      <td className="px-5 py-3">
        <span className="flex flex-wrap gap-1">
          <StatusBadge value={r.status} />
          {r.abandoned ? <StatusBadge value="abandoned" /> : null}
        </span>
      </td>
      <td className="px-5 py-3 text-right">
        <Money value={r.grandTotal} currency={r.currency} />
      </td>
      <td className="px-5 py-3">
        <DateTime value={r.updatedAt} timeZone={timeZone} />
      </td>
    </>
  );
  return (
    <>
      <PageHeader
        breadcrumb="Sales"
        title="My Follow-ups"
        description="Carts assigned to you that are still open or contacted, the most valuable first; then abandoned carts nobody has taken yet."
      />
      {recovered.length ? (
        <p className="mb-4 text-sm text-slate-700" data-testid="recovered">
          Recovered by follow-up (all staff):{" "}
          {recovered.map((r, i) => (
            <span key={r.currency ?? "none"}>
              {i ? ", " : ""}
              <Money value={r.total} currency={r.currency} className="font-medium" /> from {countOf(r.carts, "cart")}
            </span>
          ))}
        </p>
      ) : null}
      <section aria-labelledby="mine-heading" className="mb-8">
        <h2 id="mine-heading" className="mb-3 text-base font-semibold text-slate-900">
          Assigned to me
        </h2>
        {rows.length === 0 ? (
          <EmptyState title="Nothing to follow up" action={{ href: "/sales/carts?f_abandoned=yes", label: "Abandoned carts" }}>
            <p>
              Carts assigned to you appear here. Take one of the abandoned carts below, or ask a manager to assign some from the carts list.
            </p>
          </EmptyState>
        ) : (
          <SimpleTable
            columns={[
              { label: "Cart" },
              { label: "Customer" },
              { label: "Status" },
              { label: "Grand total", align: "right" },
              { label: "Last changed in Magento" },
              { label: "Last contact" },
            ]}
          >
            {rows.map((r) => (
              <tr key={r.id}>
                {cells(r)}
                <td className="px-5 py-3">
                  {r.lastContactAt ? (
                    <>
                      <DateTime value={r.lastContactAt} timeZone={timeZone} /> ({r.contactCount})
                    </>
                  ) : (
                    "Not yet"
                  )}
                </td>
              </tr>
            ))}
          </SimpleTable>
        )}
      </section>
      <section aria-labelledby="take-heading">
        <h2 id="take-heading" className="mb-1 text-base font-semibold text-slate-900">
          Abandoned, not taken yet
        </h2>
        <p className="mb-3 text-sm text-slate-600" data-testid="to-take-count">
          {toTake.total === 0
            ? "Every abandoned cart has someone on it."
            : `${countOf(toTake.total, "abandoned cart")} without an assignee${toTake.total > toTake.rows.length ? `; the ${toTake.rows.length} most valuable are below` : ""}.`}{" "}
          <Link href="/sales/carts?f_abandoned=yes" className="font-medium text-brand-700 underline">
            All abandoned carts in the carts list
          </Link>
        </p>
        {toTake.rows.length ? (
          <SimpleTable
            columns={[
              { label: "Cart" },
              { label: "Customer" },
              { label: "Status" },
              { label: "Grand total", align: "right" },
              { label: "Last changed in Magento" },
              { label: "Take", srOnly: true },
            ]}
          >
            {toTake.rows.map((r) => (
              <tr key={r.id}>
                {cells(r)}
                <td className="px-5 py-3 text-right">
                  <TakeCart cartId={r.id} originId={r.originId} userId={user.id} assignAction={assignCartsAction} />
                </td>
              </tr>
            ))}
          </SimpleTable>
        ) : null}
      </section>
    </>
  );
}
