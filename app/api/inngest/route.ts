import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs/inngest-client";
import { functions } from "@/inngest/functions";

// The Inngest endpoint (Inngest Cloud or a self-hosted server calls it; signed with INNGEST_SIGNING_KEY).
export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
