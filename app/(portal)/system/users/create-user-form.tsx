"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import { createUserAction } from "./actions";

export function CreateUserForm({ roleOptions }: { roleOptions: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<ActionResult<{ password?: string }> | null, FormData>(createUserAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4 p-5" aria-label="Add a user">
      <FormMessage result={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" name="name" autoComplete="off" required errors={errors?.name} />
        <TextField label="Email" name="email" type="email" autoComplete="off" required errors={errors?.email} />
        <SelectField
          label="Role"
          name="role"
          defaultValue="agent"
          errors={errors?.role}
          options={roleOptions}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="Leave empty to generate one, shown once after saving."
          errors={errors?.password}
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add user"}
      </Button>
    </form>
  );
}
