"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { buttonClasses } from "@/components/ui/button";

type UndoAction = (
  previous: ActionResult<{ auditId: number; accountId: number }> | null,
  form: FormData,
) => Promise<ActionResult<{ auditId: number; accountId: number }>>;

/** Undo of a merge or a move, from its audit entry; the answer (or why not) shows in place. */
export function UndoChangeButton({ action, auditId, label = "Undo" }: { action: UndoAction; auditId: number; label?: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok) {
    return (
      <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
        <p>{state.message}</p>
        {state.data ? (
          <p className="mt-1">
            <Link href={`/customers/accounts/${state.data.accountId}`} className="font-medium text-brand-700 hover:underline">
              Open the account
            </Link>
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="auditId" value={auditId} />
      <button type="submit" disabled={pending} className={buttonClasses("secondary")}>
        {pending ? "Undoing…" : label}
      </button>
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
