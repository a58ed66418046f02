import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, syncRuns } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { NonRetriableError } from "inngest";
import {
  createChannelSyncContinueFunction,
  createChannelSyncFunction,
  PAGES_PER_STEP,
  STEPS_PER_INVOCATION,
} from "@/inngest/functions/channel-sync";
import { createScheduleSyncsFunction } from "@/inngest/functions/schedule-syncs";
import { CHANNEL_SYNC_CONTINUE, CHANNEL_SYNC_REQUESTED } from "@/lib/jobs/events";
import { channelSyncSteps } from "@/lib/sync/job-steps";
import { getRun, listRuns } from "@/lib/sync/runs";
import { MAX_SHARES } from "@/lib/sync/shares";
import type { Connector } from "@/lib/sync/types";
import { inngestEngine } from "@/tests/helpers/inngest-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The Inngest functions through @inngest/test, against a real database and fake connectors.
// step.sendEvent is not mocked by the engine, so each test replaces it with a spy.

let testDb: TestDatabase;

/** A connector that serves `total` empty-bodied records one per page (no window), writing nothing. */
function pagedConnector(name: "stores" | "customers", total: number): Connector<{ id: number }> {
  return {
    name,
    windowed: false,
    async fetchPage(_ctx, { page }) {
      return { page, records: page <= total ? [{ id: page }] : [], invalid: [], totalCount: total, done: page >= total };
    },
    async writePage(_tx, _ctx, records) {
      return { created: records.length, updated: 0, unchanged: 0, failed: [], maxUpdatedAt: null };
    },
  };
}

async function addChannel(name: string) {
  const [row] = await testDb.db
    .insert(channels)
    .values({
      name,
      baseUrl: "http://127.0.0.1:9",
      credentialsEncrypted: sealCredentials({ type: "bearer", token: "t" }),
      entities: ["customers"],
    })
    .returning();
  return row!;
}

const engine = inngestEngine;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.drop();
});

