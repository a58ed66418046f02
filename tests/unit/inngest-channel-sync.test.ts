import { randomBytes } from "node:crypto";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels, syncRuns } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { createChannelSyncFunction, PAGES_PER_STEP, STEPS_PER_INVOCATION } from "@/inngest/functions/channel-sync";
import { createScheduleSyncsFunction } from "@/inngest/functions/schedule-syncs";
import { CHANNEL_SYNC_REQUESTED } from "@/lib/jobs/events";
import { markChannelSyncFailed } from "@/lib/sync/job-steps";
import { getRun, listRuns } from "@/lib/sync/runs";
import { MAX_SHARES } from "@/lib/sync/shares";
import type { Connector } from "@/lib/sync/types";
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

function engine(fn: ReturnType<typeof createChannelSyncFunction> | ReturnType<typeof createScheduleSyncsFunction>) {
  const sendEvent = vi.fn(async () => ({ ids: ["evt"] }));
  const t = new InngestTestEngine({
    function: fn,
    transformCtx: (ctx) => {
      const mocked = mockCtx(ctx);
      (mocked.step as unknown as { sendEvent: typeof sendEvent }).sendEvent = sendEvent;
      return mocked;
    },
  });
  return { t, sendEvent };
}

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
      name: CHANNEL_SYNC_REQUESTED,
      data: { channelId: channel.id, mode: "initial", trigger: "schedule", runId: run!.id },
    });

    // The continuation finishes the same run.
    const next = engine(fn);
    const { result: finished, ctx } = await next.t.execute({
      events: [{ name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "initial", trigger: "schedule", runId: run!.id } }],
    });
    expect(finished).toEqual({ runId: run!.id, status: "succeeded" });
    expect(ctx.step.run).not.toHaveBeenCalledWith("start-run", expect.any(Function));
    expect((await getRun(testDb.db, run!.id))?.recordsChanged).toBe(pages + 1);
  }, 60_000);

  it("onFailure marks the run failed with the reason", async () => {
    const channel = await addChannel("failing");
    const [run] = await testDb.db
      .insert(syncRuns)
      .values({ channelId: channel.id, mode: "incremental", trigger: "schedule", status: "running" })
      .returning();
    expect(await markChannelSyncFailed(testDb.db, { channelId: channel.id, runId: run!.id }, "Magento answered 503")).toBe(run!.id);
    const failed = await getRun(testDb.db, run!.id);
    expect(failed).toMatchObject({ status: "failed", errorMessage: "Inngest gave up: Magento answered 503" });
    expect(failed?.finishedAt).not.toBeNull();

    // Without a run id in the event (the first step failed), the channel's running run is found.
    const [other] = await testDb.db
      .insert(syncRuns)
      .values({ channelId: channel.id, mode: "initial", trigger: "manual", status: "running" })
      .returning();
    expect(await markChannelSyncFailed(testDb.db, { channelId: channel.id }, "boom")).toBe(other!.id);
  });

  it("onFailure handler is wired to the function", async () => {
    const fn = createChannelSyncFunction({ db: async () => testDb.db });
    const config = fn["getConfig"]({ baseUrl: new URL("http://localhost/api/inngest"), appPrefix: "magento-sales-portal" });
    expect(config.map((c: { id: string }) => c.id)).toEqual([
      "magento-sales-portal-channel-sync",
      "magento-sales-portal-channel-sync-failure",
    ]);
    expect(config[0]).toMatchObject({
      concurrency: { key: "event.data.channelId", limit: MAX_SHARES },
      throttle: { key: "event.data.channelId" },
    });
  });
});

describe("schedule-channel-syncs function", () => {
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
