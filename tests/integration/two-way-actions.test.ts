import { randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { redirect } from "next/navigation";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { channels, magentoCustomers, magentoNewsletterSubscribers, outbox } from "@/db/schema";
import * as customerActions from "@/app/(portal)/customers/two-way-actions";
import * as subscriberActions from "@/app/(portal)/marketing/subscribers/actions";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS, can, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { draftFromValues, type CustomerDraft } from "@/lib/customers/edit-form";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import { customerPushState, loadCustomerEdit } from "@/lib/customers/two-way/service";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The two-way sync server actions (customer edit, subscription, registration, retry / revert /
// dismiss, the subscribers grid), called directly as a forged request would call them, signed in
// per role against a real Postgres and the Magento simulator: viewers and agents are refused and
// nothing is written (the whole database compared before and after, and nothing reaches
// Magento); managers and admins edit, subscribe, register, and handle refused and overridden pushes.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.77" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/navigation")>()),
  redirect: vi.fn(),
}));
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: vi.fn((task: () => unknown) => void Promise.resolve().then(task)),
}));

type AnyAction = (previous: null, formData: FormData) => Promise<ActionResult<unknown> & { submitted?: CustomerDraft }>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
const redirectMock = redirect as unknown as Mock<(url: string) => never>;

let sim: RunningSimulator;
let testDb: TestDatabase;
let channelId = 0;
const actors = {} as Record<Role, SessionUser>;
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY };
/** Registered customers handed out one per test, so tests never share a record. */
let pool: { id: number; originId: number }[] = [];
let guestId = 0;
let fakeDeadPushId = 0;

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

async function run(role: Role | null, action: AnyAction, fields: Record<string, string | string[]>) {
  sessionUserMock.mockResolvedValue(role ? actors[role] : null);
  return action(null, form(fields));
}

function takeCustomer() {
  const next = pool.shift();
  if (!next) throw new Error("the test store has too few registered customers");
  return next;
}

/** The edit form of a customer as the page renders it, flattened to posted fields, with changes laid over. */
async function editFields(customerId: number, change: (draft: CustomerDraft) => void = () => {}): Promise<Record<string, string>> {
  const view = await loadCustomerEdit(testDb.db, actors.viewer, customerId);
  if (!view) throw new Error(`no edit view for customer ${customerId}`);
  const draft = draftFromValues(view.values, 1);
  change(draft);
  const fields: Record<string, string> = {
    customerId: String(customerId),
    baseToken: view.baseToken,
    firstname: draft.firstname,
    lastname: draft.lastname,
    email: draft.email,
    groupOriginId: draft.groupOriginId,
    dob: draft.dob,
    gender: draft.gender,
    defaultBilling: draft.defaultBilling,
    defaultShipping: draft.defaultShipping,
  };
  for (const a of draft.addresses) {
    for (const [key, value] of Object.entries(a)) {
      if (key === "slot") continue;
      if (key === "remove") {
        if (value) fields[`address.${a.slot}.remove`] = "on";
        continue;
      }
      fields[`address.${a.slot}.${key}`] = String(value);
    }
  }
  return fields;
}

/** Every table of the database as one comparable string. */
async function snapshot(): Promise<string> {
  const tables = (await testDb.db.execute(
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  )) as unknown as { tablename: string }[];
  const out: Record<string, unknown> = {};
  for (const { tablename } of tables) {
    out[tablename] = await testDb.db.execute(sql.raw(`select * from "${tablename}" order by 1`));
  }
  return JSON.stringify(out);
}

const pushedToMagento = () => JSON.stringify(sim.control.pushed());

