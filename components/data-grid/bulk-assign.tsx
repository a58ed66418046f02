"use client";

import { useActionState } from "react";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";

/** A grid's bulk "Assign to…": the selected rows' ids go to a server action with the chosen person. */
export type BulkAssign = {
  action: (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;
  /** Field name the ids are posted under (repeated). */
  field: string;
  assignees: { id: number; name: string }[];
};

export function BulkAssignForm({
  bulk,
  selectedIds,
  gridId,
  onDone,
}: {
  bulk: BulkAssign;
  selectedIds: string[];
  gridId: string;
  onDone: () => void;
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(async (previous, formData) => {
    const result = await bulk.action(previous, formData);
    if (result.ok) onDone();
    return result;
  }, null);
  // Mounted while the grid offers it, so the result stays after the selection is cleared.
  return (
    <div className="space-y-2">
      {selectedIds.length ? (
        <form action={action} aria-label="Assign selected" className="flex flex-wrap items-center gap-2 text-sm">
          {selectedIds.map((id) => (
            <input key={id} type="hidden" name={bulk.field} value={id} />
          ))}
          <label htmlFor={`${gridId}-assign-to`} className="font-medium text-slate-700">
            Assign {selectedIds.length} to
          </label>
          <select
            id={`${gridId}-assign-to`}
            name="assigneeId"
            defaultValue={bulk.assignees[0] ? String(bulk.assignees[0].id) : ""}
            className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm text-slate-800 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          >
            {bulk.assignees.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
            <option value="">Nobody (unassign)</option>
          </select>
          <button
            type="submit"
            disabled={pending}
            className="rounded-md bg-white px-3 py-1.5 font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-60"
          >
            {pending ? "Assigning…" : "Assign"}
          </button>
        </form>
      ) : null}
      <FormMessage result={state} />
    </div>
  );
}
