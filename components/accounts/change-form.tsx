"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { buttonClasses } from "@/components/ui/button";

type ChangeAction = (
  previous: ActionResult<{ auditId: number; accountId: number }> | null,
  form: FormData,
) => Promise<ActionResult<{ auditId: number; accountId: number }>>;

/**
 * The confirm button of a merge or a move: posts the fixed fields; on success the action opens the
 * change's page, on refusal the reason shows here.
 */
export function ConfirmChangeForm({
  action,
  fields,
  label,
  pendingLabel,
}: {
  action: ChangeAction;
  fields: Record<string, string>;
  label: string;
  pendingLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-3">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {state && !state.ok ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className={buttonClasses("primary")}>
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}
