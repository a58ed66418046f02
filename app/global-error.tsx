"use client";

import { ErrorNotice } from "@/components/errors/error-notice";
import "./globals.css";

// Replaces the root layout when the layout itself fails, so it brings its own document and styles.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <title>Something went wrong · Sales Portal</title>
        <main>
          <ErrorNotice error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
