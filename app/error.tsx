"use client";

import { ErrorNotice } from "@/components/errors/error-notice";

// Errors below the root layout (the sign-in pages, and anything the portal's own boundary does not catch).
export default function Error({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main>
      <ErrorNotice error={error} retry={retry} />
    </main>
  );
}
