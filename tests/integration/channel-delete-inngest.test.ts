import { count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, magentoCustomers, syncRuns } from "@/db/schema";
import { createChannelDeleteFunction, createResumeChannelDeletionsFunction } from "@/inngest/functions/channel-delete";
import { functions } from "@/inngest/functions";
import { startChannelDeletion } from "@/lib/channels/delete";
import { CHANNEL_DELETE_REQUESTED } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { inngestEngine } from "@/tests/helpers/inngest-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Channel deletion under Inngest through @inngest/test, against a real database: the function
// deletes in steps and resumes where a failed run stopped, the hourly sweep sends the event again
// for deletions left pending. step.sendEvent is not mocked by the engine: each test replaces it.

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.drop();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const engine = inngestEngine;

/** A channel with `customers` synced customers and one sync run, marked for deletion unless `live`. */
async function channelWithData(name: string, customers: number, live = false) {
  const [row] = await testDb.db
    .insert(channels)
    .values({ name, baseUrl: `https://${name}.example.com`, deletingAt: live ? null : new Date() })
    .returning();
  await testDb.db
    .insert(magentoCustomers)
    .values(
      Array.from(
        { length: customers },
        (_, i) => ({ channelId: row!.id, originId: i + 1, email: `${name}${i}@example.com` }) as typeof magentoCustomers.$inferInsert,
      ),
    );
  await testDb.db.insert(syncRuns).values({ channelId: row!.id, mode: "full", trigger: "manual", status: "succeeded" });
  return row!.id;
}

async function customersOf(channelId: number): Promise<number> {
  const [row] = await testDb.db.select({ n: count() }).from(magentoCustomers).where(eq(magentoCustomers.channelId, channelId));
  return row!.n;
}

async function channelExists(channelId: number): Promise<boolean> {
  return (await testDb.db.select().from(channels).where(eq(channels.id, channelId))).length > 0;
}

describe("channel-delete function", () => {
  it("is served with the others", () => {
    const ids = functions.map((f) => f.id());
    expect(ids).toEqual(
      expect.arrayContaining([expect.stringMatching(/channel-delete$/), expect.stringMatching(/resume-channel-deletions$/)]),
    );
  });

  it("deletes in steps and, after a run died midway, a new run resumes and finishes", async () => {
    const channelId = await channelWithData("interrupted", 30);
    // One row per statement: 30 customers take two steps of 20 statements.
    let calls = 0;
    const dying = async (): Promise<Db> => {
      calls++;
      if (calls === 2) throw new Error("connection terminated (the worker was redeployed)");
      return testDb.db;
    };
    const first = engine(createChannelDeleteFunction({ db: dying, batchSize: 1 }));
    const { error } = await first.t.execute({ events: [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId } }] });
    expect(error).toMatchObject({ message: expect.stringContaining("connection terminated") });
    // The first step's deletions stayed; the channel (hidden since it was marked) is still there.
    const left = await customersOf(channelId);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(30);
    expect(await channelExists(channelId)).toBe(true);

    // Inngest runs it again (a retry, or the sweep's event): it starts from what is left.
    const again = engine(createChannelDeleteFunction({ db: async () => testDb.db, batchSize: 1 }));
    const { result, ctx } = await again.t.execute({ events: [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId } }] });
    expect(result).toMatchObject({ channelId, done: true });
    expect(ctx.step.run).toHaveBeenCalledWith("delete-1", expect.any(Function));
    expect(await customersOf(channelId)).toBe(0);
    expect(await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channelId))).toEqual([]);
    expect(await channelExists(channelId)).toBe(false);
  });

  it("deletes nothing of a channel that is not marked for deletion", async () => {
    const channelId = await channelWithData("alive", 3, true);
    const { t } = engine(createChannelDeleteFunction({ db: async () => testDb.db }));
    const { result } = await t.execute({ events: [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId } }] });
    expect(result).toMatchObject({ channelId, removed: 0, done: true });
    expect(await customersOf(channelId)).toBe(3);
  });

  it("refuses a malformed event without retries", async () => {
    const { t } = engine(createChannelDeleteFunction({ db: async () => testDb.db }));
    const { error } = await t.execute({ events: [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId: "all" } }] });
    expect(error).toMatchObject({ name: "NonRetriableError" });
  });
});

describe("resume-channel-deletions (hourly)", () => {
  it("sends the event again for each deletion left pending, and nothing when none is", async () => {
    const pending = await channelWithData("left-pending", 2);
    const live = await channelWithData("kept", 2, true);
    const { t, sendEvent } = engine(createResumeChannelDeletionsFunction({ db: async () => testDb.db }));
    const { result } = await t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    expect(result).toEqual({ sent: 1 });
    expect(sendEvent).toHaveBeenCalledWith("fan-out-deletions", [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId: pending } }]);

    const finish = engine(createChannelDeleteFunction({ db: async () => testDb.db }));
    await finish.t.execute({ events: [{ name: CHANNEL_DELETE_REQUESTED, data: { channelId: pending } }] });
    const none = engine(createResumeChannelDeletionsFunction({ db: async () => testDb.db }));
    expect((await none.t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] })).result).toEqual({ sent: 0 });
    expect(await customersOf(live)).toBe(2);
  });
});

describe("starting a deletion", () => {
  it("with Inngest configured hands it to channel-delete instead of deleting here", async () => {
    const channelId = await channelWithData("handed-over", 2);
    vi.stubEnv("INNGEST_BASE_URL", "http://127.0.0.1:9");
    vi.stubEnv("INNGEST_DEV", "1");
    // The Inngest server itself is not part of this test: only what is sent to it.
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["evt"] } as never);
    expect(await startChannelDeletion(testDb.db, channelId)).toBe("inngest");
    expect(send).toHaveBeenCalledWith({ name: CHANNEL_DELETE_REQUESTED, data: { channelId } });
    expect(await customersOf(channelId)).toBe(2);
  });

  it("without Inngest deletes in this process", async () => {
    const channelId = await channelWithData("local", 2);
    for (const name of ["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "INNGEST_BASE_URL", "INNGEST_DEV"]) vi.stubEnv(name, "");
    expect(await startChannelDeletion(testDb.db, channelId)).toBe("in_process");
    expect(await channelExists(channelId)).toBe(false);
  });
});
