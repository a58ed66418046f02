"use client";

import { Group } from "@visx/group";
import { Pie } from "@visx/shape";
import { useState } from "react";
import { formatValue, SERIES_COLORS, type ValueFormat } from "./format";
import { ChartTable } from "./sr-table";

export type DonutSlice = { label: string; value: string };

const SIZE = 180;

/** Parts of a whole, with a legend giving each part's value and share. */
export function DonutChart({
  title,
  slices,
  format,
  currency,
  labelHeader = "Category",
  valueHeader = "Value",
}: {
  title: string;
  slices: DonutSlice[];
  format: ValueFormat;
  currency?: string | null;
  labelHeader?: string;
  valueHeader?: string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const numbers = slices.map((s) => Math.max(0, Number(s.value)));
  const sum = numbers.reduce((a, b) => a + b, 0);
  // Shares are for reading, not for money: one decimal is enough.
  const share = (i: number) => (sum > 0 ? `${((numbers[i]! / sum) * 100).toFixed(1)}%` : "0%");
  const color = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;
  const indexed = numbers.map((n, i) => ({ i, n }));
  return (
    <figure className="m-0 flex flex-wrap items-center gap-6">
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} className="h-40 w-40 shrink-0" aria-hidden="true" focusable="false">
        <Group top={SIZE / 2} left={SIZE / 2}>
          {sum > 0 ? (
            <Pie data={indexed} pieValue={(d) => d.n} outerRadius={SIZE / 2 - 4} innerRadius={SIZE / 2 - 32} padAngle={0.01} pieSort={null}>
              {(pie) =>
                pie.arcs.map((arc) => (
                  <path
                    key={arc.data.i}
                    d={pie.path(arc) ?? ""}
                    fill={color(arc.data.i)}
                    opacity={hover === null || hover === arc.data.i ? 1 : 0.45}
                    onMouseEnter={() => setHover(arc.data.i)}
                    onMouseLeave={() => setHover(null)}
                  />
                ))
              }
            </Pie>
          ) : (
            <circle r={SIZE / 2 - 18} fill="none" stroke="#e2e8f0" strokeWidth={28} />
          )}
          <text textAnchor="middle" dy="0.35em" fontSize={hover === null ? 13 : 12} fill="#0f172a">
            {hover === null ? "" : `${share(hover)}`}
          </text>
        </Group>
      </svg>
      <ul aria-hidden="true" className="min-w-0 flex-1 space-y-1 text-sm">
        {slices.map((s, i) => (
          <li
            key={`${s.label}-${i}`}
            className={`flex items-center gap-2 rounded px-1 ${hover === i ? "bg-slate-100" : ""}`}
            onMouseEnter={() => setHover(i)}
            onMouseLeave={() => setHover(null)}
          >
            <span className="inline-block h-2.5 w-2.5 shrink-0 rounded-sm" style={{ background: color(i) }} />
            <span className="truncate text-slate-700">{s.label}</span>
            <span className="ml-auto tabular-nums text-slate-900">{formatValue(s.value, format, currency)}</span>
            <span className="w-12 text-right tabular-nums text-slate-500">{share(i)}</span>
          </li>
        ))}
      </ul>
      <ChartTable
        caption={title}
        rowHeader={labelHeader}
        columns={[valueHeader, "Share"]}
        rows={slices.map((s, i) => ({ label: s.label, cells: [formatValue(s.value, format, currency), share(i)] }))}
      />
    </figure>
  );
}
