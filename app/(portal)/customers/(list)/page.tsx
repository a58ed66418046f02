import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { customersGrid } from "@/lib/grid/grids/customers";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Magento Customers" };

const DESCRIPTION = "Registered and guest customers, with their orders, lifetime value and subscription.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Customers" title="Magento Customers" description={DESCRIPTION} />
      <GridView definition={customersGrid} searchParams={await searchParams} basePath="/customers" user={user} description={DESCRIPTION} />
    </>
  );
}