/** Waits until the customer has no change on its way to Magento. */
async function settle(customerId: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await customerPushState(testDb.db, actors.viewer, customerId);
    if (state.pending.length === 0) return state;
    if (Date.now() > deadline)
      throw new Error(`customer ${customerId}: pushes still pending after ${timeoutMs} ms: ${JSON.stringify(state.pending)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function customerRow(id: number) {
  const [row] = await testDb.db.select().from(magentoCustomers).where(eq(magentoCustomers.id, id));
  return row!;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_BASE_URL;
  sim = await startMagentoSimulator({ port: 0, seed: 4711, customers: 30, orders: 40 });
  for (const role of ["admin", "manager", "agent", "viewer"] as Role[]) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@two-way.test`, name: `The ${role}`, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    actors[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const [channel] = await testDb.db
    .insert(channels)
    .values({
      name: "Two-way store",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
      syncStartDate: "2020-01-01",
      twoWaySync: true,
      syncPriority: "magento",
    })
    .returning();
  channelId = channel!.id;
  const synced = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli" });
  expect(synced.status).toBe("succeeded");
  pool = (await testDb.db
    .select({ id: magentoCustomers.id, originId: magentoCustomers.originId })
    .from(magentoCustomers)
    .where(and(eq(magentoCustomers.channelId, channelId), eq(magentoCustomers.isGuest, false), isNull(magentoCustomers.removedAt)))
    .orderBy(magentoCustomers.id)) as { id: number; originId: number }[];
  const [guest] = await testDb.db
    .insert(magentoCustomers)
    .values({
      channelId,
      isGuest: true,
      guestKey: `guest:${randomBytes(4).toString("hex")}@two-way.test`,
      email: `guest-${randomBytes(4).toString("hex")}@two-way.test`,
      firstName: "Gwen",
      lastName: "Guest",
    })
    .returning();
  guestId = guest!.id;
  // A push Magento refused, for the refusal tests of retry / revert / dismiss (never run: it is dead).
  const victim = takeCustomer();
  const [dead] = await testDb.db
    .insert(outbox)
    .values({
      channelId,
      kind: "customer.update",
      idempotencyKey: `test-dead-${randomBytes(4).toString("hex")}`,
      entityType: "customer",
      entityId: victim.id,
      status: "dead",
      lastError: "Refused in a test",
    })
    .returning();
  fakeDeadPushId = dead!.id;
}, 120_000);

afterAll(async () => {
  // Let pushes still running finish before the database goes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await sim?.close();
  await closeDb();
  await testDb?.drop();
  process.env.DATABASE_URL = saved.url;
  if (saved.key === undefined) delete process.env.ENCRYPTION_KEY;
  else process.env.ENCRYPTION_KEY = saved.key;
});

beforeEach(() => {
  sessionUserMock.mockReset();
  redirectMock.mockClear();
});

// ── refusals ─────────────────────────────────────────────────────────────────────────────────

describe("viewer and agent are refused by every two-way action, and nothing is written", () => {
  let target = { id: 0, originId: 0 };
  let subscriberId = 0;
  const CALLS: Record<string, () => Promise<Record<string, string | string[]>>> = {
    saveCustomerAction: () =>
      editFields(target.id, (d) => {
        d.firstname = "Forged";
        d.email = "forged@two-way.test";
      }),
    changeSubscriptionAction: async () => ({ customerIds: [String(target.id), String(pool[0]!.id)], subscribed: "1" }),
    registerCustomerAction: async () => ({ customerId: String(guestId) }),
    retryPushAction: async () => ({ pushId: String(fakeDeadPushId) }),
    revertPushAction: async () => ({ pushId: String(fakeDeadPushId) }),
    dismissOverrideAction: async () => ({ pushId: String(fakeDeadPushId) }),
    changeSubscriberSubscriptionAction: async () => ({ subscriberIds: String(subscriberId), subscribed: "0" }),
  };
  const ACTIONS: Record<string, AnyAction> = { ...customerActions, ...subscriberActions } as unknown as Record<string, AnyAction>;

  beforeAll(async () => {
    target = takeCustomer();
    const [row] = await testDb.db.select({ id: magentoNewsletterSubscribers.id }).from(magentoNewsletterSubscribers).limit(1);
    subscriberId = row?.id ?? 1;
  });

  it("covers every exported server action of both files", () => {
    const exported = [...Object.keys(customerActions), ...Object.keys(subscriberActions)].filter((name) => name.endsWith("Action")).sort();
    expect(Object.keys(CALLS).sort()).toEqual(exported);
  });

  const cases = Object.keys(CALLS).flatMap((name) => (["viewer", "agent"] as const).map((role) => [name, role] as const));
  it.each(cases)("%s as %s: forbidden", async (name, role) => {
    expect(can(role, "edit_customers")).toBe(false);
    const fields = await CALLS[name]!();
    const before = await snapshot();
    const magentoBefore = pushedToMagento();
    const result = await run(role, ACTIONS[name]!, fields);
    expect(result).toMatchObject({ ok: false, code: "forbidden", error: "Your role does not allow this action." });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await snapshot()).toBe(before);
    expect(pushedToMagento()).toBe(magentoBefore);
    expect(redirectMock).not.toHaveBeenCalled();
  });

  it.each(Object.keys(CALLS))("%s without a session: sign in again, nothing is written", async (name) => {
    const fields = await CALLS[name]!();
    const before = await snapshot();
    expect(await run(null, ACTIONS[name]!, fields)).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await snapshot()).toBe(before);
  });

  it("only managers and admins hold edit_customers", () => {
    expect((["admin", "manager", "agent", "viewer"] as Role[]).filter((role) => can(role, "edit_customers"))).toEqual(["admin", "manager"]);
  });
});