describe("channel-sync function", () => {
  it("creates the run and writes its pages in steps until done", async () => {
    const channel = await addChannel("small");
    const fn = createChannelSyncFunction({
      db: async () => testDb.db,
      runner: { connectors: [pagedConnector("stores", 1), pagedConnector("customers", 3)] },
    });
    const { t, sendEvent } = engine(fn);
    const { result, ctx } = await t.execute({
      events: [{ name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "initial", trigger: "manual" } }],
    });
    expect(result).toMatchObject({ status: "succeeded" });
    expect(ctx.step.run).toHaveBeenCalledWith("start-run", expect.any(Function));
    expect(ctx.step.run).toHaveBeenCalledWith("sync-pages-0", expect.any(Function));
    expect(sendEvent).not.toHaveBeenCalled();
    const [run] = await listRuns(testDb.db, channel.id);
    expect(run).toMatchObject({ status: "succeeded", recordsChanged: 4 });
  });

  it("sends a continuation event for the same run when more pages remain", async () => {
    const channel = await addChannel("big");
    const pages = PAGES_PER_STEP * STEPS_PER_INVOCATION + 5;
    const fn = createChannelSyncFunction({
      db: async () => testDb.db,
      runner: { connectors: [pagedConnector("stores", 1), pagedConnector("customers", pages)] },
    });
    const { t, sendEvent } = engine(fn);
    const { result } = await t.execute({
      events: [{ name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "initial", trigger: "schedule" } }],
    });
    const [run] = await listRuns(testDb.db, channel.id);
    expect(result).toEqual({ runId: run!.id, status: "continued" });
    expect(run!.status).toBe("running");
    expect(sendEvent).toHaveBeenCalledWith("continue-sync", {
      name: CHANNEL_SYNC_CONTINUE,
      data: { channelId: channel.id, mode: "initial", trigger: "schedule", runId: run!.id },
    });

    // The continuation (channel-sync-continue, no singleton to skip it) finishes the same run.
    const next = engine(
      createChannelSyncContinueFunction({
        db: async () => testDb.db,
        runner: { connectors: [pagedConnector("stores", 1), pagedConnector("customers", pages)] },
      }),
    );
    const { result: finished, ctx } = await next.t.execute({
      events: [{ name: CHANNEL_SYNC_CONTINUE, data: { channelId: channel.id, mode: "initial", trigger: "schedule", runId: run!.id } }],
    });
    expect(finished).toEqual({ runId: run!.id, status: "succeeded" });
    expect(ctx.step.run).not.toHaveBeenCalledWith("start-run", expect.any(Function));
    expect((await getRun(testDb.db, run!.id))?.recordsChanged).toBe(pages + 1);
  }, 60_000);

  /** Calls the function's own onFailure handler as Inngest would after the last retry (@inngest/test cannot reach it). */
  async function failInngestRun(
    fn: ReturnType<typeof createChannelSyncFunction>,
    inngestRunId: string,
    event: { name: string; data: unknown },
    message: string,
  ) {
    const onFailure = (fn as unknown as { onFailureFn: (ctx: unknown) => Promise<void> }).onFailureFn;
    await onFailure({
      event: {
        name: "inngest/function.failed",
        data: { function_id: "channel-sync", run_id: inngestRunId, error: { name: "Error", message }, event },
      },
      error: new Error(message),
    });
  }

  it("onFailure marks the run its Inngest run stored, not a newer run of the same channel", async () => {
    const channel = await addChannel("failing");
    const broken: Connector<{ id: number }> = {
      ...pagedConnector("customers", 3),
      async fetchPage() {
        throw new Error("Magento answered 503");
      },
    };
    const fn = createChannelSyncFunction({ db: async () => testDb.db, runner: { connectors: [broken] } });
    const event = { name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "incremental", trigger: "schedule" } };
    const { t } = engine(fn);
    const { error } = await t.execute({ events: [event] });
    expect(error).toBeDefined();
    // start-run stored its Inngest run id (the engine re-executes with a fresh id per step, so it is read back).
    const [stored] = await listRuns(testDb.db, channel.id);
    const inngestRunId = stored!.externalRunId!;
    expect(inngestRunId).toMatch(/^[0-9A-Z]{26}$/);

    // Meanwhile a newer run of the channel was queued (e.g. the portal's "Sync now" after a reap).
    const [newer] = await testDb.db
      .insert(syncRuns)
      .values({ channelId: channel.id, mode: "incremental", trigger: "manual", status: "queued" })
      .returning();

    // An Inngest run that never stored a run (start-run failed) marks nothing: no guessing.
    await failInngestRun(fn, "01UNKNOWNRUN", event, "boom");
    expect((await getRun(testDb.db, newer!.id))!.status).toBe("queued");
    expect((await getRun(testDb.db, stored!.id))!.status).not.toBe("failed");

    await failInngestRun(fn, inngestRunId, event, "Magento answered 503");
    const failed = await getRun(testDb.db, stored!.id);
    expect(failed).toMatchObject({ status: "failed", errorMessage: "Inngest gave up: Magento answered 503" });
    expect(failed?.finishedAt).not.toBeNull();
    expect((await getRun(testDb.db, newer!.id))!.status).toBe("queued");

    // A continuation's event names its run: that one is marked, whatever the Inngest run id.
    const continueFn = createChannelSyncContinueFunction({ db: async () => testDb.db });
    await failInngestRun(
      continueFn,
      "01CONTINUATION",
      { name: CHANNEL_SYNC_CONTINUE, data: { channelId: channel.id, mode: "incremental", trigger: "manual", runId: newer!.id } },
      "step timed out",
    );
    expect(await getRun(testDb.db, newer!.id)).toMatchObject({ status: "failed", errorMessage: "Inngest gave up: step timed out" });
    await testDb.db.update(channels).set({ active: false }).where(eq(channels.id, channel.id));
  });

  it("a bad event fails at once with NonRetriableError and creates nothing", async () => {
    const channel = await addChannel("bad-event");
    for (const [fn, event] of [
      [createChannelSyncFunction({ db: async () => testDb.db }), { name: CHANNEL_SYNC_REQUESTED, data: { channelId: "seven" } }],
      [
        createChannelSyncFunction({ db: async () => testDb.db }),
        { name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "everything" } },
      ],
      // A continuation must name its run.
      [createChannelSyncContinueFunction({ db: async () => testDb.db }), { name: CHANNEL_SYNC_CONTINUE, data: { channelId: channel.id } }],
    ] as const) {
      const { t } = engine(fn);
      const { error, ctx } = await t.execute({ events: [event] });
      // The engine hands back the serialized error: its name is what Inngest reads to skip retries.
      expect((error as Error).name).toBe(new NonRetriableError("x").name);
      expect((error as Error).message).toMatch(/^Invalid magento\/channel\.sync\.(requested|continue) event \(.+\); it is not retried\.$/);
      expect(ctx.step.run).not.toHaveBeenCalled();
    }
    expect(await listRuns(testDb.db, channel.id)).toEqual([]);
  });

  it("start-run retried after its answer was lost finds the run it created: one run, not two", async () => {
    const channel = await addChannel("retried-start");
    const sync = channelSyncSteps({ db: async () => testDb.db });
    const data = { channelId: channel.id, mode: "incremental" as const, trigger: "schedule" as const };
    const first = await sync.startRun(data, "01INNGESTRUNA");
    expect(first).toEqual(expect.any(Number));
    // Inngest never got the answer and runs the step again, with the same Inngest run id.
    expect(await sync.startRun(data, "01INNGESTRUNA")).toBe(first);
    expect(await listRuns(testDb.db, channel.id)).toHaveLength(1);
    // Another Inngest run for the channel meanwhile finds the channel held.
    expect(await sync.startRun(data, "01INNGESTRUNB")).toBeNull();
    expect(await listRuns(testDb.db, channel.id)).toHaveLength(1);
    await sync.giveUp({ inngestRunId: "01INNGESTRUNA", eventData: data }, new Error("test over"));
    await testDb.db.update(channels).set({ active: false }).where(eq(channels.id, channel.id));
  });

  it("one new run per channel at a time (singleton, skip); continuations are not subject to it", async () => {
    const url = { baseUrl: new URL("http://localhost/api/inngest"), appPrefix: "magento-sales-portal" };
    const config = createChannelSyncFunction({ db: async () => testDb.db })["getConfig"](url);
    expect(config.map((c: { id: string }) => c.id)).toEqual([
      "magento-sales-portal-channel-sync",
      "magento-sales-portal-channel-sync-failure",
    ]);
    expect(config[0]).toMatchObject({
      triggers: [{ event: CHANNEL_SYNC_REQUESTED }],
      singleton: { key: "event.data.channelId", mode: "skip" },
      concurrency: { key: "event.data.channelId", limit: MAX_SHARES },
      throttle: { key: "event.data.channelId" },
    });
    const continued = createChannelSyncContinueFunction({ db: async () => testDb.db })["getConfig"](url);
    expect(continued.map((c: { id: string }) => c.id)).toEqual([
      "magento-sales-portal-channel-sync-continue",
      "magento-sales-portal-channel-sync-continue-failure",
    ]);
    expect(continued[0]).toMatchObject({
      triggers: [{ event: CHANNEL_SYNC_CONTINUE }],
      concurrency: { key: "event.data.channelId", limit: MAX_SHARES },
    });
    expect(continued[0].singleton).toBeUndefined();
  });
});

