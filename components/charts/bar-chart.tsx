"use client";

import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useState } from "react";
import { formatValue, SERIES_COLORS, type ValueFormat } from "./format";
import { ChartTable } from "./sr-table";

export type BarItem = { label: string; value: string; /** e.g. revenue beside an order count */ detail?: string };

const WIDTH = 640;
const LABEL_W = 180;
const VALUE_W = 90;
const ROW_H = 28;

/** Horizontal bars: category labels stay readable however long they are (statuses, methods). */
export function BarChart({
  title,
  items,
  format,
  currency,
  labelHeader = "Category",
  valueHeader = "Value",
  detailHeader,
}: {
  title: string;
  items: BarItem[];
  format: ValueFormat;
  currency?: string | null;
  labelHeader?: string;
  valueHeader?: string;
  detailHeader?: string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const height = Math.max(ROW_H, items.length * ROW_H);
  const innerW = WIDTH - LABEL_W - VALUE_W;
  const values = items.map((i) => Math.max(0, Number(i.value)));
  const x = scaleLinear<number>({ domain: [0, Math.max(1, ...values)], range: [0, innerW] });
  const y = scaleBand<number>({ domain: items.map((_, i) => i), range: [0, height], padding: 0.25 });
  const short = (s: string) => (s.length > 26 ? `${s.slice(0, 25)}…` : s);
  return (
    <figure className="relative m-0">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="h-auto w-full" aria-hidden="true" focusable="false">
        {items.map((item, i) => {
          const top = y(i) ?? 0;
          const w = x(values[i]!);
          return (
            <Group key={`${item.label}-${i}`} top={top} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)}>
              <rect x={0} y={-4} width={WIDTH} height={y.bandwidth() + 8} fill={hover === i ? "#f1f5f9" : "transparent"} />
              <text x={LABEL_W - 8} y={y.bandwidth() / 2} dy="0.35em" textAnchor="end" fontSize={12} fill="#334155">
                {short(item.label)}
              </text>
              <Bar x={LABEL_W} y={0} width={Math.max(w, 1)} height={y.bandwidth()} rx={3} fill={SERIES_COLORS[0]} />
              <text x={LABEL_W + w + 6} y={y.bandwidth() / 2} dy="0.35em" fontSize={12} fill="#0f172a">
                {formatValue(item.value, format, currency)}
              </text>
            </Group>
          );
        })}
      </svg>
      {hover !== null && items[hover]?.detail ? (
        <div
          role="presentation"
          className="pointer-events-none absolute right-2 z-10 rounded-md bg-slate-900 px-3 py-2 text-xs text-white shadow-lg"
          style={{ top: `${(((y(hover) ?? 0) + y.bandwidth()) / height) * 100}%` }}
        >
          <p className="font-medium">{items[hover]!.label}</p>
          <p className="tabular-nums">
            {formatValue(items[hover]!.value, format, currency)} · {items[hover]!.detail}
          </p>
        </div>
      ) : null}
      <ChartTable
        caption={title}
        rowHeader={labelHeader}
        columns={detailHeader ? [valueHeader, detailHeader] : [valueHeader]}
        rows={items.map((i) => ({
          label: i.label,
          cells: detailHeader ? [formatValue(i.value, format, currency), i.detail ?? "—"] : [formatValue(i.value, format, currency)],
        }))}
      />
    </figure>
  );
}
