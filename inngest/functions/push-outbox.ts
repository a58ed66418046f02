import { parseEventData } from "@/inngest/event-data";
import { OUTBOX_PUSH_REQUESTED, pushEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { pushSteps, type PushStepsDeps } from "@/lib/customers/two-way/push-steps";

// Thin Inngest wrapper over lib/customers/two-way/push-steps: the event `magento/outbox.push.requested`
// ({channelId}), sent right after a portal edit (lib/customers/two-way/kick.ts), pushes that
// channel's due changes, one run per channel at a time (concurrency key). A channel with more than
// a run's worth continues in a new run. When pushes are left waiting (a retry's backoff), the run
// sleeps until the first falls due and sends the event again: work happens only when the outbox has
// due rows. A sparse cron (every 15 minutes) catches what that misses (a kick that was lost).

export const PUSHES_PER_STEP = 25;
export const STEPS_PER_RUN = 8;
/** The fallback sweep; pushes themselves are event-driven. */
export const PUSH_SWEEP_CRON = "*/15 * * * *";

export function createPushOutboxFunction(deps: PushStepsDeps = {}) {
  const pushes = pushSteps(deps);
  return inngest.createFunction(
    {
      id: "two-way-push",
      name: "Push portal edits to Magento",
      triggers: [{ event: OUTBOX_PUSH_REQUESTED }, { cron: PUSH_SWEEP_CRON }],
      // Cron runs carry no channel id: they share one key, so one sweep at a time.
      concurrency: { key: "event.data.channelId", limit: 1 },
      retries: 3,
    },
    async ({ event, step }) => {
      if (event.name !== OUTBOX_PUSH_REQUESTED) {
        const due = await step.run("find-channels-with-due-pushes", async () => pushes.channelsWithDuePushes());
        if (due.length === 0) return { sent: 0 };
        await step.sendEvent(
          "fan-out-pushes",
          due.map((channelId) => ({ name: OUTBOX_PUSH_REQUESTED, data: { channelId } })),
        );
        return { sent: due.length };
      }
      const { channelId } = parseEventData(pushEventData, event.name, event.data);
      const totals = { claimed: 0, done: 0, retrying: 0, dead: 0, failed: 0 };
      for (let i = 0; i < STEPS_PER_RUN; i++) {
        const result = await step.run(`push-${i}`, async () => pushes.pushDue(channelId, PUSHES_PER_STEP));
        for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
        if (result.claimed < PUSHES_PER_STEP) {
          const next = await step.run("next-due-push", async () => pushes.nextDueAt(channelId));
          if (next === null) return { channelId, ...totals };
          // Wake when the first waiting push falls due. The event id is per channel and due time, so
          // several runs that found the same waiting push (one per edit) wake it once between them.
          await step.sleepUntil("wait-until-due", next);
          await step.sendEvent("pushes-due", {
            id: `two-way-push-${channelId}-${Date.parse(next)}`,
            name: OUTBOX_PUSH_REQUESTED,
            data: { channelId },
          });
          return { channelId, ...totals, nextDueAt: next };
        }
      }
      await step.sendEvent("continue-pushes", { name: OUTBOX_PUSH_REQUESTED, data: { channelId } });
      return { channelId, ...totals, continued: true };
    },
  );
}

export const pushOutbox = createPushOutboxFunction();
