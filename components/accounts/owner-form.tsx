"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";

export type OwnerAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

// The account's owner as a select and a Save button (a plain form: it works without JavaScript).
// The page shows it only to those who may manage accounts; the action checks again.

export function AccountOwnerForm({
  accountId,
  currentId,
  users,
  action,
}: {
  accountId: number;
  currentId: number | null;
  users: { id: number; name: string }[];
  action: OwnerAction;
}) {
  const [result, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  // A deactivated owner is not in the list, but is still who owns it until someone changes it.
  const current = currentId !== null && !users.some((u) => u.id === currentId) ? [{ id: currentId, name: "(inactive user)" }] : [];
  return (
    <form action={formAction} aria-label="Account owner" className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="accountId" value={accountId} />
      <label htmlFor="account-owner" className="text-sm text-slate-600">
        Owner
      </label>
      <select
        id="account-owner"
        name="ownerId"
        defaultValue={currentId === null ? "" : String(currentId)}
        className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
      >
        <option value="">Nobody</option>
        {[...current, ...users].map((u) => (
          <option key={u.id} value={String(u.id)}>
            {u.name}
          </option>
        ))}
      </select>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Save owner"}
      </Button>
      {result ? (
        <span role={result.ok ? "status" : "alert"} className={`text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}>
          {result.ok ? result.message : result.error}
        </span>
      ) : null}
    </form>
  );
}
