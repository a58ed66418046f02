"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";

type SyncAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

/** Re-imports the record from Magento now; says what happened next to the button. */
export function SyncRecordButton({ action, connector, id }: { action: SyncAction; connector: string; id: number }) {
  const [result, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="connector" value={connector} />
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" disabled={pending} aria-describedby={result ? `sync-result-${id}` : undefined}>
        {pending ? "Syncing…" : "Sync this record"}
      </Button>
      {result ? (
        <p
          id={`sync-result-${id}`}
          role={result.ok ? "status" : "alert"}
          className={`text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {result.ok ? result.message : result.error}
        </p>
      ) : null}
    </form>
  );
}