describe("schedule-channel-syncs function", () => {
  it("fires every minute, the shortest interval a channel may ask for", () => {
    const config = createScheduleSyncsFunction({ db: async () => testDb.db })["getConfig"]({
      baseUrl: new URL("http://localhost/api/inngest"),
      appPrefix: "magento-sales-portal",
    });
    expect(config[0].triggers).toEqual([{ cron: "* * * * *" }]);
    expect(config[0].singleton).toEqual({ mode: "skip" });
  });

  it("at a 1-minute interval a channel is due every minute, though its last run started a few seconds after the last tick", async () => {
    const everyMinute = await addChannel("every-minute");
    const justRan = await addChannel("just-ran");
    await testDb.db
      .update(channels)
      .set({ syncIntervalMinutes: 1 })
      .where(inArray(channels.id, [everyMinute.id, justRan.id]));
    // The previous tick's run started 2 s after it, 58 s ago; the other one 20 s ago.
    await testDb.db.insert(syncRuns).values([
      {
        channelId: everyMinute.id,
        mode: "incremental",
        trigger: "schedule",
        status: "succeeded",
        startedAt: new Date(Date.now() - 58_000),
      },
      { channelId: justRan.id, mode: "incremental", trigger: "schedule", status: "succeeded", startedAt: new Date(Date.now() - 20_000) },
    ]);
    const { t, sendEvent } = engine(createScheduleSyncsFunction({ db: async () => testDb.db }));
    const before = Math.floor(Date.now() / 60_000);
    await t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    const after = Math.floor(Date.now() / 60_000);
    const sent = (sendEvent.mock.calls[0] as unknown[] | undefined)?.[1] as { id: string; data: { channelId: number } }[];
    const mine = sent.find((e) => e.data.channelId === everyMinute.id);
    expect(mine?.id).toMatch(new RegExp(`^channel-sync-${everyMinute.id}-(${before}|${after})$`));
    expect(sent.map((e) => e.data.channelId)).not.toContain(justRan.id);
    await testDb.db
      .update(channels)
      .set({ active: false })
      .where(inArray(channels.id, [everyMinute.id, justRan.id]));
  });

  it("fans out one event per due channel", async () => {
    const channel = await addChannel("due");
    const idle = await addChannel("not-due");
    await testDb.db
      .insert(syncRuns)
      .values({ channelId: idle.id, mode: "incremental", trigger: "schedule", status: "succeeded", startedAt: new Date() });
    await testDb.db.update(channels).set({ active: false }).where(eq(channels.name, "failing"));
    const fn = createScheduleSyncsFunction({ db: async () => testDb.db });
    const { t, sendEvent } = engine(fn);
    await t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    const sent = (sendEvent.mock.calls[0] as unknown[] | undefined)?.[1] as { name: string; data: { channelId: number; mode: string } }[];
    const ids = sent.map((e) => e.data.channelId);
    expect(ids).toContain(channel.id);
    expect(ids).not.toContain(idle.id);
    expect(sent.find((e) => e.data.channelId === channel.id)).toMatchObject({
      name: CHANNEL_SYNC_REQUESTED,
      data: { mode: "initial", trigger: "schedule" },
    });
  });
});
