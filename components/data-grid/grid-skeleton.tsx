/** Placeholder while a grid page streams in (loading.tsx of each list). */
export function GridSkeleton({ title }: { title: string }) {
  return (
    <div role="progressbar" aria-busy="true" aria-label={`Loading ${title}`} className="animate-pulse">
      <div className="mb-6 space-y-2">
        <div className="h-3 w-16 rounded bg-slate-200" />
        <div className="h-7 w-56 rounded bg-slate-200" />
      </div>
      <div className="mb-3 flex gap-2">
        <div className="h-8 w-72 rounded bg-slate-200" />
        <div className="h-8 w-24 rounded bg-slate-200" />
      </div>
      <div className="rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="my-2 h-6 rounded bg-slate-100" />
        ))}
      </div>
    </div>
  );
}