// ── managers and admins ─────────────────────────────────────────────────────────────────────

describe("managers and admins edit customers and Magento gets the change", () => {
  it.each(["manager", "admin"] as const)("%s renames a customer: saved locally, pushed, read back from Magento", async (role) => {
    const customer = takeCustomer();
    const name = `Renamed-${role}`;
    const result = await run(
      role,
      customerActions.saveCustomerAction as AnyAction,
      await editFields(customer.id, (d) => {
        d.firstname = name;
      }),
    );
    expect(result).toMatchObject({ ok: true, data: { customerId: customer.id, changedFields: ["firstname"] } });
    const pushId = (result as { data: { pushId: number } }).data.pushId;
    expect(redirectMock).toHaveBeenCalledWith(`/customers/${customer.id}?push=${pushId}`);
    expect((await customerRow(customer.id)).firstName).toBe(name);
    const state = await settle(customer.id);
    expect(state.failed).toEqual([]);
    expect(sim.store.getCustomer(customer.originId).firstname).toBe(name);
    expect(
      sim.control
        .pushed()
        .customerUpdates.some((u) => u.customerId === customer.originId && (u.after as { firstname?: string }).firstname === name),
    ).toBe(true);
    expect((await customerRow(customer.id)).firstName).toBe(name);
  });

  it("a field left empty comes back on its field with everything typed, and nothing is written", async () => {
    const customer = takeCustomer();
    const fields = await editFields(customer.id, (d) => {
      d.firstname = "  ";
      d.lastname = "Kept-As-Typed";
    });
    const before = await snapshot();
    const result = await run("manager", customerActions.saveCustomerAction as AnyAction, fields);
    expect(result).toMatchObject({ ok: false, code: "invalid", fieldErrors: { firstname: ["Enter a first name."] } });
    expect(result.submitted).toMatchObject({ lastname: "Kept-As-Typed" });
    expect(redirectMock).not.toHaveBeenCalled();
    expect(await snapshot()).toBe(before);
  });

  it("a new address is checked against Magento's directory: a US address needs a listed region, on its field", async () => {
    const customer = takeCustomer();
    let slot = 0;
    const fields = await editFields(customer.id, (d) => {
      const blank = d.addresses.at(-1)!;
      slot = blank.slot;
      Object.assign(blank, {
        firstname: "Robin",
        lastname: "Quinn",
        street1: "12 Market Street",
        city: "Albany",
        postcode: "12207",
        countryId: "US",
        regionId: "",
        telephone: "518-555-0199",
      });
    });
    const before = await snapshot();
    const result = await run("manager", customerActions.saveCustomerAction as AnyAction, fields);
    expect(result).toMatchObject({ ok: false, code: "invalid" });
    expect(result.ok ? {} : result.fieldErrors).toHaveProperty([`address.${slot}.regionId`]);
    expect(result.submitted?.addresses.find((a) => a.slot === slot)).toMatchObject({ street1: "12 Market Street", city: "Albany" });
    expect(await snapshot()).toBe(before);
  });

  it("a base changed in the browser is refused with a clear error, and nothing is written", async () => {
    const customer = takeCustomer();
    const fields = await editFields(customer.id, (d) => {
      d.lastname = "Changed";
    });
    const view = (await loadCustomerEdit(testDb.db, actors.viewer, customer.id))!;
    // Claims the form showed another email: a "change" of email with a false "from" in the audit.
    fields.baseToken = Buffer.from(JSON.stringify({ v: 1, values: { ...view.values, email: "was-someone-else@two-way.test" } })).toString(
      "base64url",
    );
    const before = await snapshot();
    const result = await run("manager", customerActions.saveCustomerAction as AnyAction, fields);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/could not be verified.*reload the page/i) });
    expect(result.submitted).toMatchObject({ lastname: "Changed" });
    expect(redirectMock).not.toHaveBeenCalled();
    expect(await snapshot()).toBe(before);
  });

  it("with two-way sync off the customer is read-only: the reason, and nothing is written", async () => {
    const customer = takeCustomer();
    const fields = await editFields(customer.id, (d) => {
      d.lastname = "Offline";
    });
    await testDb.db.update(channels).set({ twoWaySync: false }).where(eq(channels.id, channelId));
    try {
      const before = await snapshot();
      const result = await run("manager", customerActions.saveCustomerAction as AnyAction, fields);
      expect(result).toMatchObject({ ok: false });
      expect(result.ok ? "" : result.error).toMatch(/two-way/i);
      expect(await snapshot()).toBe(before);
      const subscription = await run("admin", customerActions.changeSubscriptionAction as AnyAction, {
        customerIds: String(customer.id),
        subscribed: "1",
      });
      expect(subscription).toMatchObject({ ok: false });
      expect(await snapshot()).toBe(before);
    } finally {
      await testDb.db.update(channels).set({ twoWaySync: true }).where(eq(channels.id, channelId));
    }
  });
});

