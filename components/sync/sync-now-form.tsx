"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";

type StartAction = (previous: ActionResult<{ runId: number }> | null, formData: FormData) => Promise<ActionResult<{ runId: number }>>;

/**
 * "Sync now" (incremental, or full): starts the run and refreshes the page, which then shows it.
 * `channelName` names the channel to screen readers where several forms share a page (the
 * Integrations list); `running` marks a channel whose sync is under way (the buttons say so).
 */
export function SyncNowForm({
  action,
  channelId,
  disabled,
  channelName,
  running,
  compact,
}: {
  action: StartAction;
  channelId: number;
  disabled?: boolean;
  channelName?: string;
  running?: boolean;
  compact?: boolean;
}) {
  const router = useRouter();
  const [result, formAction, pending] = useActionState(action, null);
  useEffect(() => {
    if (result?.ok) router.refresh();
  }, [result, router]);
  const of = channelName ? <span className="sr-only"> of {channelName}</span> : null;
  const size = compact ? "px-2.5 py-1 text-xs" : "";
  return (
    <form
      action={formAction}
      className={`flex flex-wrap items-center gap-2 ${compact ? "justify-end" : ""}`}
      aria-label={channelName ? `Sync ${channelName}` : "Sync now"}
    >
      <input type="hidden" name="channelId" value={channelId} />
      <Button type="submit" name="mode" value="incremental" className={size} disabled={pending || disabled || running}>
        {running ? "Syncing…" : pending ? "Starting…" : "Sync now"}
        {of}
      </Button>
      {running ? null : (
        <Button
          type="submit"
          name="mode"
          value="full"
          variant="secondary"
          className={size}
          disabled={pending || disabled}
          title="Walk everything again from the sync start date"
        >
          Full sync{of}
        </Button>
      )}
      {result ? (
        <p
          role={result.ok ? "status" : "alert"}
          className={`text-sm ${compact ? "basis-full text-right text-xs" : ""} ${result.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {result.ok ? result.message : result.error}
        </p>
      ) : null}
    </form>
  );
}
