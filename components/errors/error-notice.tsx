"use client";

/**
 * The reference id of an error Next forwarded from the server (its `digest`), or undefined.
 * Errors thrown in the browser have none; a thrown non-Error value has nothing to read.
 */
export function referenceOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("digest" in error)) return undefined;
  const digest = (error as { digest?: unknown }).digest;
  return typeof digest === "string" && digest !== "" ? digest : undefined;
}

/**
 * What a person sees when a page fails: a calm sentence, "Try again", and the reference id that
 * the server log carries beside the error (lib/log.ts, `digest`). Never the error's message or
 * stack: in production a server error's message is only Next's placeholder, and an error thrown in
 * the browser may hold data the person should not be shown in a screenshot they send on.
 */
export function ErrorNotice({ error, retry, fullScreen = true }: { error: unknown; retry: () => void; fullScreen?: boolean }) {
  const reference = referenceOf(error);
  return (
    <div role="alert" className={fullScreen ? "flex min-h-screen items-center justify-center px-4" : "flex justify-center px-4 py-16"}>
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-600">Something went wrong</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">This page could not be shown</h1>
        <p className="mt-2 text-sm text-slate-600">
          Try again in a moment. If it keeps happening, tell your administrator{reference ? " and quote the reference below" : ""}.
        </p>
        {reference ? (
          <p className="mt-4 text-sm text-slate-600">
            Reference: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900">{reference}</code>
          </p>
        ) : null}
        <button
          type="button"
          onClick={() => retry()}
          className="mt-6 inline-flex rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          Try again
        </button>
      </div>
    </div>
  );
}
