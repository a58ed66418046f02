"use client";

import { useActionState, useState } from "react";
import { OneTimePassword } from "@/components/users/one-time-password";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import { createUserAction, type OneTimePasswordResult } from "./actions";

export function CreateUserForm({ roleOptions }: { roleOptions: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<OneTimePasswordResult | null, FormData>(createUserAction, null);
  const [mode, setMode] = useState<"generate" | "set">("generate");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const oneTime = state?.ok ? state.data : undefined;
  return (
    <form action={action} className="space-y-4 p-5" aria-label="Add a user">
      <FormMessage result={state} />
      {oneTime?.oneTimePassword ? <OneTimePassword email={oneTime.email} password={oneTime.oneTimePassword} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" name="name" autoComplete="off" required errors={errors?.name} />
        <TextField label="Email" name="email" type="email" autoComplete="off" required errors={errors?.email} />
        <SelectField label="Role" name="role" defaultValue="agent" errors={errors?.role} options={roleOptions} />
        <fieldset>
          <legend className="block text-sm font-medium text-slate-800">Password</legend>
          <div className="mt-2 space-y-1.5 text-sm text-slate-800">
            <label className="flex items-center gap-2">
              <input type="radio" name="passwordMode" value="generate" checked={mode === "generate"} onChange={() => setMode("generate")} />
              Generate a one-time password (they choose their own at first sign-in)
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="passwordMode" value="set" checked={mode === "set"} onChange={() => setMode("set")} />
              Set a password
            </label>
          </div>
        </fieldset>
        {mode === "set" ? (
          <TextField
            label="New user's password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            errors={errors?.password}
          />
        ) : null}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add user"}
      </Button>
    </form>
  );
}
