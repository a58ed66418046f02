"use client";

import { useId, useState } from "react";

/**
 * A one-time password, shown once right after it was generated. It lives only in this component's
 * props (the action's result): leaving the page loses it, and nothing stores it in clear.
 */
export function OneTimePassword({ email, password }: { email: string; password: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const inputId = useId();

  async function copy() {
    try {
      await navigator.clipboard.writeText(password);
      setCopied("yes");
    } catch {
      // Clipboard access can be refused (http, permissions); the password is still selectable.
      setCopied("failed");
    }
  }

  return (
    <div className="rounded-md bg-amber-50 p-4 ring-1 ring-inset ring-amber-200" data-testid="one-time-password">
      <label htmlFor={inputId} className="text-sm font-medium text-amber-900">
        One-time password for {email}
      </label>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <input
          id={inputId}
          readOnly
          value={password}
          onFocus={(event) => event.currentTarget.select()}
          autoComplete="off"
          spellCheck={false}
          className="w-52 rounded bg-white px-3 py-1.5 font-mono text-base tracking-wider text-slate-900 ring-1 ring-inset ring-amber-200"
        />
        <button
          type="button"
          onClick={copy}
          className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500"
        >
          Copy password
        </button>
        <span role="status" className="text-xs text-amber-900">
          {copied === "yes" ? "Copied." : copied === "failed" ? "Could not copy; select the password instead." : ""}
        </span>
      </div>
      <p className="mt-2 text-xs text-amber-900">
        Shown only now: it cannot be looked up later. They must choose their own password when they sign in with it.
      </p>
    </div>
  );
}
