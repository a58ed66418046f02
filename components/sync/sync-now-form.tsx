"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";

type StartAction = (previous: ActionResult<{ runId: number }> | null, formData: FormData) => Promise<ActionResult<{ runId: number }>>;

/** "Sync now" (incremental, or full): starts the run and refreshes the page, which then shows it live. */
export function SyncNowForm({ action, channelId, disabled }: { action: StartAction; channelId: number; disabled?: boolean }) {
  const router = useRouter();
  const [result, formAction, pending] = useActionState(action, null);
  useEffect(() => {
    if (result?.ok) router.refresh();
  }, [result, router]);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2" aria-label="Sync now">
      <input type="hidden" name="channelId" value={channelId} />
      <Button type="submit" name="mode" value="incremental" disabled={pending || disabled}>
        {pending ? "Starting…" : "Sync now"}
      </Button>
      <Button type="submit" name="mode" value="full" variant="secondary" disabled={pending || disabled} title="Walk everything again from the sync start date">
        Full sync
      </Button>
      {result ? (
        <p role={result.ok ? "status" : "alert"} className={`text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}>
          {result.ok ? result.message : result.error}
        </p>
      ) : null}
    </form>
  );
}
