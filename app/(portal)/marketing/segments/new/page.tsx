import type { Metadata } from "next";
import { SegmentForm } from "@/components/segments/segment-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import type { SearchParams } from "@/lib/grid/params";
import { SEGMENT_ENTITY_LABELS } from "@/lib/segments/segments";
import { createSegmentAction } from "../actions";

export const metadata: Metadata = { title: "New segment" };

const ENTITIES = Object.entries(SEGMENT_ENTITY_LABELS).map(([value, label]) => ({ value, label }));

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePagePermission("view_sales");
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const entity = ENTITIES.some((e) => e.value === one(params.entity)) ? one(params.entity) : "customers";
  return (
    <>
      <PageHeader
        breadcrumb="Marketing › Segments"
        title="New segment"
        description="A named, saved filter you can open as a list, count and export."
      />
      <SegmentForm
        action={createSegmentAction}
        entities={ENTITIES}
        canShare
        lockEntity={false}
        initial={{ name: "", entity, query: one(params.query).slice(0, 4000), shared: false }}
      />
    </>
  );
}