describe("subscriptions from the customer page and the grids", () => {
  it.each(["manager", "admin"] as const)("%s subscribes and unsubscribes a customer; Magento has it", async (role) => {
    const customer = takeCustomer();
    const start = sim.store.getCustomer(customer.originId).extension_attributes.is_subscribed === true;
    for (const subscribed of [!start, start]) {
      const result = await run(role, customerActions.changeSubscriptionAction as AnyAction, {
        customerIds: String(customer.id),
        subscribed: subscribed ? "1" : "0",
      });
      expect(result).toMatchObject({ ok: true, data: { queued: 1, refused: [] } });
      await settle(customer.id);
      expect(sim.store.getCustomer(customer.originId).extension_attributes.is_subscribed === true).toBe(subscribed);
      expect((await customerRow(customer.id)).isSubscribed).toBe(subscribed);
    }
    expect(
      sim.control
        .pushed()
        .subscriptionChanges.filter((c) => c.customerId === customer.originId)
        .map((c) => c.to),
    ).toEqual([!start, start]);
  });

  it("a bulk subscribe says how many were queued and names the refused with why", async () => {
    const customer = takeCustomer();
    const result = await run("manager", customerActions.changeSubscriptionAction as AnyAction, {
      customerIds: [String(customer.id), String(guestId)],
      subscribed: "1",
    });
    expect(result).toMatchObject({ ok: true, data: { queued: 1 } });
    const data = (result as { data: { refused: { label: string; reason: string }[]; notes: string[] } }).data;
    expect(data.refused).toHaveLength(1);
    expect(data.refused[0]!.label).toContain("@two-way.test");
    expect(data.refused[0]!.reason).not.toBe("");
    expect(result.ok ? result.message : "").toMatch(/1 of 2 queued to subscribe/);
    await settle(customer.id);
  });

  it("the subscribers grid's action changes the subscription of the row's customer", async () => {
    const [row] = await testDb.db
      .select({
        id: magentoNewsletterSubscribers.id,
        customerId: magentoNewsletterSubscribers.customerId,
        status: magentoNewsletterSubscribers.status,
      })
      .from(magentoNewsletterSubscribers)
      .innerJoin(magentoCustomers, eq(magentoCustomers.id, magentoNewsletterSubscribers.customerId))
      .where(and(eq(magentoNewsletterSubscribers.channelId, channelId), eq(magentoCustomers.isGuest, false)))
      .limit(1);
    expect(row, "a subscriber with a customer account").toBeDefined();
    pool = pool.filter((c) => c.id !== row!.customerId);
    const subscribe = row!.status !== "subscribed";
    const result = await run("admin", subscriberActions.changeSubscriberSubscriptionAction as AnyAction, {
      subscriberIds: String(row!.id),
      subscribed: subscribe ? "1" : "0",
    });
    expect(result).toMatchObject({ ok: true, data: { queued: 1, refused: [] } });
    await settle(row!.customerId!);
    expect((await customerRow(row!.customerId!)).isSubscribed).toBe(subscribe);
  });
});

