import { randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, syncErrors, syncRuns, users } from "@/db/schema";
import { retrySyncErrorsAction } from "@/app/(portal)/system/sync-actions";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { loadFailingChannels } from "@/lib/sync/health";
import { getHistoryRun, listHistoryRuns, listRunErrors, parseHistoryFilters } from "@/lib/sync/history";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// System › Sync History: the filters, the run page's errors with their links, "Retry" and
// "Retry all failed" (resolving errors once Magento sends valid records), the failing-channel
// banner's loader, and run_syncs checked by the retry action itself.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.10" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
let other: ChannelRow;
let partialRunId: number;
let brokenIds: number[];
let faultId: string;
const actors = {} as Record<Role, SessionUser>;
const savedDatabaseUrl = process.env.DATABASE_URL;

function form(fields: Record<string, string | number>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, String(value));
  return data;
}

async function unresolved(runId: number) {
  return (await testDb.db.select().from(syncErrors).where(eq(syncErrors.runId, runId))).filter((e) => !e.resolvedAt);
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 707, customers: 20, orders: 50 });
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "EU store",
      baseUrl: sim.baseUrl,
      adminUrl: "https://eu.example.com/admin/",
      maxRequestsPerSecond: 100,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
    })
    .returning()) as [ChannelRow];
  [other] = (await testDb.db
    .insert(channels)
    .values({ name: "US store", baseUrl: "https://us.example.com", credentialsEncrypted: "v1:x" })
    .returning()) as [ChannelRow];
  for (const role of ["admin", "manager", "agent", "viewer"] as const) {
    const [row] = await testDb.db
      .insert(users)
      .values({ email: `${role}@history.test`, name: `The ${role}`, role, passwordHash: "x" })
      .returning();
    actors[role] = { id: row!.id, email: row!.email, name: row!.name, role, permissions: ROLE_PERMISSIONS[role] };
  }

  const ids = [...sim.store.orders.keys()].sort((a, b) => a - b);
  brokenIds = [ids[3]!, ids[9]!];
  const faults = sim.control.addFaults(
    brokenIds.map((id) => ({ path: "/V1/orders", malformed: { field: "grand_total", mode: "null" as const, id } })),
  );
  faultId = faults.map((f) => f.id).join(",");
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "manual" });
  expect(run.status).toBe("partial");
  partialRunId = run.id;

  // History of the other channel: an old failed scheduled run and a succeeded cli run.
  await testDb.db.insert(syncRuns).values([
    {
      channelId: other.id,
      mode: "incremental",
      trigger: "schedule",
      status: "failed",
      errorMessage: "401: The consumer isn't authorized to access %resources.",
      startedAt: new Date("2024-03-01T10:42:00Z"),
      finishedAt: new Date("2024-03-01T10:43:00Z"),
      createdAt: new Date("2024-03-01T10:42:00Z"),
    },
    {
      channelId: other.id,
      mode: "initial",
      trigger: "cli",
      status: "succeeded",
      startedAt: new Date("2024-02-01T08:00:00Z"),
      finishedAt: new Date("2024-02-01T08:05:00Z"),
      createdAt: new Date("2024-02-01T08:00:00Z"),
    },
  ]);
}, 90_000);

