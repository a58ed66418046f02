"use client";

import { ErrorNotice } from "@/components/errors/error-notice";

// A failing portal page keeps the sidebar and header (this boundary sits inside the portal layout),
// so the person can move on to another page; the layout already provides <main>.
export default function PortalError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorNotice error={error} retry={retry} fullScreen={false} />;
}
