import { randomBytes } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, syncRuns, users } from "@/db/schema";
import { GET as getRunStatus } from "@/app/api/sync-runs/[runId]/route";
import { cancelSyncAction, startSyncAction } from "@/app/(portal)/system/sync-actions";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { startSyncNow, waitForBackgroundSyncs } from "@/lib/sync/launch";
import { SyncBusyError } from "@/lib/sync/lease";
import { computeProgress, loadRunProgress } from "@/lib/sync/progress";
import { failRun } from "@/lib/sync/runner";
import { addConnectorStats, createRun, finishRun, getRun, markRunning, statsOf, type SyncRunRow } from "@/lib/sync/runs";
import type { ChannelRow } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Sync now from the portal: startSyncNow runs the sync in the background (never awaited by the
// caller), refuses a second one, the status endpoint reports the run's own figures, cancel stops
// it, and the actions check run_syncs themselves.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
const sent = vi.hoisted(() => [] as unknown[]);
vi.mock("@/lib/jobs/inngest-client", () => ({
  inngest: {
    send: vi.fn(async (event: unknown) => {
      sent.push(event);
      return { ids: ["x"] };
    }),
    createFunction: vi.fn(() => ({})),
  },
}));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
const actors = {} as Record<Role, SessionUser>;
const savedEnv = {
  DATABASE_URL: process.env.DATABASE_URL,
  INNGEST_EVENT_KEY: process.env.INNGEST_EVENT_KEY,
  INNGEST_BASE_URL: process.env.INNGEST_BASE_URL,
};

function form(fields: Record<string, string | number>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, String(value));
  return data;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runCount(): Promise<number> {
  const [row] = await testDb.db.select({ n: count() }).from(syncRuns);
  return row!.n;
}

async function auditCount(action: string): Promise<number> {
  const [row] = await testDb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, action));
  return row!.n;
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_BASE_URL;
  sim = await startMagentoSimulator({ port: 0, seed: 606, customers: 25, orders: 60 });
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "EU store",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
    })
    .returning()) as [ChannelRow];
  for (const role of ["admin", "manager", "agent", "viewer"] as const) {
    const [row] = await testDb.db
      .insert(users)
      .values({ email: `${role}@launch.test`, name: `The ${role}`, role, passwordHash: "x" })
      .returning();
    actors[role] = { id: row!.id, email: row!.email, name: row!.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
}, 60_000);

