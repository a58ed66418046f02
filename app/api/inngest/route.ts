import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs/inngest-client";
import { inngestConfigured } from "@/lib/jobs/settings";
import { functions } from "@/inngest/functions";

// The Inngest endpoint (Inngest Cloud or a self-hosted server calls it; signed with
// INNGEST_SIGNING_KEY, or unsigned from a dev server with INNGEST_DEV=1).
export const dynamic = "force-dynamic";

const handler = serve({ client: inngest, functions });

type Handler = typeof handler.GET;

/**
 * Without Inngest (background jobs run in this process) the SDK's handler is never reached: in its
 * default cloud mode it would answer 500 and log "In cloud mode but no signing key found" for
 * every request, although nothing is wrong.
 */
function onlyWithInngest(method: Handler): Handler {
  return (async (...args: Parameters<Handler>) => {
    if (!inngestConfigured()) {
      return Response.json({ error: "Inngest is not configured: background jobs run in the portal's own process." }, { status: 404 });
    }
    return method(...args);
  }) as Handler;
}

export const GET = onlyWithInngest(handler.GET);
export const POST = onlyWithInngest(handler.POST);
export const PUT = onlyWithInngest(handler.PUT);
