/** In place of a grid or charts whose read was stopped for taking too long (lib/grid/timeout.ts). */
export function QueryTimedOut({ message }: { message: string }) {
  return (
    <div
      role="alert"
      data-testid="query-timed-out"
      className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
    >
      {message}
    </div>
  );
}
