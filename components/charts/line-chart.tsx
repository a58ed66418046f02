"use client";

import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear, scalePoint } from "@visx/scale";
import { LinePath } from "@visx/shape";
import { useId, useState } from "react";
import { formatTick, formatValue, SERIES_COLORS, type ValueFormat } from "./format";
import { ChartTable } from "./sr-table";

export type LineSeries = {
  name: string;
  /** One value per label (decimal strings; null = no value for that bucket). */
  values: (string | null)[];
  /** Drawn dashed and lighter, e.g. the previous period. */
  muted?: boolean;
};

// The drawing uses a fixed coordinate system scaled by the viewBox: it renders on the server with
// no measuring, and the same SVG fits any card width.
const WIDTH = 520;
const MARGIN = { top: 12, right: 16, bottom: 30, left: 60 };

/** A multi-series line chart over categorical x labels (day / week / month buckets). */
export function LineChart({
  title,
  labels,
  series,
  format,
  currency,
  height = 240,
  xHeader = "Period",
  axisLabels,
}: {
  title: string;
  labels: string[];
  /** Shorter labels for the x axis ("Aug 24" for "Week of Aug 24"); default: labels. */
  axisLabels?: string[];
  series: LineSeries[];
  format: ValueFormat;
  currency?: string | null;
  height?: number;
  xHeader?: string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const tooltipId = useId();
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const numbers = series.map((s) => s.values.map((v) => (v === null ? null : Number(v))));
  const all = numbers.flat().filter((n): n is number => n !== null && Number.isFinite(n));
  const max = Math.max(0, ...all);
  const min = Math.min(0, ...all);
  const x = scalePoint<number>({ domain: labels.map((_, i) => i), range: [0, innerW], padding: 0.5 });
  const y = scaleLinear<number>({ domain: [min, max === min ? min + 1 : max], range: [innerH, 0], nice: true });
  // At most ~5 x labels, evenly spaced, so dates never overlap.
  const step = Math.max(1, Math.ceil(labels.length / 5));
  const xTicks = labels.map((_, i) => i).filter((i) => i % step === 0);
  const colorOf = (i: number, muted?: boolean) => (muted ? "#94a3b8" : SERIES_COLORS[i % SERIES_COLORS.length]!);
  const colW = labels.length > 0 ? innerW / labels.length : innerW;

  return (
    <figure className="relative m-0">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="h-auto w-full" aria-hidden="true" focusable="false">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {y.ticks(5).map((t) => (
            <line key={t} x1={0} x2={innerW} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
          ))}
          <AxisLeft
            scale={y}
            numTicks={5}
            hideAxisLine
            hideTicks
            tickFormat={(v) => formatTick(Number(v), format, currency)}
            tickLabelProps={{ fill: "#475569", fontSize: 13, textAnchor: "end", dx: -4, dy: 3 }}
          />
          <AxisBottom
            top={innerH}
            scale={x}
            tickValues={xTicks}
            tickFormat={(i) => (axisLabels ?? labels)[Number(i)] ?? ""}
            stroke="#cbd5e1"
            tickStroke="#cbd5e1"
            tickLabelProps={{ fill: "#475569", fontSize: 13, textAnchor: "middle" }}
          />
          {series.map((s, si) => (
            <LinePath<number>
              key={s.name}
              data={labels.map((_, i) => i).filter((i) => numbers[si]![i] !== null)}
              x={(i) => x(i) ?? 0}
              y={(i) => y(numbers[si]![i] ?? 0)}
              stroke={colorOf(si, s.muted)}
              strokeWidth={s.muted ? 1.5 : 2}
              strokeDasharray={s.muted ? "5 4" : undefined}
              fill="none"
            />
          ))}
          {hover !== null ? (
            <g>
              <line x1={x(hover) ?? 0} x2={x(hover) ?? 0} y1={0} y2={innerH} stroke="#94a3b8" />
              {series.map((s, si) =>
                numbers[si]![hover] !== null ? (
                  <circle key={s.name} cx={x(hover) ?? 0} cy={y(numbers[si]![hover]!)} r={3.5} fill={colorOf(si, s.muted)} />
                ) : null,
              )}
            </g>
          ) : null}
          {labels.map((label, i) => (
            <rect
              key={`${label}-${i}`}
              x={(x(i) ?? 0) - colW / 2}
              y={0}
              width={colW}
              height={innerH}
              fill="transparent"
              onMouseEnter={() => setHover(i)}
              onMouseLeave={() => setHover(null)}
            />
          ))}
        </Group>
      </svg>
      {hover !== null ? (
        <div
          id={tooltipId}
          role="presentation"
          className="pointer-events-none absolute top-2 z-10 rounded-md bg-slate-900 px-3 py-2 text-xs text-white shadow-lg"
          style={{ left: `${(((x(hover) ?? 0) + MARGIN.left) / WIDTH) * 100}%`, transform: "translateX(-50%)" }}
        >
          <p className="font-medium">{labels[hover]}</p>
          {series.map((s, si) => (
            <p key={s.name} className="mt-0.5 flex items-center gap-2 tabular-nums">
              <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ background: colorOf(si, s.muted) }} />
              {s.name}: {formatValue(s.values[hover] ?? null, format, currency)}
            </p>
          ))}
        </div>
      ) : null}
      {series.length > 1 ? (
        <figcaption aria-hidden="true" className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          {series.map((s, si) => (
            <span key={s.name} className="flex items-center gap-1.5">
              <span className="inline-block h-0.5 w-4" style={{ background: colorOf(si, s.muted) }} />
              {s.name}
            </span>
          ))}
        </figcaption>
      ) : null}
      <ChartTable
        caption={title}
        rowHeader={xHeader}
        columns={series.map((s) => s.name)}
        rows={labels.map((label, i) => ({ label, cells: series.map((s) => formatValue(s.values[i] ?? null, format, currency)) }))}
      />
    </figure>
  );
}
