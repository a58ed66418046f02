"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/auth/action";

type Action = (previous: ActionResult<{ id: number }> | null, form: FormData) => Promise<ActionResult<{ id: number }>>;

export function DeleteSegmentButton({ action, id, name }: { action: Action; id: number; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!confirm(`Delete the segment "${name}"?`)) e.preventDefault();
      }}
      className="inline"
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className="font-medium text-red-700 hover:underline" aria-label={`Delete segment ${name}`}>
        {pending ? "Deleting…" : "Delete"}
      </button>
      {state && !state.ok ? (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
