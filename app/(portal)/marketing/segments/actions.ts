"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "@/lib/auth/action";
import { createSegment, deleteSegment, segmentInputSchema, updateSegment } from "@/lib/segments/segments";

// Segments: view_sales to make and use them (checked by protectedAction); who may change or delete
// one (owner; managers/admins for shared ones) is checked by lib/segments on the stored row.

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const createSegmentAction = protectedAction("view_sales", segmentInputSchema, async (input, { user, db, ip }) => {
  const result = await createSegment(db, user, input, ip);
  if (result.ok) revalidatePath("/marketing/segments");
  return result;
});

export const updateSegmentAction = protectedAction(
  "view_sales",
  segmentInputSchema.extend({ id }),
  async ({ id: segmentId, ...input }, { user, db, ip }) => {
    const result = await updateSegment(db, user, segmentId, input, ip);
    if (result.ok) revalidatePath("/marketing/segments");
    return result;
  },
);

export const deleteSegmentAction = protectedAction("view_sales", z.object({ id }), async (input, { user, db, ip }) => {
  const result = await deleteSegment(db, user, input.id, ip);
  if (result.ok) revalidatePath("/marketing/segments");
  return result;
});
