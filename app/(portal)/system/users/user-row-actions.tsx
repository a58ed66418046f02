"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import type { Role } from "@/lib/auth/permissions";
import { setActiveAction, setRoleAction } from "./actions";

export function UserRowActions({
  email,
  role,
  active,
  isSelf,
  roleOptions,
}: {
  email: string;
  role: Role;
  active: boolean;
  isSelf: boolean;
  roleOptions: { value: string; label: string }[];
}) {
  const [roleState, roleAction, rolePending] = useActionState<ActionResult | null, FormData>(setRoleAction, null);
  const [activeState, activeAction, activePending] = useActionState<ActionResult | null, FormData>(setActiveAction, null);
  const feedback = [roleState, activeState].find((s) => s && !s.ok) as { error: string } | undefined;
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
      <form action={activeAction}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="active" value={active ? "false" : "true"} />
        <Button type="submit" variant={active ? "danger" : "secondary"} disabled={activePending}>
          {active ? "Deactivate" : "Reactivate"}
        </Button>
      </form>
      {feedback ? (
        <p role="alert" className="w-full text-right text-xs text-red-700">
          {feedback.error}
        </p>
      ) : null}
    </div>
  );
}
