import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels } from "@/db/schema";
import * as actions from "@/app/(portal)/system/integrations/actions";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { openCredentials } from "@/lib/secrets/channel-credentials";
import type { ChannelFormState } from "@/lib/channels/form-state";
import { confirmationValue } from "@/lib/channels/save-warnings";
import { ChannelSaveNeedsConfirmation, channelSettingsSchema, saveChannelSettings } from "@/lib/channels/settings";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { waitForBackgroundSyncs } from "@/lib/sync/launch";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Issue 15 ("one Magento, one channel"): a save that would make a second channel of one store view
// (every order, customer and cart counted twice), or whose connection check failed, writes nothing
// and comes back with the warnings; the same save with "Save anyway" ticked for those warnings goes
// through and its audit entry says what was confirmed.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.7" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/server", () => ({ after: vi.fn() }));

type AnyAction = (previous: unknown, formData: FormData) => Promise<unknown>;
type Failure = Extract<ActionResult<unknown>, { ok: false }>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let testDb: TestDatabase;
let sim: RunningSimulator;
let admin: SessionUser;
const ACTOR = { userId: null, actor: "test" };
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY };

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

function fields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: "Main store",
    baseUrl: sim.baseUrl,
    authType: "bearer",
    token: sim.adminToken,
    storeCode: "default",
    syncStartDate: "2024-01-01",
    entities: ["customers", "orders"],
    // Inactive: a save never starts a sync here.
    active: "",
    ...overrides,
  };
}

const save = (values: Record<string, string | string[]>) =>
  (actions.saveChannelAction as unknown as AnyAction)(null, form(values)) as Promise<ActionResult<{ id: number }>>;

/** The settings as the form's schema reads them, for saveChannelSettings called directly (no connection check). */
const input = (values: Record<string, string | string[]>) => channelSettingsSchema.parse(fields(values));

async function channelCount(): Promise<number> {
  return (await testDb.db.select({ n: count() }).from(channels))[0]!.n;
}

async function rejected(promise: Promise<unknown>): Promise<ChannelSaveNeedsConfirmation> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the save was held back for confirmation").toBeInstanceOf(ChannelSaveNeedsConfirmation);
  return error as ChannelSaveNeedsConfirmation;
}

function warningsOf(result: ActionResult<unknown>): string[] {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  return (result as Failure).fieldErrors?.confirmWarnings ?? [];
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

async function lastAudit(channelId: number) {
  const [row] = await testDb.db.select().from(auditLog).where(eq(auditLog.channelId, channelId)).orderBy(desc(auditLog.id)).limit(1);
  return row!;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  const row = await createUser(
    testDb.db,
    { email: "admin@save-warnings.test", name: "Admin", role: "admin", password: "a sufficiently long password" },
    ACTOR,
  );
  admin = { id: row.id, email: row.email, name: row.name, role: "admin", permissions: ROLE_PERMISSIONS.admin };
  sim = await startMagentoSimulator({ port: 0, seed: 15, customers: 3, orders: 3 });
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
  sessionUserMock.mockResolvedValue(admin);
});

