import { formatMoney } from "@/lib/format/money";

/** An amount (decimal string) in its currency; tabular digits so columns line up. */
export function Money({
  value,
  currency,
  className = "",
}: {
  value: string | null | undefined;
  currency: string | null | undefined;
  className?: string;
}) {
  return <span className={`tabular-nums ${className}`}>{formatMoney(value, currency)}</span>;
}
