"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { DisplayCell } from "@/lib/grid/display";

// One cell of the grid, on the table and on the phone's cards: a status badge, a date (its exact
// time as the title), or text; linked to its own target or the row's record.

/** Names, emails and other free text: cut with "…" past this width, the whole text in the title. */
const LONG_TEXT = "block max-w-72 truncate";

export function CellView({ cell, primaryHref, truncate = false }: { cell: DisplayCell; primaryHref: string | null; truncate?: boolean }) {
  const content = cell.tone ? (
    <Badge tone={cell.tone}>{cell.text}</Badge>
  ) : cell.title ? (
    <time title={cell.title}>{cell.text}</time>
  ) : truncate ? (
    <span className={LONG_TEXT} title={cell.text}>
      {cell.text}
    </span>
  ) : (
    cell.text
  );
  const href = cell.href ?? primaryHref;
  if (href && cell.text !== "—") {
    return (
      <Link href={href} className="font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500">
        {content}
      </Link>
    );
  }
  return <>{content}</>;
}
