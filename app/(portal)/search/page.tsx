import type { Metadata } from "next";
import { SearchResults } from "@/components/search/search-results";
import { PageHeader } from "@/components/ui/page-header";
import { getReadDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { COUNT_CAP, globalSearch, parseSearchQuery } from "@/lib/search/global-search";

export const metadata: Metadata = { title: "Search" };

const HITS_PER_KIND = 20;

// The full results of global search (Enter in the header's box): every kind the role may open,
// up to 20 of each, with how many more there are and the grid that lists them.
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("view_sales");
  const raw = (await searchParams).q;
  const parsed = parseSearchQuery(Array.isArray(raw) ? raw[0] : raw);
  const result = parsed.ok ? await globalSearch(await getReadDb(), user, parsed.query, { limit: HITS_PER_KIND, count: true }) : null;
  return (
    <>
      <PageHeader
        breadcrumb="Search"
        title={result ? `Results for “${result.query}”` : "Search"}
        description="Customers by name, email, phone or company; accounts by name or email; orders by number or email; carts by number or email; credit memos by number; subscribers by email."
      />
      <SearchResults
        query={result?.query ?? null}
        groups={result?.groups ?? []}
        notice={parsed.ok ? null : parsed.error}
        countCap={COUNT_CAP}
      />
    </>
  );
}
