import type { JobEvent } from "./events";
import { inngest } from "./inngest-client";

// Handing work to Inngest. Callers first ask inngestConfigured() (settings.ts), the one place that
// decides "Inngest or in-process"; when it says Inngest they send the job's event here, otherwise
// they run the work in this process themselves (lib/sync/launch.ts, lib/customers/two-way/kick.ts, the CLI).

/** Sends a job's event to the configured Inngest server. Throws when Inngest refuses or cannot be reached. */
export async function sendJobEvent(event: JobEvent): Promise<void> {
  await inngest.send(event);
}
