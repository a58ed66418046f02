import { Badge } from "@/components/ui/badge";

type Tone = "neutral" | "green" | "amber" | "red" | "blue";

const TONES: Record<string, Tone> = {
  open: "blue",
  contacted: "amber",
  purchased: "green",
  converted: "green",
  expired: "neutral",
  lost: "red",
  abandoned: "amber",
  complete: "green",
  closed: "neutral",
  canceled: "red",
  processing: "blue",
  pending: "amber",
  pending_payment: "amber",
  holded: "amber",
  payment_review: "amber",
  new: "amber",
  refunded: "neutral",
  subscribed: "green",
  unsubscribed: "neutral",
  not_active: "amber",
  unconfirmed: "amber",
};

/** A status or state as a coloured badge ("pending_payment" → "Pending payment"). */
export function StatusBadge({ value, prefix }: { value: string | null | undefined; prefix?: string }) {
  if (!value) return null;
  const label = value.replaceAll("_", " ");
  return (
    <Badge tone={TONES[value] ?? "neutral"}>
      {prefix ? `${prefix}: ` : ""}
      {label.charAt(0).toUpperCase() + label.slice(1)}
    </Badge>
  );
}
