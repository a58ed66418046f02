import { Badge } from "@/components/ui/badge";
import type { SyncRunRow } from "@/lib/sync/runs";

type SyncRunStatus = SyncRunRow["status"];

const STATUS_TONE = {
  queued: "neutral",
  running: "blue",
  succeeded: "green",
  partial: "amber",
  failed: "red",
  canceled: "neutral",
} as const;

export function RunStatusBadge({ status }: { status: SyncRunStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{status}</Badge>;
}