describe("the same store view as another channel (saveChannelSettings)", () => {
  let shopId = 0;

  beforeAll(async () => {
    const [shop] = await testDb.db
      .insert(channels)
      .values({ name: "Shop", baseUrl: "https://shop.example.com", storeCode: "default" })
      .returning();
    shopId = shop!.id;
    // Stored before the store code had a default: empty means "default".
    await testDb.db.insert(channels).values({ name: "Legacy", baseUrl: "https://legacy.example.com/shop", storeCode: "" });
    await testDb.db.insert(channels).values({ name: "Gone", baseUrl: "https://gone.example.com", deletingAt: new Date() });
  });

  it.each([
    ["a trailing slash", "https://shop.example.com/"],
    ["an upper-case host", "https://SHOP.Example.COM"],
    ["the default port of https", "https://shop.example.com:443/"],
    ["/index.php", "https://shop.example.com/index.php/"],
    ["an explicit /rest", "https://shop.example.com/rest"],
  ])("%s is the same store: nothing is saved, the other channel is named", async (_variant, baseUrl) => {
    const before = await channelCount();
    const error = await rejected(saveChannelSettings(testDb.db, input({ name: `Copy ${baseUrl}`, baseUrl }), ACTOR));
    expect(error.warnings).toEqual([expect.objectContaining({ kind: "duplicate", channelId: shopId, channelName: "Shop" })]);
    expect(error.warnings[0]!.message).toBe(
      "Channel “Shop” already syncs https://shop.example.com (store view default): every order, customer and cart would be counted twice in the dashboards and reports. Use that channel, or point this one at another store or store view.",
    );
    expect(error.fieldErrors).toEqual({ confirmWarnings: [error.warnings[0]!.message] });
    expect(await channelCount()).toBe(before);
  });

  it("an empty store code is Magento's default, both ways", async () => {
    await rejected(
      saveChannelSettings(testDb.db, input({ name: "Shop empty code", baseUrl: "https://shop.example.com", storeCode: "" }), ACTOR),
    );
    const legacy = await rejected(
      saveChannelSettings(
        testDb.db,
        input({ name: "Legacy again", baseUrl: "https://legacy.example.com/shop/", storeCode: "default" }),
        ACTOR,
      ),
    );
    expect(legacy.warnings[0]!.message).toContain("Channel “Legacy” already syncs https://legacy.example.com/shop (store view default)");
  });

  it.each([
    ["another scheme", "http://shop.example.com", "default"],
    ["another port", "https://shop.example.com:8443", "default"],
    ["another path", "https://shop.example.com/fr", "default"],
    ["another store code", "https://shop.example.com", "fr_fr"],
    ["a channel being deleted", "https://gone.example.com", "default"],
  ])("%s is not a duplicate: saved at once", async (_case, baseUrl, storeCode) => {
    const result = await saveChannelSettings(testDb.db, input({ name: `Other ${baseUrl} ${storeCode}`, baseUrl, storeCode }), ACTOR);
    expect(result.created).toBe(true);
  });

  it("editing a channel is not a duplicate of itself; pointing it at another channel's store is", async () => {
    const self = await saveChannelSettings(
      testDb.db,
      input({ id: String(shopId), name: "Shop", baseUrl: "https://Shop.example.com/", syncIntervalMinutes: "30" }),
      ACTOR,
    );
    expect(self).toMatchObject({ id: shopId, created: false });
    const [other] = await testDb.db.insert(channels).values({ name: "Elsewhere", baseUrl: "https://elsewhere.example.com" }).returning();
    const moved = await rejected(
      saveChannelSettings(testDb.db, input({ id: String(other!.id), name: "Elsewhere", baseUrl: "https://shop.example.com" }), ACTOR),
    );
    expect(moved.warnings[0]).toMatchObject({ kind: "duplicate", channelName: "Shop" });
    const [unchanged] = await testDb.db.select().from(channels).where(eq(channels.id, other!.id));
    expect(unchanged!.baseUrl).toBe("https://elsewhere.example.com");
  });

  it("confirmed for exactly these warnings, the save goes through and the audit entry says so", async () => {
    const values = { name: "Shop copy", baseUrl: "https://shop.example.com/" };
    const error = await rejected(saveChannelSettings(testDb.db, input(values), ACTOR));
    // A confirmation given for another warning (another channel's store) does not count.
    const elsewhere = await rejected(
      saveChannelSettings(testDb.db, input({ name: "Legacy copy", baseUrl: "https://legacy.example.com/shop" }), ACTOR),
    );
    await rejected(
      saveChannelSettings(
        testDb.db,
        input({ ...values, confirmWarnings: confirmationValue(elsewhere.warnings.map((w) => w.message)) }),
        ACTOR,
      ),
    );

    const result = await saveChannelSettings(
      testDb.db,
      input({ ...values, confirmWarnings: confirmationValue(error.warnings.map((w) => w.message)) }),
      ACTOR,
    );
    expect(result.created).toBe(true);
    const entry = await lastAudit(result.id);
    expect(entry.action).toBe("channel.created");
    expect(entry.details).toMatchObject({ confirmedOverWarnings: [error.warnings[0]!.message] });
  });

  it("a save without any warning records no confirmation", async () => {
    const result = await saveChannelSettings(testDb.db, input({ name: "Quiet", baseUrl: "https://quiet.example.com" }), ACTOR);
    expect((await lastAudit(result.id)).details).not.toHaveProperty("confirmedOverWarnings");
  });
});

