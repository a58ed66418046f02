"use client";

import { useActionState, useState } from "react";
import { OneTimePassword } from "@/components/users/one-time-password";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import type { Role } from "@/lib/auth/permissions";
import { resetPasswordAction, setActiveAction, setRoleAction, unlockUserAction, type OneTimePasswordResult } from "./actions";

export function UserRowActions({
  email,
  role,
  active,
  locked,
  isSelf,
  roleOptions,
}: {
  email: string;
  role: Role;
  active: boolean;
  /** Failed sign-ins have locked the account for now. */
  locked: boolean;
  isSelf: boolean;
  roleOptions: { value: string; label: string }[];
}) {
  const [roleState, roleAction, rolePending] = useActionState<ActionResult | null, FormData>(setRoleAction, null);
  const [activeState, activeAction, activePending] = useActionState<ActionResult | null, FormData>(setActiveAction, null);
  const [resetState, resetAction, resetPending] = useActionState<OneTimePasswordResult | null, FormData>(resetPasswordAction, null);
  const [unlockState, unlockAction, unlockPending] = useActionState<ActionResult | null, FormData>(unlockUserAction, null);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const feedback = [roleState, activeState, resetState, unlockState].find((s) => s && !s.ok) as { error: string } | undefined;
  const reset = resetState?.ok ? resetState.data : undefined;
  if (isSelf) return <span className="text-xs text-slate-500">This is you</span>;
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <form action={roleAction} className="flex items-center gap-2">
        <input type="hidden" name="email" value={email} />
        <label className="sr-only" htmlFor={`role-${email}`}>
          Role for {email}
        </label>
        <select
          id={`role-${email}`}
          name="role"
          defaultValue={role}
          className="rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300"
        >
          {roleOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" disabled={rolePending}>
          Change role
        </Button>
      </form>
      {locked ? (
        <form action={unlockAction}>
          <input type="hidden" name="email" value={email} />
          <Button type="submit" variant="secondary" disabled={unlockPending}>
            Unlock
          </Button>
        </form>
      ) : null}
      <form action={activeAction}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="active" value={active ? "false" : "true"} />
        <Button type="submit" variant={active ? "danger" : "secondary"} disabled={activePending}>
          {active ? "Deactivate" : "Reactivate"}
        </Button>
      </form>
      {confirmingReset ? (
        <form action={resetAction} onSubmit={() => setConfirmingReset(false)} className="flex items-center gap-2">
          <input type="hidden" name="email" value={email} />
          <span className="text-xs text-slate-700">Sign {email} out and give them a one-time password?</span>
          <Button type="submit" variant="danger" disabled={resetPending}>
            Reset password
          </Button>
          <Button variant="ghost" onClick={() => setConfirmingReset(false)}>
            Cancel
          </Button>
        </form>
      ) : (
        <Button variant="secondary" onClick={() => setConfirmingReset(true)} disabled={resetPending}>
          Reset password…
        </Button>
      )}
      {reset?.oneTimePassword ? (
        <div className="w-full text-left">
          <OneTimePassword email={reset.email} password={reset.oneTimePassword} />
        </div>
      ) : null}
      {feedback ? (
        <p role="alert" className="w-full text-right text-xs text-red-700">
          {feedback.error}
        </p>
      ) : null}
    </div>
  );
}
