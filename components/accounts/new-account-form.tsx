"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { buttonClasses } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";

type ChangeAction = (
  previous: ActionResult<{ auditId: number; accountId: number }> | null,
  form: FormData,
) => Promise<ActionResult<{ auditId: number; accountId: number }>>;

/** "Move to a new account named …": the name and the type staff choose. */
export function NewAccountForm({ action, customerId, suggestedName }: { action: ChangeAction; customerId: number; suggestedName: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="grid max-w-xl gap-4 sm:grid-cols-[1fr_10rem]">
      <input type="hidden" name="customerId" value={customerId} />
      <TextField label="New account's name" name="newName" defaultValue={suggestedName} required maxLength={200} errors={errors?.newName} />
      <SelectField
        label="Type"
        name="newType"
        defaultValue="person"
        errors={errors?.newType}
        options={[
          { value: "person", label: "Person" },
          { value: "company", label: "Company" },
        ]}
      />
      {state && !state.ok && !errors?.newName && !errors?.newType ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2">
          {state.error}
        </p>
      ) : null}
      <div className="sm:col-span-2">
        <button type="submit" disabled={pending} className={buttonClasses("primary")}>
          {pending ? "Moving…" : "Move to the new account"}
        </button>
      </div>
    </form>
  );
}
