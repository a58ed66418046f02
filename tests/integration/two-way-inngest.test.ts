import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels, magentoCustomers, outbox, users } from "@/db/schema";
import { createPushOutboxFunction } from "@/inngest/functions/push-outbox";
import { functions } from "@/inngest/functions";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { OUTBOX_PUSH_REQUESTED } from "@/lib/jobs/events";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { loadCustomerEdit, requestCustomerEdit } from "@/lib/customers/two-way/service";
import { inngestEngine } from "@/tests/helpers/inngest-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// Loaders import lib/auth/session.ts; next-auth (lib/auth/auth.ts) cannot load outside Next.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// The two-way push function through @inngest/test against a real database and the simulator:
// the event pushes that channel's due changes; the minute cron fans out one event per channel
// with due pushes. step.sendEvent is not mocked by the engine, so each test replaces it with a spy.

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
let userId: number;
const savedKick = process.env.TWO_WAY_PUSH_KICK;

const engine = () => inngestEngine(createPushOutboxFunction({ db: async () => testDb.db }));

async function queueEdit(firstname: string): Promise<{ pushId: number; originId: number }> {
  const [row] = await testDb.db
    .select()
    .from(magentoCustomers)
    .where(eq(magentoCustomers.isGuest, false))
    .orderBy(magentoCustomers.id)
    .limit(1);
  const form = (await loadCustomerEdit(testDb.db, sessionUserOf("manager"), row!.id))!;
  const result = await requestCustomerEdit(
    testDb.db,
    { userId, actor: "m@inngest.test" },
    { customerId: row!.id, baseToken: form.baseToken, values: { ...form.values, firstname } },
  );
  if (!result.ok) throw new Error(result.error);
  return { pushId: result.pushId, originId: row!.originId! };
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
  process.env.TWO_WAY_PUSH_KICK = "off";
  sim = await startMagentoSimulator({ port: 0, seed: 909, customers: 20, orders: 5 });
  testDb = await createTestDatabase();
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "inngest-two-way",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
      twoWaySync: true,
      entities: ["customers"],
    })
    .returning()) as [ChannelRow];
  expect((await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", pageSize: 100 })).status).toBe(
    "succeeded",
  );
  const [user] = await testDb.db
    .insert(users)
    .values({ email: "m@inngest.test", name: "M", role: "manager", passwordHash: "x" })
    .returning();
  userId = user!.id;
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
  if (savedKick === undefined) delete process.env.TWO_WAY_PUSH_KICK;
  else process.env.TWO_WAY_PUSH_KICK = savedKick;
});

describe("two-way-push function", () => {
  it("is served with the others", () => {
    expect(functions.some((f) => f.id() === "magento-sales-portal-two-way-push" || f.id() === "two-way-push")).toBe(true);
  });

  it("the cron sends one event per channel with due pushes", async () => {
    const { pushId } = await queueEdit("Cronned");
    const { t, sendEvent } = engine();
    const { result } = await t.execute({ events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }] });
    expect(result).toEqual({ sent: 1 });
    expect(sendEvent).toHaveBeenCalledWith("fan-out-pushes", [{ name: OUTBOX_PUSH_REQUESTED, data: { channelId: channel.id } }]);
    // The cron itself pushes nothing.
    expect((await testDb.db.select().from(outbox).where(eq(outbox.id, pushId)))[0]!.status).toBe("pending");
  });

  it("the event pushes the channel's due changes and confirms them", async () => {
    const { pushId, originId } = await queueEdit("Evented");
    const { t, sendEvent } = engine();
    const { result } = await t.execute({ events: [{ name: OUTBOX_PUSH_REQUESTED, data: { channelId: channel.id } }] });
    expect(result).toMatchObject({ channelId: channel.id, claimed: 1, done: 1 });
    expect(sendEvent).not.toHaveBeenCalled();
    expect((await testDb.db.select().from(outbox).where(eq(outbox.id, pushId)))[0]!.status).toBe("done");
    expect(sim.store.getCustomer(originId).firstname).toBe("Evented");
    // Nothing due any more: the cron sends nothing.
    const again = engine();
    expect((await again.t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] })).result).toEqual({ sent: 0 });
  });

  it("sweeps only as a sparse fallback: every 15 minutes, not every minute", () => {
    const config = createPushOutboxFunction({ db: async () => testDb.db })["getConfig"]({
      baseUrl: new URL("http://localhost/api/inngest"),
      appPrefix: "magento-sales-portal",
    });
    expect(config[0].triggers).toEqual([{ event: OUTBOX_PUSH_REQUESTED }, { cron: "*/15 * * * *" }]);
  });

  it("a push waiting for its backoff wakes the channel when it falls due, once, and not before", async () => {
    const { pushId } = await queueEdit("Backed off");
    // As after a failed attempt: the retry is due in 5 minutes.
    const dueAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5 * 60_000);
    await testDb.db.update(outbox).set({ nextAttemptAt: dueAt }).where(eq(outbox.id, pushId));
    const { t, sendEvent } = engine();
    // The engine cannot sleep: the sleep step is answered at once, as Inngest does when the time comes.
    const { result, ctx } = await t.execute({
      events: [{ name: OUTBOX_PUSH_REQUESTED, data: { channelId: channel.id } }],
      steps: [{ id: "wait-until-due", handler: () => undefined }],
    });
    expect(result).toMatchObject({ channelId: channel.id, claimed: 0, nextDueAt: dueAt.toISOString() });
    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("wait-until-due", dueAt.toISOString());
    expect(sendEvent).toHaveBeenCalledWith("pushes-due", {
      id: `two-way-push-${channel.id}-${dueAt.getTime()}`,
      name: OUTBOX_PUSH_REQUESTED,
      data: { channelId: channel.id },
    });
    // The sweep does not see it either until then.
    expect((await engine().t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] })).result).toEqual({ sent: 0 });
    expect((await testDb.db.select().from(outbox).where(eq(outbox.id, pushId)))[0]!.status).toBe("pending");

    // Due now: the woken run pushes it, and nothing is left waiting.
    await testDb.db.update(outbox).set({ nextAttemptAt: new Date() }).where(eq(outbox.id, pushId));
    const woken = engine();
    const done = await woken.t.execute({ events: [{ name: OUTBOX_PUSH_REQUESTED, data: { channelId: channel.id } }] });
    expect(done.result).toMatchObject({ channelId: channel.id, claimed: 1, done: 1 });
    expect(woken.sendEvent).not.toHaveBeenCalled();
  });

  it("refuses an event without a channel id at once, without retries", async () => {
    const { t } = engine();
    const { error } = await t.execute({ events: [{ name: OUTBOX_PUSH_REQUESTED, data: {} }] });
    // The serialized error's name is what Inngest reads to skip the retries.
    expect(error).toMatchObject({ name: "NonRetriableError", message: expect.stringContaining("channelId") });
  });
});
