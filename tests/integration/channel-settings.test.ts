import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { count, desc, eq, gt, max } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, magentoCustomers, magentoWebsites, syncCheckpoints, syncRuns } from "@/db/schema";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { checkConnection } from "@/lib/channels/check-connection";
import { openCredentials } from "@/lib/secrets/channel-credentials";
import { waitForBackgroundSyncs } from "@/lib/sync/launch";
import { countChannelRecords, deleteChannelData } from "@/lib/channels/delete";
import { confirmationValue } from "@/lib/channels/save-warnings";
import { channelSettingsSchema } from "@/lib/channels/settings";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as actions from "@/app/(portal)/system/integrations/actions";

// System › Integrations: the settings schema, saving (sealed, write-only credentials), check
// connection against the simulator, background deletion, and the role checks of every action.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
const afterTasks = vi.hoisted(() => [] as (() => unknown)[]);
vi.mock("next/server", () => ({ after: vi.fn((task: () => unknown) => afterTasks.push(task)) }));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
type AnyAction = (previous: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;

let testDb: TestDatabase;
let sim: RunningSimulator;
const actors = {} as Record<Role, SessionUser>;
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY };

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

function baseForm(overrides: Record<string, string | string[]> = {}) {
  return {
    name: "Simulator store",
    baseUrl: sim.baseUrl,
    authType: "bearer",
    token: sim.adminToken,
    storeCode: "default",
    syncStartDate: "2024-01-01",
    syncIntervalMinutes: "15",
    entities: ["customers", "carts", "orders", "credit_memos", "newsletter_subscribers"],
    maxRequestsPerSecond: "16",
    active: "on",
    ...overrides,
  };
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const call = (name: keyof typeof actions, data: FormData) => (actions[name] as unknown as AnyAction)(null, data);

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  for (const role of ["admin", "manager", "agent", "viewer"] as Role[]) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@settings.test`, name: role, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    actors[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  sim = await startMagentoSimulator({ port: 0, seed: 7, customers: 5, orders: 5 });
});

afterAll(async () => {
  await waitForBackgroundSyncs();
  await sim?.close();
  await closeDb();
  await testDb?.drop();
  process.env.DATABASE_URL = saved.url;
  if (saved.key === undefined) delete process.env.ENCRYPTION_KEY;
  else process.env.ENCRYPTION_KEY = saved.key;
});

beforeEach(() => {
  sessionUserMock.mockReset();
  sessionUserMock.mockResolvedValue(actors.admin);
  afterTasks.length = 0;
});

describe("settings schema", () => {
  it("accepts a full form with defaults filled in", () => {
    const parsed = channelSettingsSchema.safeParse({
      name: "A",
      baseUrl: "https://shop.example.com",
      authType: "bearer",
      entities: "orders",
    });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({
      storeCode: "default",
      guestMode: "per_email",
      websites: "all",
      entities: ["orders"],
      active: false,
      syncPriority: "magento",
    });
    expect(parsed.data!.syncStartDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number(parsed.data!.syncStartDate.slice(0, 4))).toBe(new Date().getUTCFullYear() - 2);
  });

  it("rejects bad values with an error per field", () => {
    const parsed = channelSettingsSchema.safeParse({
      name: " ",
      baseUrl: "ftp://shop.example.com",
      authType: "bearer",
      storeCode: "Bad Code",
      adminUrl: "javascript:alert(1)",
      websites: "selected",
      sharedGuestEmails: "family@example.com\nnot-an-email",
      syncStartDate: "2024-13-01",
      syncIntervalMinutes: "0",
      maxRequestsPerSecond: "500",
      entities: [],
    });
    expect(parsed.success).toBe(false);
    const fields = Object.keys(parsed.error!.flatten().fieldErrors).sort();
    expect(fields).toEqual(
      [
        "adminUrl",
        "baseUrl",
        "entities",
        "maxRequestsPerSecond",
        "name",
        "sharedGuestEmails",
        "storeCode",
        "syncIntervalMinutes",
        "syncStartDate",
        "websiteIds",
      ].sort(),
    );
  });

  it("the abandonment delay: empty means 24 hours; out of 1–720, fractions and words get a field error saying why", () => {
    const base = { name: "A", baseUrl: "https://shop.example.com", authType: "bearer", entities: "orders" };
    expect(channelSettingsSchema.parse({ ...base, abandonmentDelayHours: "" }).abandonmentDelayHours).toBe(24);
    expect(channelSettingsSchema.parse({ ...base, abandonmentDelayHours: "720" }).abandonmentDelayHours).toBe(720);
    const errorOf = (value: string) =>
      channelSettingsSchema.safeParse({ ...base, abandonmentDelayHours: value }).error?.flatten().fieldErrors.abandonmentDelayHours;
    expect(errorOf("0")).toEqual(["At least 1 hour."]);
    expect(errorOf("721")).toEqual(["At most 720 hours (30 days)."]);
    expect(errorOf("1.5")).toEqual(["Whole hours only."]);
    expect(errorOf("a day")).toEqual(["Give a number of hours."]);
  });

  it("requests in flight: empty means 6; out of 1–32, fractions and words get a field error saying why", () => {
    const base = { name: "A", baseUrl: "https://shop.example.com", authType: "bearer", entities: "orders" };
    expect(channelSettingsSchema.parse(base).maxRequestsInFlight).toBe(6);
    expect(channelSettingsSchema.parse({ ...base, maxRequestsInFlight: "" }).maxRequestsInFlight).toBe(6);
    expect(channelSettingsSchema.parse({ ...base, maxRequestsInFlight: "1" }).maxRequestsInFlight).toBe(1);
    expect(channelSettingsSchema.parse({ ...base, maxRequestsInFlight: "32" }).maxRequestsInFlight).toBe(32);
    const errorOf = (value: string) =>
      channelSettingsSchema.safeParse({ ...base, maxRequestsInFlight: value }).error?.flatten().fieldErrors.maxRequestsInFlight;
    expect(errorOf("0")).toEqual(["At least 1 request in flight."]);
    expect(errorOf("33")).toEqual(["At most 32 requests in flight."]);
    expect(errorOf("2.5")).toEqual(["Whole requests only."]);
    expect(errorOf("many")).toEqual(["Give a number of requests."]);
  });

  it("needs at least one website when only some are chosen", () => {
    const parsed = channelSettingsSchema.safeParse({
      name: "A",
      baseUrl: "https://s.example.com",
      authType: "bearer",
      websites: "selected",
      entities: "orders",
    });
    expect(parsed.error!.flatten().fieldErrors.websiteIds).toBeDefined();
  });
});

describe("saving", () => {
  let channelId: number;

  it("returns field errors and saves nothing on invalid input", async () => {
    const result = await call("saveChannelAction", form(baseForm({ baseUrl: "not a url", syncIntervalMinutes: "-1" })));
    expect(result).toMatchObject({ ok: false, code: "invalid" });
    expect((result as { fieldErrors: Record<string, unknown> }).fieldErrors).toHaveProperty("baseUrl");
    expect((await testDb.db.select({ n: count() }).from(channels))[0]!.n).toBe(0);
  });

  it("requires a token when creating", async () => {
    const result = await call("saveChannelAction", form(baseForm({ token: "" })));
    expect(result).toMatchObject({ ok: false, fieldErrors: { token: expect.any(Array) } });
    expect((await testDb.db.select({ n: count() }).from(channels))[0]!.n).toBe(0);
  });

  it("creates a channel with sealed credentials and an audit entry", async () => {
    const result = await call(
      "saveChannelAction",
      form(baseForm({ websites: "selected", websiteIds: ["1"], sharedGuestEmails: "office@example.com" })),
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const [row] = await testDb.db.select().from(channels);
    channelId = row!.id;
    expect(row!.credentialsEncrypted).not.toContain(sim.adminToken);
    expect(openCredentials(row!.credentialsEncrypted!)).toEqual({ type: "bearer", token: sim.adminToken });
    expect(row).toMatchObject({
      websiteOriginIds: [1],
      sharedGuestEmails: ["office@example.com"],
      syncStartDate: "2024-01-01",
      active: true,
      abandonmentDelayHours: 24,
    });
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "channel.created"));
    expect(entry).toMatchObject({ userId: actors.admin.id, channelId, ip: "203.0.113.9" });
  });

  it("keeps the credentials when the secret is left empty, and rejects a duplicate name", async () => {
    const bad = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "", abandonmentDelayHours: "0" })));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { abandonmentDelayHours: ["At least 1 hour."] } });
    const result = await call(
      "saveChannelAction",
      form(baseForm({ id: String(channelId), token: "", syncIntervalMinutes: "30", abandonmentDelayHours: "48" })),
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const [row] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(row!.syncIntervalMinutes).toBe(30);
    expect(row!.abandonmentDelayHours).toBe(48);
    expect(row!.maxRequestsInFlight).toBe(6);
    expect(openCredentials(row!.credentialsEncrypted!)).toEqual({ type: "bearer", token: sim.adminToken });

    await testDb.db.insert(channels).values({ name: "Other", baseUrl: "https://other.example.com" });
    const clash = await call("saveChannelAction", form(baseForm({ id: String(channelId), name: "Other", token: "" })));
    expect(clash).toMatchObject({ ok: false, fieldErrors: { name: expect.any(Array) } });
  });

  it("saves requests in flight with an audit entry from → to, and refuses 0 or 33 with a field error", async () => {
    for (const value of ["0", "33"]) {
      const bad = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "", maxRequestsInFlight: value })));
      expect(bad).toMatchObject({
        ok: false,
        code: "invalid",
        fieldErrors: { maxRequestsInFlight: [expect.stringMatching(/^At (least 1|most 32)/)] },
      });
    }
    const [before] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(before!.maxRequestsInFlight).toBe(6);
    const result = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "", maxRequestsInFlight: "3" })));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const [row] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(row!.maxRequestsInFlight).toBe(3);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "channel.updated"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry!.details).toMatchObject({ changes: { maxRequestsInFlight: { from: 6, to: 3 } } });
  });

  it("saves 'group customers by company' (on by default, off when unticked) with an audit entry", async () => {
    const [before] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(before!.groupByCompany).toBe(false);
    const on = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "", groupByCompany: "on" })));
    expect(on, JSON.stringify(on)).toMatchObject({ ok: true });
    const [row] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(row!.groupByCompany).toBe(true);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "channel.updated"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry!.details).toMatchObject({ changes: { groupByCompany: { from: false, to: true } } });
  });

  it("replaces the token only when a new one is typed", async () => {
    // The simulator refuses this token: saved once the failed check is confirmed (channel-save-warnings.test.ts).
    const warned = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "new-token-value" })));
    const warnings = (warned as Extract<ActionResult<unknown>, { ok: false }>).fieldErrors?.confirmWarnings ?? [];
    await call(
      "saveChannelAction",
      form(baseForm({ id: String(channelId), token: "new-token-value", confirmWarnings: confirmationValue(warnings) })),
    );
    const [row] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(openCredentials(row!.credentialsEncrypted!)).toEqual({ type: "bearer", token: "new-token-value" });
    await call("saveChannelAction", form(baseForm({ id: String(channelId), token: sim.adminToken })));
  });

  it("a new start date resets the initial checkpoints, says what the next sync does and starts it", async () => {
    // Earlier saves here changed the websites and started syncs of their own: let them end.
    await waitForBackgroundSyncs();
    const [old] = await testDb.db
      .insert(syncCheckpoints)
      .values({ channelId, connector: "orders", mode: "initial", completedAt: new Date() })
      .onConflictDoUpdate({
        target: [syncCheckpoints.channelId, syncCheckpoints.connector, syncCheckpoints.mode],
        set: { completedAt: new Date() },
      })
      .returning();
    const result = await call("saveChannelAction", form(baseForm({ id: String(channelId), token: "", syncStartDate: "2023-01-01" })));
    expect(result).toMatchObject({ ok: true });
    expect((result as { message: string }).message).toContain("back to 2023-01-01");
    expect((result as { message: string }).message).toMatch(/Sync #\d+ has started to do it now\./);
    // The completed checkpoint is gone (the sync that started makes its own, from the new date).
    const left = await testDb.db.select().from(syncCheckpoints).where(eq(syncCheckpoints.channelId, channelId));
    expect(left.filter((c) => c.id === old!.id)).toHaveLength(0);
    await waitForBackgroundSyncs();
  });
});

describe("check connection against the simulator", () => {
  it("lists websites, store views and the base currency", async () => {
    const result = await call("checkConnectionAction", form({ baseUrl: sim.baseUrl, authType: "bearer", token: sim.adminToken }));
    expect(result, JSON.stringify(result)).toMatchObject({
      ok: true,
      data: { websites: expect.any(Array), baseCurrency: expect.any(String) },
    });
    expect((result as { data: { websites: unknown[] } }).data.websites.length).toBeGreaterThan(0);
  });

  it("uses the saved token when the field is left empty on edit", async () => {
    const [row] = await testDb.db.select().from(channels).where(eq(channels.name, "Simulator store"));
    const result = await call("checkConnectionAction", form({ id: String(row!.id), baseUrl: sim.baseUrl, authType: "bearer" }));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  });

  it("401: a wrong token", async () => {
    const result = await checkConnection({
      baseUrl: sim.baseUrl,
      storeCode: "default",
      credentials: { type: "bearer", token: "wrong-token-123" },
    });
    expect(result).toMatchObject({ ok: false, reason: "unauthorized" });
    expect((result as { message: string }).message).toMatch(/rejected the credentials/);
    expect((result as { message: string }).message).not.toContain("wrong-token-123");
  });

  it("404: a URL that is not Magento", async () => {
    const result = await checkConnection({
      baseUrl: `${sim.baseUrl}/nope`,
      storeCode: "default",
      credentials: { type: "bearer", token: sim.adminToken },
    });
    expect(result).toMatchObject({ ok: false, reason: "not_magento" });
    expect((result as { message: string }).message).toMatch(/not a Magento REST endpoint/);
  });

  it("unreachable: a closed port (said without the low-level reason, which would map the network)", async () => {
    const port = await closedPort();
    const result = await checkConnection({
      baseUrl: `http://127.0.0.1:${port}`,
      storeCode: "default",
      credentials: { type: "bearer", token: "t0ken" },
    });
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    expect((result as { message: string }).message).toMatch(/^Magento did not answer at this address \(127\.0\.0\.1:\d+\)/);
  });
});

