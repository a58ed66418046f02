import { randomBytes } from "node:crypto";
import { and, asc, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, syncCheckpoints, syncErrors, syncRuns } from "@/db/schema";
import * as integrationActions from "@/app/(portal)/system/integrations/actions";
import * as syncActions from "@/app/(portal)/system/sync-actions";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS, can, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { confirmationValue } from "@/lib/channels/save-warnings";
import type { ChannelFormState } from "@/lib/channels/form-state";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { waitForBackgroundSyncs } from "@/lib/sync/launch";
import { runChannelSync } from "@/lib/sync/runner";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// System › Integrations and the sync controls, called the way a forged request would call them
// (directly, not through the UI): every server action of app/(portal)/system/integrations/actions.ts
// and app/(portal)/system/sync-actions.ts refuses the roles without its permission and changes
// nothing; the product's table lets managers run syncs (run_syncs) but not manage integrations.
// Then each change made here leaves its audit entry: who, from which address, what (old → new,
// credentials only as words).

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
const CLIENT_IP = "203.0.113.50";
// The client connected from CLIENT_IP and wrote its own X-Forwarded-For, which the audit log ignores.
vi.mock("next/headers", () => ({
  headers: vi.fn(async () => new Headers({ "x-portal-peer-address": "203.0.113.50", "x-forwarded-for": "10.0.0.1" })),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
// Deletion's background part runs after the response in Next; here it is not needed.
vi.mock("next/server", () => ({ after: vi.fn() }));

type AnyAction = (previous: unknown, formData: FormData) => Promise<unknown>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let sim: RunningSimulator;
let testDb: TestDatabase;
const actors = {} as Record<Role, SessionUser>;
let channelId = 0;
/** A run that is still going (on a channel of its own): cancel's target. */
let runningRunId = 0;
/** A partial run with one failed order: retry's target. */
let partialRunId = 0;
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY };

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

function channelForm(extra: Record<string, string | string[]> = {}) {
  return {
    name: "Audit store",
    baseUrl: sim.baseUrl,
    authType: "bearer",
    storeCode: "default",
    syncStartDate: "2020-01-01",
    entities: ["customers", "carts", "orders", "credit_memos", "newsletter_subscribers"],
    active: "on",
    maxRequestsPerSecond: "100",
    ...extra,
  };
}

/** Everything these actions could change, as one comparable string. */
async function snapshot(): Promise<string> {
  const { db } = testDb;
  return JSON.stringify({
    channels: await db.select().from(channels).orderBy(asc(channels.id)),
    runs: await db.select().from(syncRuns).orderBy(asc(syncRuns.id)),
    errors: await db.select().from(syncErrors).orderBy(asc(syncErrors.id)),
    checkpoints: await db.select().from(syncCheckpoints).orderBy(asc(syncCheckpoints.id)),
    audit: await db.select().from(auditLog).orderBy(asc(auditLog.id)),
  });
}

async function lastAudit(action: string) {
  const [row] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id)).limit(1);
  return row ?? null;
}

