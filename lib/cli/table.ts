// Plain-text tables for terminal output: columns padded to the widest cell, two spaces apart.

/** Width in terminal columns, close enough for names and emails (counts code points, not UTF-16 units). */
function width(text: string): number {
  return [...text].length;
}

/** Formats rows under optional headers; trailing spaces are trimmed so output diffs cleanly. */
export function formatTable(headers: readonly string[] | null, rows: readonly (readonly string[])[]): string {
  const all = headers ? [headers, ...rows] : rows;
  const columns = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, col) => Math.max(0, ...all.map((row) => width(row[col] ?? ""))));
  return all
    .map((row) =>
      widths
        .map((w, col) => {
          const cell = row[col] ?? "";
          return cell + " ".repeat(w - width(cell));
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
