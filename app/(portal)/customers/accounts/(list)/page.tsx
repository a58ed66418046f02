import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { accountsGrid } from "@/lib/accounts/grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Accounts" };

const DESCRIPTION = "Each buyer once, however many websites, channels or guest checkouts they bought through; companies with their people.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Customers" title="Accounts" description={DESCRIPTION} />
      <GridView
        definition={accountsGrid}
        searchParams={await searchParams}
        basePath="/customers/accounts"
        user={user}
        description={DESCRIPTION}
      />
    </>
  );
}
