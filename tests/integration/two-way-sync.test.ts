import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditLog, channels, magentoCustomerAddresses, magentoCustomers, magentoNewsletterSubscribers, outbox } from "@/db/schema";
import type { Actor } from "@/lib/audit/log";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import type { Customer, Json } from "@/simulator/types";
import { createChannelClient } from "@/lib/sync/channel-client";
import { writeCustomers } from "@/lib/sync/connectors/customers";
import { writeSubscribers } from "@/lib/sync/connectors/newsletter_subscribers";
import { runChannelSync } from "@/lib/sync/runner";
import { syncRecord } from "@/lib/sync/sync-record";
import type { ChannelRow } from "@/lib/sync/types";
import { waitForBackgroundPushes } from "@/lib/customers/two-way/kick";
import { MAX_ATTEMPTS, pushClient, runDuePushes } from "@/lib/customers/two-way/pusher";
import {
  customerPushState,
  dismissOverride,
  listPushFailures,
  loadCustomerEdit,
  pushCounts,
  requestCustomerEdit,
  requestRegistration,
  requestSubscription,
  requestSubscriptionForSubscribers,
  retryPush,
  revertPush,
  type CustomerEditView,
  type CustomerValues,
} from "@/lib/customers/two-way/service";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// Loaders import lib/auth/session.ts; next-auth (lib/auth/auth.ts) cannot load outside Next.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// Two-way sync against the in-process simulator and a real Postgres: edits pushed and read back,
// conflicts both ways, permanent and transient failures, subscription, registration, a sync
// while a push waits, and the refusals.

