"use server";

import { z } from "zod";
import { protectedAction } from "@/lib/auth/action";
import { GRIDS } from "@/lib/grid-registry";
import { PAGE_SIZES, type GridId } from "@/lib/grid/types";
import { saveGridPreference } from "@/lib/users/preferences";

// A user's own grid layout: visible columns in order, and page size. Only ids the grid has.
// Every grid saves through this one action (components/data-grid/grid-view.tsx), so it lives
// beside the grid views it serves (lib/browse), not under one route.

const schema = z
  .object({
    grid: z.enum(Object.keys(GRIDS) as [GridId, ...GridId[]]),
    columns: z.string().max(2_000),
    pageSize: z.coerce
      .number()
      .int()
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Not a page size"),
  })
  .transform((input, ctx) => {
    const known = new Set(GRIDS[input.grid].columns.map((c) => c.id));
    const columns = [
      ...new Set(
        input.columns
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean),
      ),
    ];
    if (columns.length === 0 || columns.some((c) => !known.has(c))) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: "Pick at least one of this list's columns." });
      return z.NEVER;
    }
    return { grid: input.grid, columns, pageSize: input.pageSize };
  });

export const saveGridLayoutAction = protectedAction("view_sales", schema, async (input, { user, db }) => {
  await saveGridPreference(db, user.id, input.grid, { columns: input.columns, pageSize: input.pageSize });
  return { ok: true, message: "Layout saved." };
});
