import { parseEventData } from "@/inngest/event-data";
import { CHANNEL_DELETE_REQUESTED, channelDeleteEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { deleteSteps, type DeleteStepsDeps } from "@/lib/channels/delete-steps";

// Thin Inngest wrappers over lib/channels/delete-steps: a channel marked for deletion loses its rows
// in steps of a few DELETE statements (each step is retried on its own and starts from what is
// left, so a crash or a redeploy resumes the deletion), and an hourly sweep sends the event again
// for any deletion left pending (an event that was lost, a run that ran out of retries).

/** Steps per Inngest run before it continues in a new run (Inngest allows 1,000 per run). */
export const PASSES_PER_RUN = 200;

export function createChannelDeleteFunction(deps: DeleteStepsDeps = {}) {
  const steps = deleteSteps(deps);
  return inngest.createFunction(
    {
      id: "channel-delete",
      name: "Delete a channel's data",
      triggers: [{ event: CHANNEL_DELETE_REQUESTED }],
      // One run per channel at a time: the sweep's event for a channel already being deleted waits, then finds it gone.
      concurrency: { key: "event.data.channelId", limit: 1 },
      retries: 4,
    },
    async ({ event, step }) => {
      const { channelId } = parseEventData(channelDeleteEventData, event.name, event.data);
      let removed = 0;
      for (let pass = 0; pass < PASSES_PER_RUN; pass++) {
        const result = await step.run(`delete-${pass}`, async () => steps.deletePass(channelId));
        removed += result.removed;
        if (result.done) return { channelId, removed, done: true };
      }
      await step.sendEvent("continue-delete", { name: CHANNEL_DELETE_REQUESTED, data: { channelId } });
      return { channelId, removed, done: false };
    },
  );
}

export function createResumeChannelDeletionsFunction(deps: DeleteStepsDeps = {}) {
  const steps = deleteSteps(deps);
  return inngest.createFunction(
    { id: "resume-channel-deletions", name: "Resume pending channel deletions", triggers: [{ cron: "0 * * * *" }] },
    async ({ step }) => {
      const pending = await step.run("find-pending-deletions", async () => steps.pending());
      if (pending.length === 0) return { sent: 0 };
      await step.sendEvent(
        "fan-out-deletions",
        pending.map((channelId) => ({ name: CHANNEL_DELETE_REQUESTED, data: { channelId } })),
      );
      return { sent: pending.length };
    },
  );
}

export const channelDelete = createChannelDeleteFunction();
export const resumeChannelDeletions = createResumeChannelDeletionsFunction();
