import { Card, CardHeader } from "@/components/ui/card";

/** A report's chart in a card, or its empty state when the range holds nothing. */
export function ChartCard({
  title,
  description,
  empty,
  children,
}: {
  title: string;
  description?: string;
  empty: boolean;
  children: React.ReactNode;
}) {
  return (
    <Card className="min-w-0">
      <CardHeader title={title} description={description} />
      <div className="p-4">{empty ? <p className="py-8 text-center text-sm text-slate-500">Nothing in this range.</p> : children}</div>
    </Card>
  );
}

export function ChartSkeleton() {
  return <div role="progressbar" aria-busy="true" aria-label="Loading chart" className="h-64 animate-pulse rounded-lg bg-slate-100" />;
}