describe("a push Magento refuses for good: shown with Magento's reason, then retry and revert", () => {
  it("an email another customer of the website uses: dead with Magento's words; retry fails again; revert restores Magento's email", async () => {
    const customer = takeCustomer();
    // Magento refuses an email another customer of the same website uses (the sync's order of
    // portal ids says nothing about websites: look for one).
    const website = sim.store.getCustomer(customer.originId).website_id;
    const other = pool.find((c) => sim.store.getCustomer(c.originId).website_id === website);
    if (!other) throw new Error("the test store has no second customer on that website");
    pool = pool.filter((c) => c !== other);
    const taken = sim.store.getCustomer(other.originId).email;
    const original = (await customerRow(customer.id)).email;
    const result = await run(
      "manager",
      customerActions.saveCustomerAction as AnyAction,
      await editFields(customer.id, (d) => {
        d.email = taken;
      }),
    );
    expect(result).toMatchObject({ ok: true, data: { changedFields: ["email"] } });
    let state = await settle(customer.id);
    expect(state.failed).toHaveLength(1);
    const failed = state.failed[0]!;
    expect(failed.error).toContain("A customer with the same email address already exists in an associated website.");
    // The local value stays, visibly not saved in Magento.
    expect((await customerRow(customer.id)).email).toBe(taken);
    expect(sim.store.getCustomer(customer.originId).email).toBe(original);

    expect(await run("admin", customerActions.retryPushAction as AnyAction, { pushId: String(failed.id) })).toMatchObject({ ok: true });
    state = await settle(customer.id);
    expect(state.failed.map((p) => p.id)).toContain(failed.id);

    expect(await run("manager", customerActions.revertPushAction as AnyAction, { pushId: String(failed.id) })).toMatchObject({ ok: true });
    state = await settle(customer.id);
    expect(state.failed).toEqual([]);
    expect((await customerRow(customer.id)).email).toBe(original);
  });
});

describe("Magento wins: an overridden edit is shown with both values and can be dismissed", () => {
  it("both sides change the last name: Magento's stays, the override lists both, dismiss clears it", async () => {
    const customer = takeCustomer();
    const fields = await editFields(customer.id, (d) => {
      d.lastname = "Portal-Side";
    });
    // Magento changes the same field after the form was opened.
    const current = sim.store.getCustomer(customer.originId);
    sim.store.replaceCustomer(customer.originId, { ...structuredClone(current), lastname: "Magento-Side" } as unknown as Record<
      string,
      unknown
    >);
    const result = await run("manager", customerActions.saveCustomerAction as AnyAction, fields);
    expect(result).toMatchObject({ ok: true });
    const state = await settle(customer.id);
    expect(state.overridden).toHaveLength(1);
    expect(state.overridden[0]!.overridden).toEqual([{ field: "lastname", yours: "Portal-Side", magento: "Magento-Side" }]);
    expect(sim.store.getCustomer(customer.originId).lastname).toBe("Magento-Side");
    expect((await customerRow(customer.id)).lastName).toBe("Magento-Side");

    expect(
      await run("manager", customerActions.dismissOverrideAction as AnyAction, { pushId: String(state.overridden[0]!.id) }),
    ).toMatchObject({ ok: true });
    expect((await customerPushState(testDb.db, actors.viewer, customer.id)).overridden).toEqual([]);
  });
});

describe("Register in Magento", () => {
  it("an admin registers a guest: queued, and the guest becomes a registered customer once Magento has it", async () => {
    const { email } = await customerRow(guestId);
    const result = await run("admin", customerActions.registerCustomerAction as AnyAction, { customerId: String(guestId) });
    expect(result).toMatchObject({ ok: true, data: { pushId: expect.any(Number) } });
    const state = await settle(guestId);
    expect(state.failed).toEqual([]);
    const registered = await testDb.db
      .select()
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.email, email), eq(magentoCustomers.isGuest, false)));
    expect(registered).toHaveLength(1);
    expect(registered[0]!.originId).not.toBeNull();
    expect([...sim.store.customers.values()].filter((c) => c.email === email)).toHaveLength(1);
  });
});
