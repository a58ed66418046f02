// One KPI: its value, and the change against the previous period as a signed percentage with an
// arrow; "better" decides the colour (fewer abandoned carts is good news).

export function KpiTile({
  label,
  value,
  previous,
  change,
  better = "up",
}: {
  label: string;
  value: string;
  previous: string;
  change: number | null;
  better?: "up" | "down";
}) {
  const good = change === null || change === 0 ? null : change > 0 === (better === "up");
  const tone = good === null ? "text-slate-600" : good ? "text-emerald-700" : "text-red-700";
  const arrow = change === null || change === 0 ? "" : change > 0 ? "▲" : "▼";
  return (
    <div className="rounded-md border border-slate-200 px-4 py-3">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums text-slate-900">{value}</dd>
      <dd className={`mt-0.5 text-xs tabular-nums ${tone}`}>
        {change === null ? (
          <span>no earlier figure</span>
        ) : (
          <span>
            <span aria-hidden>{arrow} </span>
            {change > 0 ? "+" : ""}
            {change.toFixed(1)}% <span className="text-slate-600">vs {previous}</span>
          </span>
        )}
      </dd>
    </div>
  );
}