afterAll(async () => {
  await waitForBackgroundSyncs();
  await closeDb();
  await sim?.close();
  await testDb?.drop();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("startSyncNow", () => {
  it("runs the sync in the background to success and refuses a second one while it runs", async () => {
    const slow = sim.control.addFaults({ path: "/V1/", latencyMs: 150 });
    const started = await startSyncNow(testDb.db, { channelId: channel.id, mode: "incremental", user: actors.admin });
    expect(started.via).toBe("in_process");
    expect(started.mode).toBe("initial"); // "Sync now" continues the first sync until it completed
    const run = await getRun(testDb.db, started.runId);
    expect(["queued", "running"]).toContain(run!.status); // returned before the sync ended

    await expect(startSyncNow(testDb.db, { channelId: channel.id, mode: "full", user: actors.admin })).rejects.toBeInstanceOf(
      SyncBusyError,
    );
    expect(await runCount()).toBe(1);

    for (const f of slow) sim.control.clearFaults(f.id);
    await waitForBackgroundSyncs();
    const done = (await getRun(testDb.db, started.runId))!;
    expect(done.status).toBe("succeeded");
    expect(done.requestedByUserId).toBe(actors.admin.id);
    expect(done.trigger).toBe("manual");
    expect(statsOf(done, "orders").fetched).toBe(sim.store.orders.size);
    expect(statsOf(done, "customers").fetched).toBe(sim.store.customers.size);
  }, 60_000);

  it("reports progress with the run's own figures", async () => {
    const [last] = await testDb.db.select().from(syncRuns).orderBy(syncRuns.id);
    const progress = (await loadRunProgress(testDb.db, actors.manager, last!.id))!;
    expect(progress.finished).toBe(true);
    expect(progress.status).toBe("succeeded");
    for (const c of progress.connectors) {
      const s = statsOf(last!, c.connector);
      expect([c.pages, c.fetched, c.created, c.updated, c.unchanged, c.failed, c.requests, c.retries]).toEqual([
        s.pages,
        s.fetched,
        s.created,
        s.updated,
        s.unchanged,
        s.failed,
        s.requests,
        s.retries,
      ]);
      expect(c.state).toBe("done");
    }
    expect(progress.recordsChanged).toBe(last!.recordsChanged);
    expect(progress.connectors.map((c) => c.connector)).toContain("orders");
  });

  it("estimates an ETA only when the covered share of the range says something", () => {
    const now = new Date("2025-06-01T12:00:00Z");
    const run = {
      id: 9,
      channelId: 1,
      mode: "initial",
      trigger: "manual",
      status: "running",
      requestedByUserId: null,
      startedAt: new Date(now.getTime() - 60_000),
      finishedAt: null,
      heartbeatAt: now,
      cancelRequestedAt: null,
      recordsChanged: 0,
      errorCount: 0,
      stats: {
        orders: {
          pages: 4,
          fetched: 1200,
          created: 1200,
          updated: 0,
          errors: 0,
          startedAt: new Date(now.getTime() - 60_000).toISOString(),
        },
      },
      errorMessage: null,
      externalRunId: null,
      requestBudget: null,
      createdAt: now,
      updatedAt: now,
    } as SyncRunRow;
    const checkpoint = {
      id: 1,
      channelId: 1,
      connector: "orders",
      mode: "initial" as const,
      windowStart: new Date("2025-03-03T12:00:00Z"),
      windowEnd: new Date("2025-04-02T12:00:00Z"),
      lastUpdatedAt: null,
      lastOriginId: null,
      page: 2,
      cursor: { upperBound: now.toISOString() },
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    // Sync start 2024-06-01: a year back; 60 days of 365 covered in 60 s → about 305 s left.
    const withStart = computeProgress(run, { entities: ["customers", "orders"], syncStartDate: "2024-06-01" }, [checkpoint], now);
    const orders = withStart.connectors.find((c) => c.connector === "orders")!;
    expect(orders.ratePerSecond).toBe(20);
    expect(orders.fraction).toBeCloseTo(60 / 365.5, 3);
    expect(orders.etaSeconds).toBe(Math.round((60 * (1 - orders.fraction!)) / orders.fraction!));
    // Without a sync start date the walk is open-ended: no estimate.
    const open = computeProgress(run, { entities: ["orders"], syncStartDate: null }, [checkpoint], now);
    expect(open.connectors.find((c) => c.connector === "orders")!.etaSeconds).toBeNull();
    expect(withStart.connectors.find((c) => c.connector === "customers")!.state).toBe("pending");
  });

  it("queues on Inngest when it is configured, naming the run it created", async () => {
    sent.length = 0;
    const started = await startSyncNow(testDb.db, { channelId: channel.id, mode: "full", user: actors.manager }, { useInngest: true });
    expect(started.via).toBe("inngest");
    // The run exists and holds the channel: the continuing function works on it (no singleton skip).
    expect(sent).toEqual([
      {
        name: "magento/channel.sync.continue",
        data: expect.objectContaining({ channelId: channel.id, mode: "full", runId: started.runId }),
      },
    ]);
    expect((await getRun(testDb.db, started.runId))!.status).toBe("queued");
    await failRun(testDb.db, started.runId, "test: no Inngest server");
  });
});

describe("Sync now / cancel actions", () => {
  it("an agent or viewer calling the actions directly is forbidden and nothing changes", async () => {
    const before = { runs: await runCount(), started: await auditCount("sync.started") };
    for (const role of ["agent", "viewer"] as const) {
      sessionUserMock.mockResolvedValue(actors[role]);
      const result = await startSyncAction(null, form({ channelId: channel.id, mode: "full" }));
      expect(result).toMatchObject({ ok: false, code: "forbidden" });
      const [someRun] = await testDb.db.select().from(syncRuns).limit(1);
      expect(await cancelSyncAction(null, form({ runId: someRun!.id }))).toMatchObject({ ok: false, code: "forbidden" });
    }
    sessionUserMock.mockResolvedValue(null);
    expect(await startSyncAction(null, form({ channelId: channel.id }))).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await runCount()).toBe(before.runs);
    expect(await auditCount("sync.started")).toBe(before.started);
  });

  it("an admin starts a sync, watches it through the status endpoint and cancels it", async () => {
    const slow = sim.control.addFaults({ path: "/V1/", latencyMs: 250 });
    sessionUserMock.mockResolvedValue(actors.admin);
    const result = await startSyncAction(null, form({ channelId: channel.id, mode: "full" }));
    expect(result).toMatchObject({ ok: true });
    const runId = (result as { data: { runId: number } }).data.runId;
    expect(await auditCount("sync.started")).toBe(1);

    // A second press while it runs is refused in words: which sync, where, since when, its last heartbeat.
    const again = await startSyncAction(null, form({ channelId: channel.id, mode: "incremental" }));
    expect(again).toMatchObject({ ok: false, code: "failed" });
    expect((again as { error: string }).error).toMatch(
      new RegExp(
        `^A sync of "${channel.name}" is already running: sync #${runId} on .+ \\(process ${process.pid}\\) since \\d\\d \\w+ \\d{4}, \\d\\d:\\d\\d UTC, ` +
          "still running — last heartbeat \\d+ s ago\\. Wait for it to finish or cancel it\\.$",
      ),
    );

    await until(
      () => getRun(testDb.db, runId),
      (r) => r?.status === "running" && statsOf(r, "stores").pages > 0,
    );
    const response = await getRunStatus(new Request(`http://portal/api/sync-runs/${runId}`), {
      params: Promise.resolve({ runId: String(runId) }),
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).not.toContain(sim.adminToken);
    expect(body).not.toContain("credentials");
    const json = JSON.parse(body) as { runId: number; finished: boolean; connectors: { connector: string }[] };
    expect(json).toMatchObject({ runId, finished: false });

    const cancel = await cancelSyncAction(null, form({ runId }));
    expect(cancel).toMatchObject({ ok: true });
    for (const f of slow) sim.control.clearFaults(f.id);
    await waitForBackgroundSyncs();
    const run = (await getRun(testDb.db, runId))!;
    expect(run.status).toBe("canceled");
    expect(statsOf(run, "newsletter_subscribers").finishedAt).toBeUndefined();
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sync.canceled"), eq(auditLog.entityId, String(runId))));
    expect(entry).toMatchObject({ userId: actors.admin.id, channelId: channel.id, ip: "203.0.113.9" });
    // Cancelling a finished run says so.
    expect(await cancelSyncAction(null, form({ runId }))).toMatchObject({ ok: false, code: "failed" });
  }, 60_000);

  it("the status endpoint reports the run's request budget while it runs, and null once it ended", async () => {
    sessionUserMock.mockResolvedValue(actors.manager);
    const [other] = await testDb.db.insert(channels).values({ name: "Budget store", baseUrl: "https://budget.example.com" }).returning();
    const run = await createRun(testDb.db, { channelId: other!.id, mode: "incremental", trigger: "manual" });
    const status = async () => {
      const response = await getRunStatus(new Request(`http://portal/api/sync-runs/${run.id}`), {
        params: Promise.resolve({ runId: String(run.id) }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { finished: boolean; requestBudget: Record<string, unknown> | null };
    };
    // Queued, nothing reported yet.
    expect(await status()).toMatchObject({ finished: false, requestBudget: null });
    await markRunning(testDb.db, run.id);
    // As the runner reports it: with a page's figures.
    const report = (budget: Parameters<typeof addConnectorStats>[4]) =>
      testDb.db.transaction((tx) => addConnectorStats(tx, run.id, "stores", {}, budget));
    const before = Date.now();
    await report({ inFlight: 3, limit: 4, max: 8, maxInFlightSeen: 8, decreases: 1 });
    const live = await status();
    expect(live.requestBudget).toEqual({
      inFlight: 3,
      limit: 4,
      max: 8,
      maxInFlightSeen: 8,
      decreases: 1,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Date.parse(live.requestBudget!.updatedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    // A later report replaces it; only the budget's own figures are kept.
    await report({
      inFlight: 8,
      limit: 8,
      max: 8,
      maxInFlightSeen: 8,
      decreases: 1,
      extra: "not stored",
    } as Parameters<typeof addConnectorStats>[4]);
    expect((await status()).requestBudget).toMatchObject({ inFlight: 8, limit: 8 });
    expect((await getRun(testDb.db, run.id))!.requestBudget).not.toHaveProperty("extra");
    await finishRun(testDb.db, run.id, { status: "succeeded" });
    expect(await status()).toMatchObject({ finished: true, requestBudget: null });
    // The last figures stay on the row (Sync History may show them later); the endpoint only shows a live budget.
    expect((await getRun(testDb.db, run.id))!.requestBudget).toMatchObject({ maxInFlightSeen: 8, decreases: 1 });
  });

  it("the status endpoint refuses without a session or without run_syncs", async () => {
    const [someRun] = await testDb.db.select().from(syncRuns).limit(1);
    const call = () => getRunStatus(new Request("http://portal/x"), { params: Promise.resolve({ runId: String(someRun!.id) }) });
    sessionUserMock.mockResolvedValue(null);
    expect((await call()).status).toBe(401);
    sessionUserMock.mockResolvedValue(actors.viewer);
    expect((await call()).status).toBe(403);
    sessionUserMock.mockResolvedValue(actors.manager);
    expect((await call()).status).toBe(200);
    expect((await getRunStatus(new Request("http://portal/x"), { params: Promise.resolve({ runId: "1 or 1=1" }) })).status).toBe(400);
    expect((await getRunStatus(new Request("http://portal/x"), { params: Promise.resolve({ runId: "999999" }) })).status).toBe(404);
  });
});