describe("delete", () => {
  it("asks for the exact name, then removes every row of the channel in the background", async () => {
    const [row] = await testDb.db.insert(channels).values({ name: "Doomed", baseUrl: "https://doomed.example.com" }).returning();
    const id = row!.id;
    const [website] = await testDb.db
      .insert(magentoWebsites)
      .values({ channelId: id, originId: 1, code: "base", name: "Main" })
      .returning();
    expect(website).toBeDefined();
    await testDb.db
      .insert(magentoCustomers)
      .values(
        Array.from(
          { length: 7 },
          (_, i) => ({ channelId: id, originId: i + 1, email: `c${i}@example.com` }) as typeof magentoCustomers.$inferInsert,
        ),
      );
    await testDb.db.insert(syncRuns).values({ channelId: id, mode: "full", trigger: "manual", status: "succeeded" });
    expect((await countChannelRecords(testDb.db, id)).total).toBe(7);

    const wrong = await call("deleteChannelAction", form({ id: String(id), confirmName: "doomed" }));
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { confirmName: expect.any(Array) } });
    expect(afterTasks).toHaveLength(0);

    const result = await call("deleteChannelAction", form({ id: String(id), confirmName: "Doomed" }));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    expect((result as { message: string }).message).toContain("7 synced records");
    const [marked] = await testDb.db.select().from(channels).where(eq(channels.id, id));
    expect(marked!.deletingAt).not.toBeNull();
    expect(afterTasks).toHaveLength(1);
    await afterTasks[0]!();
    expect(await testDb.db.select().from(channels).where(eq(channels.id, id))).toHaveLength(0);
    expect(await testDb.db.select().from(magentoCustomers).where(eq(magentoCustomers.channelId, id))).toHaveLength(0);
    expect(await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, id))).toHaveLength(0);
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "channel.deleted"));
    expect(entry!.details).toMatchObject({ name: "Doomed", recordsToRemove: 7 });
  });

  it("deletes in batches and is resumable", async () => {
    const [row] = await testDb.db
      .insert(channels)
      .values({ name: "Batched", baseUrl: "https://b.example.com", deletingAt: new Date() })
      .returning();
    await testDb.db
      .insert(magentoCustomers)
      .values(
        Array.from(
          { length: 25 },
          (_, i) => ({ channelId: row!.id, originId: i + 1, email: `b${i}@example.com` }) as typeof magentoCustomers.$inferInsert,
        ),
      );
    expect(await deleteChannelData(testDb.db, row!.id, { batchSize: 10 })).toBe(26);
    expect(await testDb.db.select().from(channels).where(eq(channels.id, row!.id))).toHaveLength(0);
  });
});

