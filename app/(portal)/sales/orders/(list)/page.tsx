import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { ordersGrid } from "@/lib/orders/grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Orders" };

const DESCRIPTION = "Orders placed in Magento, with their status, totals, payment and shipping.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Sales" title="Orders" description={DESCRIPTION} />
      <GridView definition={ordersGrid} searchParams={await searchParams} basePath="/sales/orders" user={user} description={DESCRIPTION} />
    </>
  );
}
