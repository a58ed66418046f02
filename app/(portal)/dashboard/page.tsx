import type { Metadata } from "next";
import Link from "next/link";
import { FailingChannelsBanner } from "@/components/sync/failing-channels-banner";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getWorkspaceCounts } from "@/lib/workspace/counts";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requirePagePermission("view_sales");
  const counts = await getWorkspaceCounts(user);
  const tiles = [
    { label: "Shopping carts", value: counts.carts, href: "/sales/carts" },
    { label: "Orders", value: counts.orders, href: "/sales/orders" },
    { label: "Credit memos", value: counts.creditMemos, href: "/sales/credit-memos" },
    { label: "Customers", value: counts.customers, href: "/customers" },
    { label: "Newsletter subscribers", value: counts.subscribers, href: "/marketing/subscribers" },
  ];
  const firstName = user.name.split(/\s+/)[0] ?? user.name;
  return (
    <>
      <PageHeader title={`Welcome, ${firstName}`} description="Your store's carts, orders and customers at a glance." />
      <FailingChannelsBanner user={user} />
      {counts.channels === 0 ? (
        <div className="mb-6">
          <EmptyState
            title="No Magento store connected yet"
            action={can(user.role, "manage_integrations") ? { href: "/system/integrations", label: "Go to Integrations" } : undefined}
          >
            {can(user.role, "manage_integrations")
              ? "Add a Magento integration under System › Integrations. Its customers, carts and orders appear here with the first sync."
              : "Once an administrator adds a Magento integration under System › Integrations, its customers, carts and orders appear here."}
          </EmptyState>
        </div>
      ) : null}
      <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {tiles.map((tile) => (
          <li key={tile.href}>
            <Link href={tile.href} className="block">
              <Card className="px-5 py-4 transition-shadow hover:shadow-md">
                <p className="text-sm text-slate-500">{tile.label}</p>
                <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{tile.value.toLocaleString("en-US")}</p>
              </Card>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