describe("through the form's action, with the connection checked against the simulator", () => {
  let mainId = 0;

  it("the first channel of the store saves at once (connection fine, no duplicate)", async () => {
    const result = await save(fields());
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    mainId = (result as { data: { id: number } }).data.id;
  });

  it("a second channel of the same store: warned, nothing saved, what was typed comes back; confirmed: saved", async () => {
    const before = await channelCount();
    const typed = fields({ intent: "save", name: "Main store again", baseUrl: `${sim.baseUrl}/`, syncIntervalMinutes: "45" });
    const state = (await (actions.submitChannelFormAction as unknown as AnyAction)(null, form(typed))) as ChannelFormState;
    const warnings = warningsOf(state.save!);
    expect(state.save).toMatchObject({ ok: false, error: expect.stringContaining("Not saved yet") });
    expect(warnings).toEqual([
      `Channel “Main store” already syncs ${sim.baseUrl} (store view default): every order, customer and cart would be counted twice in the dashboards and reports. Use that channel, or point this one at another store or store view.`,
    ]);
    expect(state.submitted).toMatchObject({ name: "Main store again", baseUrl: `${sim.baseUrl}/`, syncIntervalMinutes: "45" });
    expect(state.submitted).not.toHaveProperty("token");
    expect(await channelCount()).toBe(before);

    const confirmed = await save({ ...typed, confirmWarnings: confirmationValue(warnings) });
    expect(confirmed, JSON.stringify(confirmed)).toMatchObject({
      ok: true,
      message: expect.stringContaining('Created "Main store again".'),
    });
    const id = (confirmed as { data: { id: number } }).data.id;
    expect(await channelCount()).toBe(before + 1);
    expect((await lastAudit(id)).details).toMatchObject({ confirmedOverWarnings: warnings });
  });

  it("an unreachable Magento: warned with the reason, nothing saved; confirmed: saved", async () => {
    const port = await closedPort();
    const values = fields({ name: "Closed port", baseUrl: `http://127.0.0.1:${port}` });
    const warnings = warningsOf(await save(values));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^The connection check failed, so this channel would not sync until it is fixed: Magento did not answer at this address \(127\.0\.0\.1:\d+\)/,
    );
    expect(await testDb.db.select().from(channels).where(eq(channels.name, "Closed port"))).toHaveLength(0);

    // Ticked for a warning nobody was shown (the box was ticked before the URL changed): asked again.
    expect(warningsOf(await save({ ...values, confirmWarnings: confirmationValue(["Something else"]) }))).toEqual(warnings);

    const result = await save({ ...values, confirmWarnings: confirmationValue(warnings) });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const [row] = await testDb.db.select().from(channels).where(eq(channels.name, "Closed port"));
    expect((await lastAudit(row!.id)).details).toMatchObject({ confirmedOverWarnings: warnings });
  });

  it("a token Magento refuses (edit): warned without the token; confirmed: saved; other edits are not checked again", async () => {
    const wrong = `wrong-token-${randomBytes(6).toString("hex")}`;
    const values = fields({ id: String(mainId), token: wrong });
    const warnings = warningsOf(await save(values));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Magento rejected the credentials (401");
    expect(JSON.stringify(warnings)).not.toContain(wrong);
    const [kept] = await testDb.db.select().from(channels).where(eq(channels.id, mainId));
    expect(openCredentials(kept!.credentialsEncrypted!)).toEqual({ type: "bearer", token: sim.adminToken });

    expect(await save({ ...values, confirmWarnings: confirmationValue(warnings) })).toMatchObject({ ok: true });
    const [replaced] = await testDb.db.select().from(channels).where(eq(channels.id, mainId));
    expect(openCredentials(replaced!.credentialsEncrypted!)).toEqual({ type: "bearer", token: wrong });
    const entry = await lastAudit(mainId);
    expect(entry).toMatchObject({ action: "channel.updated", details: { confirmedOverWarnings: warnings } });
    expect(JSON.stringify(entry)).not.toContain(wrong);

    // The interval alone: the connection is as saved, so the save does not wait on Magento.
    expect(await save(fields({ id: String(mainId), token: "", syncIntervalMinutes: "20" }))).toMatchObject({ ok: true });
    // Back to the right token: checked, fine, saved at once.
    expect(await save(fields({ id: String(mainId), token: sim.adminToken }))).toMatchObject({ ok: true });
  });

  it("a duplicate with a failed check: both warnings at once, one confirmation for both", async () => {
    const values = fields({ name: "Both", token: "another-wrong-token" });
    const warnings = warningsOf(await save(values));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("Channel “Main store” already syncs");
    expect(warnings[1]).toContain("Magento rejected the credentials (401");
    // Confirming only the duplicate is not enough.
    expect(warningsOf(await save({ ...values, confirmWarnings: confirmationValue([warnings[0]!]) }))).toEqual(warnings);
    expect(await save({ ...values, confirmWarnings: confirmationValue(warnings) })).toMatchObject({ ok: true });
  });
});
