import { Card } from "./card";

export type SimpleColumn = { label: string; align?: "right"; srOnly?: boolean };

/** A plain card-framed table for short system lists (the workspace grids use components/data-grid). */
export function SimpleTable({ columns, children }: { columns: SimpleColumn[]; children: React.ReactNode }) {
  return (
    <Card>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => (
              <th key={column.label} className={`px-5 py-3 font-medium ${column.align === "right" ? "text-right" : ""}`}>
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </Card>
  );
}
