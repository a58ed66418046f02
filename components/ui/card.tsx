export function Card({ children, className = "" }: { children: React.ReactNode; className?: string }) {
  return <section className={`rounded-lg bg-white shadow-sm ring-1 ring-slate-200 ${className}`}>{children}</section>;
}

export function CardHeader({ title, description }: { title: string; description?: string }) {
  return (
    <header className="border-b border-slate-200 px-5 py-4">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {description ? <p className="mt-1 text-sm text-slate-500">{description}</p> : null}
    </header>
  );
}
