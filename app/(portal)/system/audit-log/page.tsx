import type { Metadata } from "next";
import { SimpleTable } from "@/components/ui/simple-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/date";
import { listAuditEntries } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Audit Log" };

function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

export default async function AuditLogPage() {
  const user = await requirePagePermission("manage_users");
  const entries = await listAuditEntries(user);
  return (
    <>
      <PageHeader breadcrumb="System" title="Audit Log" description="Who changed what, and when: users, integrations, conversions and exports." />
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          Changes made by staff (users created, roles changed, carts converted, exports) are recorded here as they happen.
        </EmptyState>
      ) : (
        <SimpleTable columns={[{ label: "When" }, { label: "Who" }, { label: "Action" }, { label: "Details" }]}>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td className="whitespace-nowrap px-5 py-3 text-slate-600">{formatDateTime(entry.at)}</td>
                  <td className="px-5 py-3">{entry.actor}</td>
                  <td className="px-5 py-3 font-mono text-xs">{entry.action}</td>
                  <td className="px-5 py-3 text-slate-600">{describe(entry.details)}</td>
                </tr>
              ))}
            </SimpleTable>
      )}
    </>
  );
}
