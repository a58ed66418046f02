import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { SimpleTable } from "@/components/ui/simple-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { listChannels } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  const user = await requirePagePermission("manage_integrations");
  const rows = await listChannels(user);
  return (
    <>
      <PageHeader
        breadcrumb="System"
        title="Integrations"
        description="Magento channels that feed the portal: where they connect, what they sync and how their last sync went."
      />
      {rows.length === 0 ? (
        <EmptyState title="No Magento integrations yet">
          Each integration connects one Magento store (its URL and an integration token). Its customers, carts, orders,
          credit memos and newsletter subscribers then sync into the portal in the background and are listed here with
          their last sync.
        </EmptyState>
      ) : (
        <SimpleTable columns={[{ label: "Name" }, { label: "Magento URL" }, { label: "Store" }, { label: "Status" }]}>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="px-5 py-3 font-medium">{row.name}</td>
                  <td className="px-5 py-3 text-slate-600">{row.baseUrl}</td>
                  <td className="px-5 py-3 text-slate-600">{row.storeCode}</td>
                  <td className="px-5 py-3">{row.active ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}</td>
                </tr>
              ))}
            </SimpleTable>
      )}
    </>
  );
}
