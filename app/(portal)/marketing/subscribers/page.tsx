import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { subscribersGrid } from "@/lib/grid/grids/subscribers";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Newsletter Subscribers" };

const DESCRIPTION = "Who is subscribed to the store's newsletter, and since when.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  return (
    <>
      <PageHeader breadcrumb="Marketing" title="Newsletter Subscribers" description={DESCRIPTION} />
      <GridView definition={subscribersGrid} searchParams={await searchParams} basePath="/marketing/subscribers" user={user} description={DESCRIPTION} />
    </>
  );
}