const call = async (action: AnyAction, fields: Record<string, string | string[]>) => action(null, form(fields));

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_BASE_URL;
  sim = await startMagentoSimulator({ port: 0, seed: 808, customers: 12, orders: 30 });
  for (const role of ["admin", "manager", "agent", "viewer"] as Role[]) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@integrations-security.test`, name: role, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    actors[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const [channel] = await testDb.db
    .insert(channels)
    .values({
      name: "EU store",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
      syncStartDate: "2020-01-01",
    })
    .returning();
  channelId = channel!.id;
  // A first sync with one malformed order: a partial run with an error to retry.
  const broken = [...sim.store.orders.values()][3]!.entityId;
  const faults = sim.control.addFaults({ path: "/V1/orders", malformed: { field: "grand_total", mode: "null", id: broken } });
  const run = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli", pageSize: 50 });
  for (const fault of faults) sim.control.clearFaults(fault.id);
  expect(run.status).toBe("partial");
  partialRunId = run.id;
  const [other] = await testDb.db.insert(channels).values({ name: "Busy store", baseUrl: "https://busy.example.com" }).returning();
  const [running] = await testDb.db
    .insert(syncRuns)
    .values({ channelId: other!.id, mode: "full", trigger: "manual", status: "running", startedAt: new Date() })
    .returning();
  runningRunId = running!.id;
}, 60_000);

afterAll(async () => {
  await waitForBackgroundSyncs();
  await sim?.close();
  await closeDb();
  await testDb?.drop();
  process.env.DATABASE_URL = saved.url;
  if (saved.key === undefined) delete process.env.ENCRYPTION_KEY;
  else process.env.ENCRYPTION_KEY = saved.key;
});

// Each action with a request that would change something if it were allowed.
const INTEGRATION_CALLS: Record<string, () => Promise<unknown>> = {
  saveChannelAction: () =>
    call(integrationActions.saveChannelAction as AnyAction, channelForm({ id: String(channelId), name: "Renamed", token: "forged-token" })),
  checkConnectionAction: () => call(integrationActions.checkConnectionAction as AnyAction, channelForm({ id: String(channelId) })),
  deleteChannelAction: () => call(integrationActions.deleteChannelAction as AnyAction, { id: String(channelId), confirmName: "EU store" }),
  "submitChannelFormAction (save)": () =>
    call(
      integrationActions.submitChannelFormAction as AnyAction,
      channelForm({ intent: "save", id: String(channelId), syncStartDate: "2019-01-01" }),
    ),
  "submitChannelFormAction (check)": () =>
    call(integrationActions.submitChannelFormAction as AnyAction, channelForm({ intent: "check", id: String(channelId) })),
};
const SYNC_CALLS: Record<string, () => Promise<unknown>> = {
  startSyncAction: () => call(syncActions.startSyncAction as AnyAction, { channelId: String(channelId), mode: "full" }),
  cancelSyncAction: () => call(syncActions.cancelSyncAction as AnyAction, { runId: String(runningRunId) }),
  retrySyncErrorsAction: () => call(syncActions.retrySyncErrorsAction as AnyAction, { runId: String(partialRunId) }),
};

/**
 * Saves through saveChannelAction, confirming what the first try warns about (this simulator
 * refuses these tokens, and "EU store" already syncs it): the audit entries are what is tested here.
 */
async function saveConfirmed(fields: Record<string, string | string[]>, expected: number): Promise<ActionResult<unknown>> {
  const warned = (await call(integrationActions.saveChannelAction as AnyAction, fields)) as ActionResult<unknown>;
  const warnings = (warned as { fieldErrors?: { confirmWarnings?: string[] } }).fieldErrors?.confirmWarnings ?? [];
  expect(warnings, JSON.stringify(warned)).toHaveLength(expected);
  return (await call(integrationActions.saveChannelAction as AnyAction, {
    ...fields,
    confirmWarnings: confirmationValue(warnings),
  })) as ActionResult<unknown>;
}

/** The action's result; the form action wraps it in its state. */
function resultOf(value: unknown): ActionResult<unknown> {
  const state = value as Partial<ChannelFormState>;
  if (state && typeof state === "object" && "intent" in state) return (state.intent === "check" ? state.check : state.save)!;
  return value as ActionResult<unknown>;
}

describe("every action on these pages refuses the roles without its permission, and nothing changes", () => {
  it("covers every exported server action of both files", () => {
    const exported = [...Object.keys(integrationActions), ...Object.keys(syncActions)].filter((name) => name.endsWith("Action")).sort();
    const covered = [...new Set([...Object.keys(INTEGRATION_CALLS), ...Object.keys(SYNC_CALLS)].map((name) => name.split(" ")[0]!))].sort();
    expect(covered).toEqual(exported);
  });

  const cases = [
    ...Object.keys(INTEGRATION_CALLS).flatMap((name) =>
      (["manager", "agent", "viewer"] as const).map((role) => [name, role, "manage_integrations"] as const),
    ),
    ...Object.keys(SYNC_CALLS).flatMap((name) => (["agent", "viewer"] as const).map((role) => [name, role, "run_syncs"] as const)),
  ];

  it.each(cases)("%s as %s (no %s): forbidden", async (name, role, permission) => {
    expect(can(role, permission)).toBe(false);
    sessionUserMock.mockResolvedValue(actors[role]);
    const before = await snapshot();
    const result = resultOf(await (INTEGRATION_CALLS[name] ?? SYNC_CALLS[name])!());
    expect(result).toMatchObject({ ok: false, code: "forbidden", error: "Your role does not allow this action." });
    await waitForBackgroundSyncs();
    expect(await snapshot()).toBe(before);
  });

  it.each([...Object.keys(INTEGRATION_CALLS), ...Object.keys(SYNC_CALLS)])(
    "%s without a session: sign in again, nothing changes",
    async (name) => {
      sessionUserMock.mockResolvedValue(null);
      const before = await snapshot();
      expect(resultOf(await (INTEGRATION_CALLS[name] ?? SYNC_CALLS[name])!())).toMatchObject({ ok: false, code: "unauthenticated" });
      expect(await snapshot()).toBe(before);
    },
  );

  it("a manager holds run_syncs but not manage_integrations (the product's permission table)", () => {
    expect(can("manager", "run_syncs")).toBe(true);
    expect(can("manager", "manage_integrations")).toBe(false);
  });
});

describe("each change leaves an audit entry with the actor, the address and what changed", () => {
  let createdId = 0;
  const FIRST = `audit-first-${randomBytes(8).toString("hex")}`;
  const SECOND = `audit-second-${randomBytes(8).toString("hex")}`;

  it("connection checked (through the form's action), with its outcome and no secret", async () => {
    sessionUserMock.mockResolvedValue(actors.admin);
    const state = (await call(
      integrationActions.submitChannelFormAction as AnyAction,
      channelForm({ intent: "check", token: FIRST }),
    )) as ChannelFormState;
    expect(state.check).toMatchObject({ ok: false }); // this simulator knows only its own token
    expect(state.save).toBeNull();
    expect(state.submitted).not.toHaveProperty("token");
    const entry = await lastAudit("channel.connection_checked");
    expect(entry).toMatchObject({ userId: actors.admin.id, actor: actors.admin.email, ip: CLIENT_IP, details: { result: "unauthorized" } });
    expect(JSON.stringify(entry)).not.toContain(FIRST);
  });

  it("channel created: every setting from nothing, the credentials as [redacted]", async () => {
    const result = await saveConfirmed(channelForm({ token: FIRST, active: "" }), 2);
    expect(result).toMatchObject({ ok: true });
    createdId = (result as { data: { id: number } }).data.id;
    const entry = (await lastAudit("channel.created"))!;
    expect(entry).toMatchObject({
      userId: actors.admin.id,
      actor: actors.admin.email,
      ip: CLIENT_IP,
      entityType: "channel",
      entityId: String(createdId),
      channelId: createdId,
    });
    const changes = (entry.details as { changes: Record<string, { from: unknown; to: unknown }> }).changes;
    expect(changes.name).toEqual({ from: null, to: "Audit store" });
    expect(changes.credentials).toEqual({ from: null, to: "[redacted]" });
    expect(JSON.stringify(entry)).not.toContain(FIRST);
  });

  it("channel updated: only what changed, old → new; a replaced token only as [redacted] → replaced", async () => {
    const result = await saveConfirmed(channelForm({ id: String(createdId), name: "Audit store (EU)", token: SECOND, active: "" }), 1);
    expect(result).toMatchObject({ ok: true });
    const entry = (await lastAudit("channel.updated"))!;
    expect(entry).toMatchObject({ userId: actors.admin.id, ip: CLIENT_IP, channelId: createdId });
    const changes = (entry.details as { changes: Record<string, unknown> }).changes;
    expect(changes).toEqual({ name: { from: "Audit store", to: "Audit store (EU)" }, credentials: { from: "[redacted]", to: "replaced" } });
    const text = JSON.stringify(await testDb.db.select().from(auditLog));
    expect(text).not.toContain(FIRST);
    expect(text).not.toContain(SECOND);
  });

  it("a start-date change on an active channel: updated (old → new, credentials untouched) and sync started, for settings", async () => {
    const result = resultOf(
      await call(
        integrationActions.saveChannelAction as AnyAction,
        channelForm({ id: String(createdId), name: "Audit store (EU)", token: "", syncStartDate: "2018-06-01" }),
      ),
    );
    expect(result).toMatchObject({ ok: true });
    const message = (result as { message: string }).message;
    expect(message).toContain("back to 2018-06-01");
    const runId = (result as { data: { runId: number } }).data.runId;
    expect(runId).toBeGreaterThan(0);
    const updated = (await lastAudit("channel.updated"))!;
    const changes = (updated.details as { changes: Record<string, unknown> }).changes;
    expect(changes).toMatchObject({ syncStartDate: { from: "2020-01-01", to: "2018-06-01" }, active: { from: false, to: true } });
    expect(changes).not.toHaveProperty("credentials");
    const started = (await lastAudit("sync.started"))!;
    expect(started).toMatchObject({
      userId: actors.admin.id,
      ip: CLIENT_IP,
      entityId: String(runId),
      channelId: createdId,
      details: { reason: "settings changed" },
    });
    const [run] = await testDb.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
    expect(run).toMatchObject({ channelId: createdId, trigger: "manual", requestedByUserId: actors.admin.id });
    await waitForBackgroundSyncs();
  });

  it("sync started by a manager (full) and by an admin (Sync now)", async () => {
    sessionUserMock.mockResolvedValue(actors.manager);
    const full = resultOf(await SYNC_CALLS.startSyncAction!());
    expect(full).toMatchObject({ ok: true });
    await waitForBackgroundSyncs();
    const entry = (await lastAudit("sync.started"))!;
    expect(entry).toMatchObject({
      userId: actors.manager.id,
      actor: actors.manager.email,
      ip: CLIENT_IP,
      channelId,
      details: { mode: "full", requested: "full" },
    });

    sessionUserMock.mockResolvedValue(actors.admin);
    expect(resultOf(await call(syncActions.startSyncAction as AnyAction, { channelId: String(channelId) }))).toMatchObject({ ok: true });
    await waitForBackgroundSyncs();
    expect(await lastAudit("sync.started")).toMatchObject({
      userId: actors.admin.id,
      ip: CLIENT_IP,
      details: { requested: "incremental" },
    });
  });

  it("sync canceled", async () => {
    sessionUserMock.mockResolvedValue(actors.admin);
    expect(resultOf(await SYNC_CALLS.cancelSyncAction!())).toMatchObject({ ok: true });
    expect(await lastAudit("sync.canceled")).toMatchObject({
      userId: actors.admin.id,
      actor: actors.admin.email,
      ip: CLIENT_IP,
      entityId: String(runningRunId),
    });
  });

  it("failed records retried (by a manager), with what came of it", async () => {
    sessionUserMock.mockResolvedValue(actors.manager);
    expect(resultOf(await SYNC_CALLS.retrySyncErrorsAction!())).toMatchObject({ ok: true });
    expect(await lastAudit("sync.retried")).toMatchObject({
      userId: actors.manager.id,
      actor: actors.manager.email,
      ip: CLIENT_IP,
      entityId: String(partialRunId),
      channelId,
      details: { retried: 1, resolved: 1, stillFailing: 0 },
    });
  });

  it("channel deleted, with how many records go", async () => {
    sessionUserMock.mockResolvedValue(actors.admin);
    expect(
      resultOf(await call(integrationActions.deleteChannelAction as AnyAction, { id: String(createdId), confirmName: "Audit store (EU)" })),
    ).toMatchObject({ ok: true });
    const entry = await lastAudit("channel.deleted");
    expect(entry).toMatchObject({
      userId: actors.admin.id,
      ip: CLIENT_IP,
      channelId: createdId,
      details: { name: "Audit store (EU)", recordsToRemove: expect.any(Number) },
    });
    const [row] = await testDb.db
      .select()
      .from(channels)
      .where(and(eq(channels.id, createdId)));
    expect(row!.deletingAt).not.toBeNull();
  });
});