const EMAIL_TAKEN = "A customer with the same email address already exists in an associated website.";

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
let manager: Actor;
let viewer: Actor;
/** Who reads the customer page and Sync History in these tests (the loaders check the permission). */
const pageUser = sessionUserOf("manager");
const used = new Set<number>();
const savedKick = process.env.TWO_WAY_PUSH_KICK;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  // Signs the edit form's base (lib/secrets/signing.ts).
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
  // Pushes run when a test says so (runDuePushes), except where a test turns the kick on.
  process.env.TWO_WAY_PUSH_KICK = "off";
  sim = await startMagentoSimulator({ port: 0, seed: 707, customers: 80, orders: 30 });
  testDb = await createTestDatabase();
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "two-way",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
      twoWaySync: true,
      syncPriority: "magento",
    })
    .returning()) as [ChannelRow];
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", pageSize: 100 });
  expect(run.status).toBe("succeeded");
  for (const role of ["manager", "viewer"] as const) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@two-way.test`, name: `The ${role}`, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    if (role === "manager") manager = { userId: row.id, actor: row.email };
    else viewer = { userId: row.id, actor: row.email };
  }
}, 90_000);

afterAll(async () => {
  await waitForBackgroundPushes();
  await sim?.close();
  await testDb?.drop();
  if (savedKick === undefined) delete process.env.TWO_WAY_PUSH_KICK;
  else process.env.TWO_WAY_PUSH_KICK = savedKick;
});

beforeEach(async () => {
  sim.control.clearFaults();
  process.env.TWO_WAY_PUSH_KICK = "off";
  await testDb.db.update(channels).set({ twoWaySync: true, syncPriority: "magento" }).where(eq(channels.id, channel.id));
});

/** A registered customer of website 1 not used by another test (portal row + Magento record). */
async function freshCustomer(websiteId = 1): Promise<{ id: number; originId: number; magento: () => Customer }> {
  const rows = await testDb.db
    .select({ id: magentoCustomers.id, originId: magentoCustomers.originId })
    .from(magentoCustomers)
    .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.isGuest, false)))
    .orderBy(magentoCustomers.id);
  const row = rows.find((r) => r.originId !== null && !used.has(r.id) && sim.store.customers.get(r.originId)?.website_id === websiteId);
  if (!row) throw new Error("no unused customer left");
  used.add(row.id);
  const originId = row.originId!;
  return { id: row.id, originId, magento: () => sim.store.getCustomer(originId) };
}

/** A change made in Magento itself (the admin, the storefront): a whole-customer save. */
function magentoEdit(originId: number, change: Partial<Customer>) {
  const current = structuredClone(sim.store.getCustomer(originId)) as Json;
  sim.store.replaceCustomer(originId, { ...current, ...change } as Json);
}

async function local(id: number) {
  const [row] = await testDb.db.select().from(magentoCustomers).where(eq(magentoCustomers.id, id));
  return row!;
}

async function pushRow(id: number) {
  const [row] = await testDb.db.select().from(outbox).where(eq(outbox.id, id));
  return row!;
}

async function edit(customerId: number, change: (values: CustomerValues) => CustomerValues, view?: CustomerEditView) {
  const form = view ?? (await loadCustomerEdit(testDb.db, pageUser, customerId))!;
  return requestCustomerEdit(testDb.db, manager, { customerId, baseToken: form.baseToken, values: change(structuredClone(form.values)) });
}

describe("customer edits", () => {
  it("pushes a portal-only change at once (kick), confirms it by reading back, and audits it", async () => {
    const c = await freshCustomer();
    process.env.TWO_WAY_PUSH_KICK = "on";
    const result = await edit(c.id, (v) => ({ ...v, firstname: "Portalia", dob: "1980-02-03" }));
    expect(result).toMatchObject({ ok: true, changedFields: ["firstname", "dob"] });
    if (!result.ok) return;
    // The local row shows the edit at once, marked as waiting.
    expect((await local(c.id)).firstName).toBe("Portalia");
    await waitForBackgroundPushes();
    const push = await pushRow(result.pushId);
    expect(push.status).toBe("done");
    expect(c.magento()).toMatchObject({ firstname: "Portalia", dob: "1980-02-03" });
    expect(sim.control.pushed().customerUpdates.at(-1)).toMatchObject({ customerId: c.originId, after: { firstname: "Portalia" } });
    // Read back and written as the sync writes it: nothing pending any more.
    const row = await local(c.id);
    expect(row).toMatchObject({ firstName: "Portalia", dob: "1980-02-03", pendingFields: [] });
    expect(row.remoteUpdatedAt?.getTime()).toBeGreaterThan(0);
    // GET before PUT, PUT, GET after.
    const log = sim.control.requests(20).log.filter((l) => l.path.endsWith(`/V1/customers/${c.originId}`));
    expect(log.slice(-3).map((l) => l.method)).toEqual(["GET", "PUT", "GET"]);
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "customer.edited"), eq(auditLog.entityId, String(c.id))));
    expect(audit?.details).toMatchObject({ pushId: result.pushId, fields: ["firstname", "dob"] });
  });

  it("keeps a Magento-only change: only the portal's fields are sent", async () => {
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    magentoEdit(c.originId, { lastname: "Magentoson" });
    const result = await edit(c.id, (v) => ({ ...v, firstname: "Onlyhere" }), form);
    expect(result.ok).toBe(true);
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 1, done: 1 });
    expect(c.magento()).toMatchObject({ firstname: "Onlyhere", lastname: "Magentoson" });
    expect(await local(c.id)).toMatchObject({ firstName: "Onlyhere", lastName: "Magentoson" });
  });

  it("changed on both sides, Magento wins: Magento's value stays, the override is recorded with both values", async () => {
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    magentoEdit(c.originId, { firstname: "FromMagento" });
    const result = await edit(c.id, (v) => ({ ...v, firstname: "FromPortal", lastname: "Alsochanged" }), form);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(c.magento()).toMatchObject({ firstname: "FromMagento", lastname: "Alsochanged" });
    expect(await local(c.id)).toMatchObject({ firstName: "FromMagento", lastName: "Alsochanged", pendingFields: [] });
    const state = await customerPushState(testDb.db, pageUser, c.id);
    expect(state.overridden).toHaveLength(1);
    expect(state.overridden[0]!.overridden).toEqual([{ field: "firstname", yours: "FromPortal", magento: "FromMagento" }]);
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "customer.push_overridden"), eq(auditLog.entityId, String(c.id))));
    expect(audit).toBeDefined();
    expect(await dismissOverride(testDb.db, manager, { pushId: result.pushId })).toEqual({ ok: true });
    expect((await customerPushState(testDb.db, pageUser, c.id)).overridden).toHaveLength(0);
  });

  it("changed on both sides, Portal wins: the portal's value is pushed over Magento's", async () => {
    await testDb.db.update(channels).set({ syncPriority: "portal" }).where(eq(channels.id, channel.id));
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    magentoEdit(c.originId, { firstname: "FromMagento", lastname: "MagentoOnly" });
    const result = await edit(c.id, (v) => ({ ...v, firstname: "FromPortal" }), form);
    expect(result.ok).toBe(true);
    await runDuePushes(testDb.db, { channelId: channel.id });
    // Ours wins the conflict; Magento's change of the other field survives.
    expect(c.magento()).toMatchObject({ firstname: "FromPortal", lastname: "MagentoOnly" });
    expect(await local(c.id)).toMatchObject({ firstName: "FromPortal", lastName: "MagentoOnly" });
    expect((await customerPushState(testDb.db, pageUser, c.id)).overridden).toHaveLength(0);
  });

  it("pushes group, gender and addresses (edited, added) and reads them back", async () => {
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    expect(form.groups.map((g) => g.originId)).toEqual([1, 2, 3]);
    const group = form.values.groupOriginId === 3 ? 2 : 3;
    const result = await edit(
      c.id,
      (v) => ({
        ...v,
        groupOriginId: group,
        gender: 2,
        addresses: [
          ...v.addresses.map((a, i) =>
            i === 0
              ? { ...a, street: ["1 Changed Street"], defaultBilling: true, defaultShipping: false }
              : { ...a, defaultBilling: false, defaultShipping: false },
          ),
          {
            id: null,
            firstname: "New",
            lastname: "Address",
            street: ["5 Added Road"],
            city: "Austin",
            postcode: "73301",
            countryId: "US",
            regionId: 57,
            region: "Texas",
            telephone: "(512) 555-0100",
            company: null,
            defaultBilling: false,
            defaultShipping: true,
          },
        ],
      }),
      form,
    );
    expect(result).toMatchObject({ ok: true, changedFields: ["groupOriginId", "gender", "addresses"] });
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ done: 1 });
    const m = c.magento();
    expect(m).toMatchObject({ group_id: group, gender: 2 });
    expect(m.addresses.find((a) => a.default_billing)?.street).toEqual(["1 Changed Street"]);
    const added = m.addresses.find((a) => a.default_shipping)!;
    expect(added).toMatchObject({ street: ["5 Added Road"], city: "Austin", region_id: 57, country_id: "US" });
    expect(added.region.region_code).toBe("TX");
    const addresses = await testDb.db.select().from(magentoCustomerAddresses).where(eq(magentoCustomerAddresses.customerId, c.id));
    expect(addresses.find((a) => a.originId === added.id)).toMatchObject({ city: "Austin", isDefaultShipping: true, regionCode: "TX" });
    expect(await local(c.id)).toMatchObject({ groupOriginId: group, gender: 2, defaultShippingOriginId: added.id, pendingFields: [] });
  });

  it('a forged base (changed in the browser, or another customer\'s) cannot win a conflict or put false "from" values in the audit', async () => {
    const c = await freshCustomer();
    const other = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    const realEmail = form.values.email;
    const realFirstname = form.values.firstname;
    magentoEdit(c.originId, { firstname: "FromMagento" });
    // The browser claims the form was built on Magento's new first name (so no conflict) and on another email.
    const forged = { ...form.values, firstname: "FromMagento", email: "someone-else@example.org" };
    const [, signature] = form.baseToken.split(".");
    const tokens = {
      unsigned: Buffer.from(JSON.stringify({ v: 1, values: forged })).toString("base64url"),
      "signature of other values": `${Buffer.from(JSON.stringify({ v: 2, customerId: c.id, values: forged })).toString("base64url")}.${signature}`,
      "another customer's": (await loadCustomerEdit(testDb.db, pageUser, other.id))!.baseToken,
    };
    for (const [name, baseToken] of Object.entries(tokens)) {
      const result = await requestCustomerEdit(testDb.db, manager, {
        customerId: c.id,
        baseToken,
        values: { ...form.values, firstname: "FromPortal" },
      });
      expect(result, name).toMatchObject({ ok: false, error: expect.stringContaining("could not be verified") });
    }
    expect(await testDb.db.select().from(outbox).where(eq(outbox.entityId, c.id))).toEqual([]);
    expect(
      await testDb.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "customer.edited"), eq(auditLog.entityId, String(c.id)))),
    ).toEqual([]);
    expect((await local(c.id)).firstName).toBe(realFirstname);

    // The form's own base still shows the conflict: Magento wins, and the audit names the real old values.
    const genuine = await edit(c.id, (v) => ({ ...v, firstname: "FromPortal" }), form);
    expect(genuine.ok).toBe(true);
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(c.magento()).toMatchObject({ firstname: "FromMagento", email: realEmail });
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "customer.edited"), eq(auditLog.entityId, String(c.id))));
    expect(audit?.details).toMatchObject({ fields: ["firstname"], changes: { firstname: { from: realFirstname, to: "FromPortal" } } });
  });

  it("refuses invalid values with field errors, and an edit that changes nothing", async () => {
    const c = await freshCustomer();
    const bad = await edit(c.id, (v) => ({ ...v, email: "not an email", firstname: " ", dob: "2999-01-01" }));
    expect(bad).toMatchObject({
      ok: false,
      fieldErrors: { email: expect.any(Array), firstname: expect.any(Array), dob: expect.any(Array) },
    });
    const same = await edit(c.id, (v) => v);
    expect(same).toMatchObject({ ok: false, error: expect.stringContaining("Nothing to save") });
    const expired = await requestCustomerEdit(testDb.db, manager, {
      customerId: c.id,
      baseToken: "garbage",
      values: (await loadCustomerEdit(testDb.db, pageUser, c.id))!.values,
    });
    expect(expired).toMatchObject({ ok: false, error: expect.stringContaining("could not be verified") });
  });
});

describe("failures", () => {
  it("a permanent failure (email used in the same website) is dead with Magento's reason; an edit then succeeds", async () => {
    const a = await freshCustomer();
    const b = await freshCustomer();
    const taken = b.magento().email;
    const first = await edit(a.id, (v) => ({ ...v, email: taken }));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ dead: 1 });
    const dead = await pushRow(first.pushId);
    expect(dead).toMatchObject({ status: "dead", lastError: EMAIL_TAKEN });
    // Not silently kept or dropped: the local value stays, visibly not saved in Magento.
    expect(await local(a.id)).toMatchObject({ email: taken, pendingFields: ["email"] });
    expect(a.magento().email).not.toBe(taken);
    const state = await customerPushState(testDb.db, pageUser, a.id);
    expect(state.failed[0]).toMatchObject({ id: first.pushId, status: "dead", error: EMAIL_TAKEN, fields: ["email"] });
    const failures = await listPushFailures(testDb.db, pageUser, { channelId: channel.id });
    expect(failures.find((f) => f.id === first.pushId)).toMatchObject({ customerId: a.id, channelName: "two-way", error: EMAIL_TAKEN });
    expect((await pushCounts(testDb.db, { channelId: channel.id }))[0]!.failed).toBeGreaterThan(0);
    // A sync meanwhile does not put Magento's email back over the waiting one.
    await syncRecord(testDb.db, { channelId: channel.id, connector: "customers", originId: a.originId });
    expect((await local(a.id)).email).toBe(taken);

    // The user edits again: the same change row is sent again, and goes through.
    const second = await edit(a.id, (v) => ({ ...v, email: `fixed-${a.originId}@example.org` }));
    expect(second).toMatchObject({ ok: true, pushId: first.pushId });
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(await pushRow(first.pushId)).toMatchObject({ status: "done", lastError: null });
    expect(a.magento().email).toBe(`fixed-${a.originId}@example.org`);
    expect(await local(a.id)).toMatchObject({ email: `fixed-${a.originId}@example.org`, pendingFields: [] });
  });

  it("retry sends a dead change again; revert puts Magento's values back locally", async () => {
    const a = await freshCustomer();
    const b = await freshCustomer();
    const c = await freshCustomer();
    const original = a.magento().email;
    const pushA = await edit(a.id, (v) => ({ ...v, email: b.magento().email }));
    const pushC = await edit(c.id, (v) => ({ ...v, email: b.magento().email, firstname: "Reverted" }));
    if (!pushA.ok || !pushC.ok) throw new Error("edits refused");
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect((await pushRow(pushA.pushId)).status).toBe("dead");
    expect((await pushRow(pushC.pushId)).status).toBe("dead");

    // b leaves that email in Magento: a retry of a's change now succeeds.
    magentoEdit(b.originId, { email: `moved-${b.originId}@example.org` });
    expect(await retryPush(testDb.db, manager, { pushId: pushA.pushId })).toEqual({ ok: true });
    expect((await pushRow(pushA.pushId)).status).toBe("pending");
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(await pushRow(pushA.pushId)).toMatchObject({ status: "done" });
    expect(a.magento().email).not.toBe(original);
    expect(await retryPush(testDb.db, manager, { pushId: pushA.pushId })).toMatchObject({ ok: false });

    // c reverts (the address is a's now): local values = Magento's, nothing pending.
    expect(await revertPush(testDb.db, manager, { pushId: pushC.pushId })).toEqual({ ok: true });
    expect((await pushRow(pushC.pushId)).status).toBe("reverted");
    expect(await local(c.id)).toMatchObject({ email: c.magento().email, firstName: c.magento().firstname, pendingFields: [] });
    const actions = (await testDb.db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["customer.push_retried", "customer.push_reverted", "customer.push_failed"]));
  });

  it("a transient failure (503) waits with backoff, then succeeds", async () => {
    const c = await freshCustomer();
    const result = await edit(c.id, (v) => ({ ...v, lastname: "Afterwards" }));
    if (!result.ok) throw new Error(result.error);
    sim.control.addFaults({ path: `/V1/customers/${c.originId}`, method: "GET", status: 503, times: 1 });
    const before = Date.now();
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 1, retrying: 1 });
    const waiting = await pushRow(result.pushId);
    expect(waiting).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("503") });
    // First retry after ~15 s (±20 %).
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(11_000);
    expect((await customerPushState(testDb.db, pageUser, c.id)).pending[0]).toMatchObject({
      attempts: 1,
      nextAttemptAt: waiting.nextAttemptAt.toISOString(),
    });
    // Not due yet: nothing is taken.
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 0 });
    expect(c.magento().lastname).not.toBe("Afterwards");
    expect(await runDuePushes(testDb.db, { channelId: channel.id, now: new Date(Date.now() + 60_000) })).toMatchObject({ done: 1 });
    expect(await pushRow(result.pushId)).toMatchObject({ status: "done", attempts: 2 });
    expect(c.magento().lastname).toBe("Afterwards");
  });

  it("gives up after the last attempt (failed, shown with the reason)", async () => {
    const c = await freshCustomer();
    const result = await edit(c.id, (v) => ({ ...v, lastname: "Never" }));
    if (!result.ok) throw new Error(result.error);
    await testDb.db
      .update(outbox)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(outbox.id, result.pushId));
    sim.control.addFaults({ path: `/V1/customers/${c.originId}`, method: "GET", status: 500, times: 1 });
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ failed: 1 });
    expect(await pushRow(result.pushId)).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining(`Gave up after ${MAX_ATTEMPTS} attempts`),
    });
    expect((await customerPushState(testDb.db, pageUser, c.id)).failed[0]).toMatchObject({ id: result.pushId, status: "failed" });
  });
});

describe("subscription", () => {
  it("subscribes and unsubscribes through PUT customer, confirmed by readback, in the customer and subscriber rows", async () => {
    const c = await freshCustomer();
    const start = c.magento().extension_attributes.is_subscribed;
    const sub = await requestSubscription(testDb.db, manager, { customerIds: [c.id], subscribed: !start });
    expect(sub).toMatchObject({ ok: true, queued: [c.id], refused: [] });
    expect(await local(c.id)).toMatchObject({ isSubscribed: !start, pendingFields: ["subscription"] });
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(c.magento().extension_attributes.is_subscribed).toBe(!start);
    expect(sim.control.pushed().subscriptionChanges.at(-1)).toMatchObject({ customerId: c.originId, to: !start });
    expect(await local(c.id)).toMatchObject({ isSubscribed: !start, pendingFields: [] });
    const [subscriber] = await testDb.db
      .select()
      .from(magentoNewsletterSubscribers)
      .where(eq(magentoNewsletterSubscribers.customerId, c.id));
    expect(subscriber?.status).toBe(!start ? "subscribed" : "unsubscribed");

    // Back again from the subscribers grid.
    const back = await requestSubscriptionForSubscribers(testDb.db, manager, { subscriberIds: [subscriber!.id], subscribed: start });
    expect(back).toMatchObject({ ok: true, queued: [c.id] });
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(c.magento().extension_attributes.is_subscribed).toBe(start);
    const [after] = await testDb.db.select().from(magentoNewsletterSubscribers).where(eq(magentoNewsletterSubscribers.id, subscriber!.id));
    expect(after?.status).toBe(start ? "subscribed" : "unsubscribed");
    const actions = (
      await testDb.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.entityId, String(c.id)))
    ).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["customer.subscribed", "customer.unsubscribed"]));
  });

  it("a change made again before it is sent replaces the waiting one, keeping its base; an edit set back is withdrawn", async () => {
    const c = await freshCustomer();
    const start = (await local(c.id)).isSubscribed ?? false;
    const sub = await requestSubscription(testDb.db, manager, { customerIds: [c.id], subscribed: !start });
    const back = await requestSubscription(testDb.db, manager, { customerIds: [c.id], subscribed: start });
    expect([sub, back]).toMatchObject([
      { ok: true, queued: [c.id] },
      { ok: true, queued: [c.id] },
    ]);
    const subscriptionRows = await testDb.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.entityId, c.id), eq(outbox.kind, "customer.subscription")));
    expect(subscriptionRows).toHaveLength(1);
    expect(subscriptionRows[0]).toMatchObject({
      status: "pending",
      payload: { customerOriginId: c.originId, subscribed: start, base: start },
    });

    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    const original = form.values.firstname;
    const first = await edit(c.id, (v) => ({ ...v, firstname: "Once" }), form);
    const again = await edit(c.id, (v) => ({ ...v, firstname: "Twice" }), form);
    if (!first.ok || !again.ok) throw new Error("edit refused");
    expect(again.pushId).toBe(first.pushId);
    expect(await pushRow(first.pushId)).toMatchObject({
      status: "pending",
      payload: { fields: ["firstname"], values: { firstname: "Twice" } },
    });
    const setBack = await edit(c.id, (v) => ({ ...v, firstname: original }), form);
    expect(setBack).toMatchObject({ ok: true, pushId: first.pushId, changedFields: [] });
    expect(await pushRow(first.pushId)).toMatchObject({ status: "reverted", payload: { fields: [] } });
    const updateRows = await testDb.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.entityId, c.id), eq(outbox.kind, "customer.update")));
    expect(updateRows).toEqual([{ id: first.pushId }]);
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(c.magento().firstname).toBe(original);
  });

  it("refuses guests, unknown customers and no-op changes with a reason per customer", async () => {
    const c = await freshCustomer();
    const [guest] = await testDb.db
      .insert(magentoCustomers)
      .values({
        channelId: channel.id,
        isGuest: true,
        guestKey: `guest-sub-${Date.now()}@example.org`,
        email: `guest-sub-${Date.now()}@example.org`,
        firstName: "G",
        lastName: "Uest",
      })
      .returning();
    const current = (await local(c.id)).isSubscribed ?? false;
    const result = await requestSubscription(testDb.db, manager, { customerIds: [c.id, guest!.id, 999_999_999], subscribed: current });
    expect(result).toMatchObject({ ok: true, queued: [] });
    if (!result.ok) return;
    expect(result.refused.map((r) => r.customerId).sort()).toEqual([c.id, guest!.id, 999_999_999].sort());
    expect(result.refused.find((r) => r.customerId === guest!.id)?.reason).toMatch(/register/i);
  });
});

describe("registration", () => {
  it("registers a guest in Magento (POST /V1/customers); the guest merges into the new customer", async () => {
    const email = `walk-in-${Date.now()}@example.org`;
    const [guest] = await testDb.db
      .insert(magentoCustomers)
      .values({
        channelId: channel.id,
        isGuest: true,
        guestKey: email,
        email,
        firstName: "Walk",
        lastName: "In",
      })
      .returning();
    const view = (await loadCustomerEdit(testDb.db, pageUser, guest!.id))!;
    expect(view).toMatchObject({ editable: false, canRegister: true, readOnlyReason: expect.stringContaining("register") });
    const result = await requestRegistration(testDb.db, manager, { customerId: guest!.id });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // A double click is the same registration.
    expect(await requestRegistration(testDb.db, manager, { customerId: guest!.id })).toEqual({ ok: true, pushId: result.pushId });
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ done: 1 });
    const created = [...sim.store.customers.values()].find((c) => c.email === email)!;
    expect(created).toMatchObject({ firstname: "Walk", lastname: "In", website_id: 1, group_id: 1 });
    expect(sim.control.pushed().registrations.at(-1)).toMatchObject({ customerId: created.id, email });
    const [registered] = await testDb.db
      .select()
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.originId, created.id)));
    expect(registered).toMatchObject({ isGuest: false, email });
    expect((await local(guest!.id)).mergedIntoId).toBe(registered!.id);
    expect(await loadCustomerEdit(testDb.db, pageUser, guest!.id)).toMatchObject({
      canRegister: false,
      registeredCustomerId: registered!.id,
    });
    expect((await pushRow(result.pushId)).result).toMatchObject({ customerOriginId: created.id, localCustomerId: registered!.id });
    const actions = (
      await testDb.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.entityId, String(guest!.id)))
    ).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["customer.registration_requested", "customer.registered"]));
  });

  it("a registration whose answer was lost is found by email next time, not created twice", async () => {
    const email = `lost-answer-${Date.now()}@example.org`;
    const [guest] = await testDb.db
      .insert(magentoCustomers)
      .values({
        channelId: channel.id,
        isGuest: true,
        guestKey: email,
        email,
        firstName: "Lost",
        lastName: "Answer",
      })
      .returning();
    const result = await requestRegistration(testDb.db, manager, { customerId: guest!.id });
    if (!result.ok) throw new Error(result.error);
    // Magento creates the account, the answer never arrives (the client gives up after 1 s).
    sim.control.addFaults({ path: "/V1/customers", method: "POST", loseAnswer: true, times: 1 });
    const quick = (ch: ChannelRow) => createChannelClient(ch, { maxRetries: 0, timeoutMs: 1_000 });
    expect(await runDuePushes(testDb.db, { channelId: channel.id, client: quick })).toMatchObject({ retrying: 1 });
    expect([...sim.store.customers.values()].filter((c) => c.email === email)).toHaveLength(1);
    expect((await pushRow(result.pushId)).result).toMatchObject({ postSentAt: expect.any(String) });
    expect(await runDuePushes(testDb.db, { channelId: channel.id, client: quick, now: new Date(Date.now() + 60_000) })).toMatchObject({
      done: 1,
    });
    const accounts = [...sim.store.customers.values()].filter((c) => c.email === email);
    expect(accounts).toHaveLength(1);
    expect(await pushRow(result.pushId)).toMatchObject({ status: "done", result: { customerOriginId: accounts[0]!.id } });
  });

  it("an email already registered in the website is a permanent failure with Magento's reason", async () => {
    const taken = (await freshCustomer()).magento().email;
    const [guest] = await testDb.db
      .insert(magentoCustomers)
      .values({
        channelId: channel.id,
        isGuest: true,
        guestKey: `${taken}|dup`,
        email: taken,
        firstName: "Dup",
        lastName: "Licate",
      })
      .returning();
    const result = await requestRegistration(testDb.db, manager, { customerId: guest!.id });
    if (!result.ok) throw new Error(result.error);
    await runDuePushes(testDb.db, { channelId: channel.id });
    expect(await pushRow(result.pushId)).toMatchObject({ status: "dead", lastError: EMAIL_TAKEN });
    // The form offers registering again (not "under way"); doing so sends the same row again.
    expect(await loadCustomerEdit(testDb.db, pageUser, guest!.id)).toMatchObject({
      canRegister: true,
      readOnlyReason: "Guest: register in Magento first.",
    });
    expect((await customerPushState(testDb.db, pageUser, guest!.id)).failed[0]).toMatchObject({
      id: result.pushId,
      kind: "customer.register",
      error: EMAIL_TAKEN,
    });
    expect(await requestRegistration(testDb.db, manager, { customerId: guest!.id })).toEqual({ ok: true, pushId: result.pushId });
    expect((await pushRow(result.pushId)).status).toBe("pending");
    expect(await revertPush(testDb.db, manager, { pushId: result.pushId })).toEqual({ ok: true });
    expect(await local(guest!.id)).toMatchObject({ isGuest: true, mergedIntoId: null });
  });
});

describe("sync while a push waits", () => {
  it("a sync does not overwrite (or flap) the waiting fields, and takes Magento's other changes", async () => {
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    const result = await edit(c.id, (v) => ({ ...v, firstname: "Waiting" }), form);
    if (!result.ok) throw new Error(result.error);
    const sub = await requestSubscription(testDb.db, manager, {
      customerIds: [c.id],
      subscribed: !c.magento().extension_attributes.is_subscribed,
    });
    expect(sub).toMatchObject({ ok: true, queued: [c.id] });
    const wanted = !c.magento().extension_attributes.is_subscribed;
    magentoEdit(c.originId, { firstname: "MagentoFirst", lastname: "MagentoLast" });
    const sync = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "incremental", trigger: "cli", pageSize: 100 });
    expect(sync.status).toBe("succeeded");
    expect(sync.stats.customers?.fetched).toBeGreaterThan(0);
    // And the one-record sync ("Sync this record") too, twice: no flapping.
    for (let i = 0; i < 2; i++)
      expect(await syncRecord(testDb.db, { channelId: channel.id, connector: "customers", originId: c.originId })).toMatchObject({
        status: "synced",
      });
    const row = await local(c.id);
    expect(row).toMatchObject({ firstName: "Waiting", lastName: "MagentoLast", isSubscribed: wanted });
    expect(row.pendingFields).toEqual(["firstname", "subscription"]);
    const [subscriber] = await testDb.db
      .select()
      .from(magentoNewsletterSubscribers)
      .where(eq(magentoNewsletterSubscribers.customerId, c.id));
    if (subscriber) expect(subscriber.status).toBe(wanted ? "subscribed" : "unsubscribed");
    // The edit form keeps showing the waiting value.
    expect((await loadCustomerEdit(testDb.db, pageUser, c.id))!).toMatchObject({
      values: { firstname: "Waiting" },
      pendingFields: ["firstname", "subscription"],
    });
    // Pushed now: both changed firstname, Magento wins; the subscription goes through.
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 2, done: 2 });
    expect(await local(c.id)).toMatchObject({
      firstName: "MagentoFirst",
      lastName: "MagentoLast",
      isSubscribed: wanted,
      pendingFields: [],
    });
    expect(c.magento().extension_attributes.is_subscribed).toBe(wanted);
  });
});

describe("a sync page fetched before the push", () => {
  it("does not put the older record back over the read-back", async () => {
    const c = await freshCustomer();
    const client = createChannelClient(channel);
    // What a running sync fetched before the push (an hour older than anything since).
    const before = await client.getCustomer(c.originId);
    before.updated_at = new Date((before.updated_at?.getTime() ?? Date.now()) - 3_600_000);
    const subscribedBefore = before.extension_attributes?.is_subscribed === true;
    const result = await edit(c.id, (v) => ({ ...v, firstname: "Fresh", addresses: v.addresses.slice(0, 1) }));
    if (!result.ok) throw new Error(result.error);
    expect(await requestSubscription(testDb.db, manager, { customerIds: [c.id], subscribed: !subscribedBefore })).toMatchObject({
      queued: [c.id],
    });
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ done: 2 });
    const fresh = await local(c.id);
    expect(fresh).toMatchObject({ firstName: "Fresh", isSubscribed: !subscribedBefore, pendingFields: [] });
    const addresses = async () =>
      testDb.db
        .select({ id: magentoCustomerAddresses.originId })
        .from(magentoCustomerAddresses)
        .where(eq(magentoCustomerAddresses.customerId, c.id));
    const kept = await addresses();
    // The sync now writes its older page.
    await testDb.db.transaction(async (tx) => {
      const ctx = { db: testDb.db, channel, client, runId: 0 };
      await writeCustomers(tx, ctx, [before]);
      await writeSubscribers(tx, ctx, [before]);
    });
    expect(await local(c.id)).toMatchObject({
      firstName: "Fresh",
      isSubscribed: !subscribedBefore,
      remoteUpdatedAt: fresh.remoteUpdatedAt,
    });
    expect(await addresses()).toEqual(kept);
    const [subscriber] = await testDb.db
      .select()
      .from(magentoNewsletterSubscribers)
      .where(eq(magentoNewsletterSubscribers.customerId, c.id));
    expect(subscriber?.status).toBe(!subscribedBefore ? "subscribed" : "unsubscribed");
    // A newer record from Magento is written as always.
    const newer = await client.getCustomer(c.originId);
    newer.lastname = "Newer";
    newer.updated_at = new Date((fresh.remoteUpdatedAt?.getTime() ?? Date.now()) + 60_000);
    await testDb.db.transaction((tx) => writeCustomers(tx, { db: testDb.db, channel, client, runId: 0 }, [newer]));
    expect((await local(c.id)).lastName).toBe("Newer");
  });
});

describe("pushers side by side", () => {
  it("two runs at once push each change exactly once", async () => {
    const customers = [await freshCustomer(), await freshCustomer(), await freshCustomer()];
    for (const [i, c] of customers.entries()) {
      const result = await edit(c.id, (v) => ({ ...v, lastname: `Parallel${i}` }));
      expect(result.ok).toBe(true);
    }
    const before = sim.control.pushed().customerUpdates.length;
    const [a, b] = await Promise.all([
      runDuePushes(testDb.db, { channelId: channel.id }),
      runDuePushes(testDb.db, { channelId: channel.id }),
    ]);
    expect(a.claimed + b.claimed).toBe(3);
    expect(a.done + b.done).toBe(3);
    expect(sim.control.pushed().customerUpdates.length - before).toBe(3);
    for (const [i, c] of customers.entries()) expect(c.magento().lastname).toBe(`Parallel${i}`);
  });

  it("a push claimed late in a long pusher run stays claimed: a second pusher cannot take the same customer", async () => {
    const c = await freshCustomer();
    const first = await edit(c.id, (v) => ({ ...v, firstname: "Longrun" }));
    if (!first.ok) throw new Error(first.error);
    // Due long ago, so a pusher whose clock was read 200 s ago (a run that has lasted that long) takes it.
    await testDb.db
      .update(outbox)
      .set({ nextAttemptAt: new Date(Date.now() - 600_000) })
      .where(eq(outbox.id, first.pushId));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow = (ch: ChannelRow) => {
      const client = pushClient(ch);
      const read = client.getCustomerWire.bind(client);
      client.getCustomerWire = async (id) => {
        entered();
        await gate; // Magento is slow to answer this pusher
        return read(id);
      };
      return client;
    };
    const long = runDuePushes(testDb.db, { channelId: channel.id, client: slow, limit: 1, now: new Date(Date.now() - 200_000) });
    await inside;
    // The next edit of the customer arrives while the first push is under way.
    const second = await edit(c.id, (v) => ({ ...v, lastname: "Laterun" }));
    if (!second.ok) throw new Error(second.error);
    expect(second.pushId).not.toBe(first.pushId);
    // The first push was claimed just now: it holds for its whole lock time, whatever the run's age,
    // so another pusher takes neither it again nor the customer's next push.
    const other = await runDuePushes(testDb.db, { channelId: channel.id });
    open();
    expect(other.claimed).toBe(0);
    expect(await long).toMatchObject({ claimed: 1, done: 1 });
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 1, done: 1 });
    expect(c.magento()).toMatchObject({ firstname: "Longrun", lastname: "Laterun" });
    expect(sim.control.pushed().customerUpdates.filter((u) => u.customerId === c.originId)).toHaveLength(2);
  });

  it("a customer's second change waits for the first (one PUT at a time per customer)", async () => {
    const c = await freshCustomer();
    const first = await edit(c.id, (v) => ({ ...v, firstname: "First" }));
    if (!first.ok) throw new Error(first.error);
    // The first is under way (claimed by another pusher) when the second edit comes in.
    await testDb.db
      .update(outbox)
      .set({ status: "in_progress", lockedUntil: new Date(Date.now() + 60_000) })
      .where(eq(outbox.id, first.pushId));
    const second = await edit(c.id, (v) => ({ ...v, lastname: "Second" }));
    if (!second.ok) throw new Error(second.error);
    expect(second.pushId).not.toBe(first.pushId);
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 0 });
    // The first lands (its claim lapses and it is taken again), then the second.
    await testDb.db
      .update(outbox)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(outbox.id, first.pushId));
    expect(await runDuePushes(testDb.db, { channelId: channel.id })).toMatchObject({ claimed: 2, done: 2 });
    expect(c.magento()).toMatchObject({ firstname: "First", lastname: "Second" });
    expect((await customerPushState(testDb.db, pageUser, c.id)).overridden).toHaveLength(0);
  });
});

describe("refusals", () => {
  it("with two-way sync off the form is read-only and every request is refused, saying why", async () => {
    const c = await freshCustomer();
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    await testDb.db.update(channels).set({ twoWaySync: false }).where(eq(channels.id, channel.id));
    const view = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    expect(view).toMatchObject({
      editable: false,
      canChangeSubscription: false,
      readOnlyReason: expect.stringContaining("Two-way sync is off for channel two-way"),
    });
    const result = await requestCustomerEdit(testDb.db, manager, {
      customerId: c.id,
      baseToken: form.baseToken,
      values: { ...form.values, firstname: "Nope" },
    });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("Two-way sync is off") });
    const sub = await requestSubscription(testDb.db, manager, { customerIds: [c.id], subscribed: true });
    expect(sub).toMatchObject({ ok: true, queued: [] });
    if (sub.ok) expect(sub.refused[0]?.reason).toContain("Two-way sync is off");
    expect((await local(c.id)).firstName).not.toBe("Nope");
    const pushes = await testDb.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.entityId, c.id), eq(outbox.entityType, "customer")))
      .orderBy(desc(outbox.id));
    expect(pushes).toHaveLength(0);
  });

  it("a role without edit_customers is refused by the service too", async () => {
    const c = await freshCustomer();
    const result = await edit(c.id, (v) => v);
    expect(result.ok).toBe(false);
    const form = (await loadCustomerEdit(testDb.db, pageUser, c.id))!;
    const byViewer = await requestCustomerEdit(testDb.db, viewer, {
      customerId: c.id,
      baseToken: form.baseToken,
      values: { ...form.values, firstname: "Viewer" },
    });
    expect(byViewer).toMatchObject({ ok: false, error: expect.stringContaining("role") });
    expect(await requestSubscription(testDb.db, viewer, { customerIds: [c.id], subscribed: true })).toMatchObject({ ok: false });
    expect(await requestRegistration(testDb.db, viewer, { customerId: c.id })).toMatchObject({ ok: false });
  });
});
