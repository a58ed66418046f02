"use client";

import Link from "next/link";
import { useActionState } from "react";
import { buttonClasses } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";

type Action = (previous: ActionResult<{ id: number }> | null, form: FormData) => Promise<ActionResult<{ id: number }>>;

/** New or edited segment: a name, the list it selects, the list's filtered link, shared or private. */
export function SegmentForm({
  action,
  entities,
  initial,
  canShare,
  lockEntity,
}: {
  action: Action;
  entities: { value: string; label: string }[];
  initial: { id?: number; name: string; entity: string; query: string; shared: boolean };
  /** The owner decides who sees it; an editor of someone else's shared segment cannot unshare it. */
  canShare: boolean;
  lockEntity: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="max-w-2xl space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <TextField label="Name" name="name" defaultValue={initial.name} required maxLength={80} errors={errors?.name} />
      {lockEntity ? <input type="hidden" name="entity" value={initial.entity} /> : null}
      <SelectField
        label="Selects"
        name="entity"
        options={entities}
        defaultValue={initial.entity}
        disabled={lockEntity}
        errors={errors?.entity}
      />
      <TextField
        label="Filters (the filtered list's link)"
        name="query"
        defaultValue={initial.query}
        required
        errors={errors?.query}
        hint="Filter the list, then use its “Save as segment” link — or paste its address here. Search, channel and filters are kept; sort and page are not."
      />
      {canShare ? (
        <div className="flex items-center gap-2">
          <input
            id="shared"
            name="shared"
            type="checkbox"
            value="on"
            defaultChecked={initial.shared}
            className="h-4 w-4 rounded border-slate-300"
          />
          <label htmlFor="shared" className="text-sm text-slate-800">
            Share with the team (otherwise only you see it)
          </label>
        </div>
      ) : null}
      {state ? (
        <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-green-700" : "text-red-700"}`}>
          {state.ok ? state.message : state.error}
          {state.ok ? (
            <>
              {" "}
              <Link href="/marketing/segments" className="font-medium text-brand-700 hover:underline">
                Back to segments
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className={buttonClasses("primary")}>
          {pending ? "Saving…" : "Save segment"}
        </button>
        <Link href="/marketing/segments" className={buttonClasses("secondary")}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
