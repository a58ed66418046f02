import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Credit Memos" };

const DESCRIPTION = "Refunds issued in Magento, linked to their orders.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Sales" title="Credit Memos" description={DESCRIPTION} />
      <GridView
        definition={creditMemosGrid}
        searchParams={await searchParams}
        basePath="/sales/credit-memos"
        user={user}
        description={DESCRIPTION}
      />
    </>
  );
}