afterAll(async () => {
  await closeDb();
  await sim?.close();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

describe("Sync History list", () => {
  it("filters by channel, status, trigger and date, and ignores what is not a filter", async () => {
    const all = await listHistoryRuns(testDb.db, actors.manager, {});
    expect(all.total).toBe(3);
    expect((await listHistoryRuns(testDb.db, actors.manager, { channel: channel.id })).rows.map((r) => r.id)).toEqual([partialRunId]);
    expect((await listHistoryRuns(testDb.db, actors.manager, { status: "failed" })).rows.map((r) => r.channelName)).toEqual(["US store"]);
    expect((await listHistoryRuns(testDb.db, actors.manager, { trigger: "cli" })).rows.map((r) => r.status)).toEqual(["succeeded"]);
    expect((await listHistoryRuns(testDb.db, actors.manager, { from: "2024-02-15", to: "2024-03-01" })).rows.map((r) => r.trigger)).toEqual(
      ["schedule"],
    );
    expect((await listHistoryRuns(testDb.db, actors.manager, { to: "2024-02-01" })).total).toBe(1);
    expect(
      parseHistoryFilters({
        channel: String(other.id),
        status: "exploded",
        trigger: ["manual", "cli"],
        from: "yesterday",
        to: "2024-01-31",
        page: "-3",
      }),
    ).toEqual({ channel: other.id, trigger: "manual", to: "2024-01-31" });
  });
});

describe("run page", () => {
  it("lists the run's errors with links to Magento (no portal record for a record never kept)", async () => {
    const run = (await getHistoryRun(testDb.db, actors.manager, partialRunId))!;
    const errors = await listRunErrors(testDb.db, actors.manager, run);
    expect(errors.map((e) => Number(e.originId)).sort((a, b) => a - b)).toEqual(brokenIds);
    for (const e of errors) {
      expect(e).toMatchObject({
        connector: "orders",
        field: "grand_total",
        portalHref: null,
        magentoHref: `https://eu.example.com/admin/sales/order/view/order_id/${e.originId}/`,
      });
      expect(e.payload).not.toBeNull();
    }
  });

  it("the failing-channel banner names the channel, the connector and the reason", async () => {
    const failing = await loadFailingChannels(testDb.db, actors.admin);
    expect(failing.map((f) => [f.channelName, f.what, f.status])).toEqual([
      ["EU store", "Orders", "partial"],
      ["US store", "Sync", "failed"],
    ]);
    expect(failing[1]!.message).toContain("401");
    expect(failing[1]!.since.toISOString()).toBe("2024-03-01T10:42:00.000Z");
  });

  it("an agent or viewer calling retry directly is forbidden and nothing changes", async () => {
    const before = await unresolved(partialRunId);
    for (const role of ["agent", "viewer"] as const) {
      sessionUserMock.mockResolvedValue(actors[role]);
      expect(await retrySyncErrorsAction(null, form({ runId: partialRunId }))).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await unresolved(partialRunId)).toEqual(before);
    const [row] = await testDb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "sync.retried"));
    expect(row!.n).toBe(0);
  });

  it("retry keeps errors while Magento still sends broken records, and resolves them once the fault is gone", async () => {
    sessionUserMock.mockResolvedValue(actors.manager);
    const still = await retrySyncErrorsAction(null, form({ runId: partialRunId }));
    expect(still).toMatchObject({ ok: false, code: "failed", error: "Retried 2: 0 resolved, 2 still failing." });
    expect(await unresolved(partialRunId)).toHaveLength(2);

    for (const id of faultId.split(",")) sim.control.clearFaults(id);
    const [first] = await unresolved(partialRunId);
    const one = await retrySyncErrorsAction(null, form({ runId: partialRunId, errorId: first!.id }));
    expect(one).toMatchObject({ ok: true, message: "Retried 1: 1 resolved, 0 still failing." });
    expect(await unresolved(partialRunId)).toHaveLength(1);

    const rest = await retrySyncErrorsAction(null, form({ runId: partialRunId }));
    expect(rest).toMatchObject({ ok: true, message: "Retried 1: 1 resolved, 0 still failing." });
    expect(await unresolved(partialRunId)).toHaveLength(0);

    // The records are in the portal now, so the errors link to them.
    const run = (await getHistoryRun(testDb.db, actors.manager, partialRunId))!;
    const errors = await listRunErrors(testDb.db, actors.manager, run);
    expect(errors.every((e) => e.resolvedAt && e.portalHref?.startsWith("/sales/orders/"))).toBe(true);

    const audits = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "sync.retried")).orderBy(auditLog.id);
    expect(audits).toHaveLength(3);
    expect(audits[2]).toMatchObject({
      userId: actors.manager.id,
      channelId: channel.id,
      entityId: String(partialRunId),
      ip: "203.0.113.10",
    });
    expect(audits[2]!.details).toMatchObject({ retried: 1, resolved: 1, stillFailing: 0 });

    // Nothing left: the EU store no longer shows in the banner.
    expect((await loadFailingChannels(testDb.db, actors.admin)).map((f) => f.channelName)).toEqual(["US store"]);
    // Retrying again has nothing to do.
    expect(await retrySyncErrorsAction(null, form({ runId: partialRunId }))).toMatchObject({ ok: true });
  }, 60_000);
});