describe("authorization: a manager or agent calling an action directly is forbidden and nothing changes", () => {
  const cases = (["manager", "agent", "viewer"] as Role[]).flatMap((role) =>
    (["saveChannelAction", "checkConnectionAction", "deleteChannelAction"] as const).map((name) => [name, role] as const),
  );

  it("covers every exported action", () => {
    // submitChannelFormAction (the form's one action) calls the first two; integrations-security.test.ts walks its roles.
    expect(
      Object.keys(actions)
        .filter((k) => typeof (actions as Record<string, unknown>)[k] === "function")
        .sort(),
    ).toEqual(["checkConnectionAction", "deleteChannelAction", "saveChannelAction", "submitChannelFormAction"]);
  });

  it.each(cases)("%s as %s", async (name, role) => {
    const [target] = await testDb.db
      .insert(channels)
      .values({ name: `Target ${name} ${role}`, baseUrl: "https://t.example.com" })
      .returning();
    const before = await testDb.db.select().from(channels).where(eq(channels.id, target!.id));
    const [{ last }] = (await testDb.db.select({ last: max(auditLog.id) }).from(auditLog)) as [{ last: number | null }];
    sessionUserMock.mockResolvedValue(actors[role]);
    const data =
      name === "deleteChannelAction"
        ? form({ id: String(target!.id), confirmName: target!.name })
        : form(baseForm({ id: String(target!.id), name: "Hijacked", token: "attacker-token" }));
    expect(await call(name, data)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await testDb.db.select().from(channels).where(eq(channels.id, target!.id))).toEqual(before);
    expect(
      await testDb.db
        .select()
        .from(auditLog)
        .where(gt(auditLog.id, last ?? 0)),
    ).toHaveLength(0);
    expect(afterTasks).toHaveLength(0);
  });

  it("refuses an anonymous caller", async () => {
    sessionUserMock.mockResolvedValue(null);
    expect(await call("saveChannelAction", form(baseForm({ name: "Anon" })))).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await testDb.db.select().from(channels).where(eq(channels.name, "Anon"))).toHaveLength(0);
  });
});
