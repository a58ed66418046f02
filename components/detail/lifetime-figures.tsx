import type { ReactNode } from "react";
import { DateTime } from "@/components/detail/date-time";
import { Figure } from "@/components/detail/figure";
import { Money } from "@/components/detail/money";
import type { LifetimeFigures } from "@/lib/customers/lifetime-figures";
import { countOf } from "@/lib/format/count";

/**
 * The lifetime figures of a customer or an account (lib/customers/lifetime-figures.ts) as a figures
 * list; `children` adds figures of the page's own after them (the account's RFM segment).
 */
export function LifetimeFiguresList({ figures, timeZone, children }: { figures: LifetimeFigures; timeZone: string; children?: ReactNode }) {
  // Amounts in different global currencies are never added up into one.
  const amount = (value: string | null, empty: ReactNode = "—") =>
    figures.mixedCurrencies ? <MixedCurrencies /> : value === null ? empty : <Money value={value} currency={figures.currency} />;
  return (
    <dl className="grid grid-cols-2 gap-4 text-sm">
      <Figure label="Lifetime value">
        {amount(figures.value)}
        {figures.unconvertedOrders > 0 ? (
          <span className="block text-xs font-normal text-amber-700">
            Incomplete until the next sync: {countOf(figures.unconvertedOrders, "order")} not converted yet
          </span>
        ) : null}
      </Figure>
      <Figure label="Orders">{figures.orderCount.toLocaleString("en-US")}</Figure>
      <Figure label="Average order">{amount(figures.averageOrderValue)}</Figure>
      <Figure label="Refunds">
        {amount(figures.refundsValue)}
        <span className="block text-xs font-normal text-slate-500">{countOf(figures.refundsCount, "credit memo")}</span>
      </Figure>
      <Figure label="First order">
        <DateTime value={figures.firstOrderAt} timeZone={timeZone} />
      </Figure>
      <Figure label="Last order">
        <DateTime value={figures.lastOrderAt} timeZone={timeZone} />
      </Figure>
      {children}
    </dl>
  );
}

function MixedCurrencies() {
  return <span className="text-slate-500">Mixed currencies</span>;
}
