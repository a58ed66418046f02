"use client";

import { useId, useState } from "react";
import { DATE_PRESETS, DATE_RANGE_LABELS, type DateRangeChoice } from "@/lib/date-presets";
import type { ClientColumn } from "@/lib/grid/display";
import type { FilterValue, TextOperator } from "@/lib/grid/types";

// The editor of one column's filter. It only builds a FilterValue; the grid turns it into a URL.

const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;
const CONTROL =
  "rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";

export function FilterEditor({
  column,
  current,
  onApply,
  onCancel,
}: {
  column: ClientColumn;
  current: FilterValue | undefined;
  onApply: (filter: FilterValue | null) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [op, setOp] = useState<TextOperator>(current?.kind === "text" ? current.op : "contains");
  const [text, setText] = useState(current?.kind === "text" ? current.value : "");
  const [values, setValues] = useState<string[]>(current?.kind === "choice" ? current.values : []);
  const [min, setMin] = useState(current?.kind === "number" ? (current.min ?? "") : "");
  const [max, setMax] = useState(current?.kind === "number" ? (current.max ?? "") : "");
  const [preset, setPreset] = useState<DateRangeChoice>(
    current?.kind === "date" && current.preset ? current.preset : current?.kind === "date" ? "custom" : "last_7_days",
  );
  const [from, setFrom] = useState(current?.kind === "date" ? (current.from ?? "") : "");
  const [to, setTo] = useState(current?.kind === "date" ? (current.to ?? "") : "");
  const [yes, setYes] = useState<"yes" | "no">(current?.kind === "boolean" && !current.value ? "no" : "yes");

  function build(): FilterValue | null | string {
    switch (column.filter) {
      case "text":
        return text.trim() ? { kind: "text", op, value: text.trim() } : null;
      case "choice":
        return values.length ? { kind: "choice", values } : null;
      case "number": {
        const lo = min.trim();
        const hi = max.trim();
        if ((lo && !DECIMAL.test(lo)) || (hi && !DECIMAL.test(hi))) return "Enter numbers like 10 or 249.99.";
        return lo || hi ? { kind: "number", min: lo || null, max: hi || null } : null;
      }
      case "date":
        if (preset !== "custom") return { kind: "date", preset, from: null, to: null };
        if (from && to && from > to) return "The end date is before the start date.";
        return from || to ? { kind: "date", preset: null, from: from || null, to: to || null } : null;
      case "boolean":
        return { kind: "boolean", value: yes === "yes" };
      default:
        return null;
    }
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const built = build();
    if (typeof built === "string") setError(built);
    else onApply(built);
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label={`Filter by ${column.label}`}>
      {column.filter === "text" ? (
        <div className="flex flex-wrap gap-2">
          <label className="sr-only" htmlFor={`${id}-op`}>
            How {column.label} matches
          </label>
          <select id={`${id}-op`} className={CONTROL} value={op} onChange={(e) => setOp(e.target.value as TextOperator)}>
            <option value="contains">contains</option>
            <option value="starts">starts with</option>
            <option value="equals">is exactly</option>
          </select>
          <label className="sr-only" htmlFor={`${id}-text`}>
            {column.label}
          </label>
          <input
            id={`${id}-text`}
            className={`${CONTROL} min-w-0 flex-1`}
            value={text}
            maxLength={100}
            onChange={(e) => setText(e.target.value)}
            autoFocus
          />
        </div>
      ) : null}
      {column.filter === "choice" ? (
        <fieldset>
          <legend className="sr-only">{column.label} values</legend>
          {column.options && column.options.length ? (
            <div className="max-h-56 space-y-1 overflow-y-auto">
              {column.options.map((option) => (
                <label key={option.value} className="flex items-center gap-2 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    className="h-4 w-4 rounded border-slate-300"
                    checked={values.includes(option.value)}
                    onChange={(e) => setValues(e.target.checked ? [...values, option.value] : values.filter((v) => v !== option.value))}
                  />
                  {option.label}
                </label>
              ))}
            </div>
          ) : (
            <p className="text-sm text-slate-500">No values to choose from yet.</p>
          )}
        </fieldset>
      ) : null}
      {column.filter === "number" ? (
        <div className="flex items-center gap-2">
          <label className="text-sm text-slate-700" htmlFor={`${id}-min`}>
            From
          </label>
          <input
            id={`${id}-min`}
            className={`${CONTROL} w-28`}
            inputMode="decimal"
            value={min}
            onChange={(e) => setMin(e.target.value)}
            autoFocus
          />
          <label className="text-sm text-slate-700" htmlFor={`${id}-max`}>
            to
          </label>
          <input id={`${id}-max`} className={`${CONTROL} w-28`} inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} />
        </div>
      ) : null}
      {column.filter === "date" ? (
        <div className="space-y-2">
          <label className="sr-only" htmlFor={`${id}-preset`}>
            {column.label} period
          </label>
          <select id={`${id}-preset`} className={CONTROL} value={preset} onChange={(e) => setPreset(e.target.value as DateRangeChoice)}>
            {DATE_PRESETS.map((p) => (
              <option key={p} value={p}>
                {DATE_RANGE_LABELS[p]}
              </option>
            ))}
            <option value="custom">Custom range…</option>
          </select>
          {preset === "custom" ? (
            <div className="flex flex-wrap items-center gap-2">
              <label className="text-sm text-slate-700" htmlFor={`${id}-from`}>
                From
              </label>
              <input id={`${id}-from`} type="date" className={CONTROL} value={from} onChange={(e) => setFrom(e.target.value)} />
              <label className="text-sm text-slate-700" htmlFor={`${id}-to`}>
                to
              </label>
              <input id={`${id}-to`} type="date" className={CONTROL} value={to} onChange={(e) => setTo(e.target.value)} />
            </div>
          ) : null}
        </div>
      ) : null}
      {column.filter === "boolean" ? (
        <fieldset className="flex gap-4">
          <legend className="sr-only">{column.label}</legend>
          {(["yes", "no"] as const).map((v) => (
            <label key={v} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="radio" name={`${id}-bool`} checked={yes === v} onChange={() => setYes(v)} />
              {v === "yes" ? "Yes" : "No"}
            </label>
          ))}
        </fieldset>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
          Apply
        </button>
        {current ? (
          <button
            type="button"
            onClick={() => onApply(null)}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Remove
          </button>
        ) : null}
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
          Cancel
        </button>
      </div>
    </form>
  );
}
