import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { cartsGrid } from "@/lib/grid/grids/carts";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Shopping Carts" };

const DESCRIPTION = "Every cart from your Magento store, open or abandoned, with its items, totals and status.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Sales" title="Shopping Carts" description={DESCRIPTION} />
      <GridView definition={cartsGrid} searchParams={await searchParams} basePath="/sales/carts" user={user} description={DESCRIPTION} />
    </>
  );
}
