import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { SegmentForm } from "@/components/segments/segment-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { findVisibleSegment } from "@/lib/segments/apply";
import { canEditSegment, SEGMENT_ENTITY_LABELS, segmentQuery } from "@/lib/segments/segments";
import { updateSegmentAction } from "../../actions";

export const metadata: Metadata = { title: "Edit segment" };

const ENTITIES = Object.entries(SEGMENT_ENTITY_LABELS).map(([value, label]) => ({ value, label }));

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission("view_sales");
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const segment = await findVisibleSegment(await getDb(), user, Number(id));
  if (!segment) notFound();
  if (!canEditSegment(user, segment)) forbidden();
  return (
    <>
      <PageHeader breadcrumb="Marketing › Segments" title={`Edit “${segment.name}”`} />
      <SegmentForm
        action={updateSegmentAction}
        entities={ENTITIES}
        canShare={segment.ownerUserId === user.id}
        lockEntity
        initial={{ id: segment.id, name: segment.name, entity: segment.entity, query: `?${segmentQuery(segment)}`, shared: segment.shared }}
      />
    </>
  );
}
