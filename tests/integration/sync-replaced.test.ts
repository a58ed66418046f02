import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CHANNEL_ENTITIES, channels } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { channelSettingsSchema, saveChannelSettings } from "@/lib/channels/settings";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { loadFailingChannels } from "@/lib/sync/health";
import { MagentoReplacedError } from "@/lib/sync/replaced";
import { dueChannels, runChannelSync, startRun, syncNextPages } from "@/lib/sync/runner";
import { getRun, statsOf } from "@/lib/sync/runs";
import { queryRows } from "@/db/rows";
import { upsertRows } from "@/lib/sync/write/upsert";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// Loaders import lib/auth/session.ts; next-auth (lib/auth/auth.ts) cannot load outside Next.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// A Magento id names one record for good. When the store behind a channel is reset or replaced
// (here: the demo store regenerated on a later day, same ids, other creation times), the sync
// must stop the channel with the reason instead of merging two different records under one id.

let testDb: TestDatabase;
const sims: RunningSimulator[] = [];
const TOKEN = "replaced-store-token";
const SIZES = { seed: 11, customers: 30, orders: 80, token: TOKEN };

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
});

afterAll(async () => {
  for (const sim of sims) await sim.close();
  await testDb?.drop();
});

async function simulator(options: Parameters<typeof startMagentoSimulator>[0]): Promise<RunningSimulator> {
  const sim = await startMagentoSimulator({ ...SIZES, ...options });
  sims.push(sim);
  return sim;
}

const SYNCED = [
  "magento_customers",
  "magento_customer_addresses",
  "magento_carts",
  "magento_cart_items",
  "magento_orders",
  "magento_order_items",
  "magento_credit_memos",
];

/** Every synced row, bookkeeping columns included: a fingerprint per table. */
async function fingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of SYNCED) {
    const [row] = await queryRows<{ n: number; digest: string | null }>(
      testDb.db,
      sql.raw(`select count(*)::int as n, md5(string_agg(t::text, '|' order by t.id)) as digest from ${table} t`),
    );
    out[table] = `${row!.n}:${row!.digest ?? ""}`;
  }
  return out;
}

describe("upsertRows({ refuseReplaced })", () => {
  const spec = {
    table: "replaced_probe",
    input: { channel_id: "bigint", origin_id: "bigint", name: "text", remote_created_at: "timestamptz" },
    columns: { channel_id: "r.channel_id", origin_id: "r.origin_id", name: "r.name", remote_created_at: "r.remote_created_at" },
    refuseReplaced: "order",
  };
  const T1 = "2024-03-01T10:00:00.000Z";
  const T0 = "2023-11-02T09:12:00.000Z";

  it("merges a record with the same creation time (or one side unknown) and refuses another, writing nothing of the page", async () => {
    await testDb.db.execute(sql`create table replaced_probe (
      id bigserial primary key, channel_id bigint not null, origin_id bigint not null, name text, remote_created_at timestamptz,
      synced_at timestamptz, removed_at timestamptz, unique (channel_id, origin_id))`);
    const rows = [
      { channel_id: 1, origin_id: 1, name: "a", remote_created_at: T0 },
      { channel_id: 1, origin_id: 2, name: "b", remote_created_at: T0 },
      { channel_id: 1, origin_id: 3, name: "c", remote_created_at: null },
    ];
    expect(await upsertRows(testDb.db as never, spec, rows)).toEqual({ created: 3, updated: 0 });
    // Unchanged records re-synced, changed ones with the same creation time, a creation time learnt late.
    expect(await upsertRows(testDb.db as never, spec, rows)).toEqual({ created: 0, updated: 0 });
    expect(
      await upsertRows(testDb.db as never, spec, [
        { ...rows[0]!, name: "a2" },
        { ...rows[2]!, remote_created_at: T1 },
      ]),
    ).toEqual({ created: 0, updated: 2 });
    const before = await queryRows(testDb.db, sql`select * from replaced_probe order by id`);

    const attempt = testDb.db.transaction(async (tx) => {
      await upsertRows(tx, spec, [
        { ...rows[0]!, name: "a3" },
        { ...rows[1]!, name: "not b", remote_created_at: T1 },
        { channel_id: 1, origin_id: 9, name: "new", remote_created_at: T1 },
      ]);
    });
    await expect(attempt).rejects.toThrow(MagentoReplacedError);
    const error = (await attempt.catch((e: unknown) => e)) as MagentoReplacedError;
    expect(error).toMatchObject({ record: "order", originId: 2, incomingCreatedAt: new Date(T1), heldCreatedAt: new Date(T0) });
    expect(error.message).toMatch(
      /^Magento's order 2 was created 01 Mar 2024, 10:00 UTC, but the portal holds order 2 created 02 Nov 2023, 09:12 UTC: this Magento was reset or replaced/,
    );
    expect(await queryRows(testDb.db, sql`select * from replaced_probe order by id`)).toEqual(before);

    // The check is opt-in: without it the same page merges.
    const plain = { ...spec, refuseReplaced: undefined };
    expect(await upsertRows(testDb.db as never, plain, [{ ...rows[1]!, remote_created_at: T1 }])).toEqual({ created: 0, updated: 1 });
  });
});

describe("a sync against a Magento that was reset or replaced", () => {
  it("passes re-synced unchanged records, then fails the run, stops the channel and changes no row when the ids name other records", async () => {
    const first = await simulator({ port: 0, now: new Date("2025-03-01T00:00:00Z") });
    const [channel] = await testDb.db
      .insert(channels)
      .values({ name: "replaced", baseUrl: first.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: TOKEN }) })
      .returning();
    const channelId = channel!.id;
    const initial = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli" });
    expect(initial.status).toBe("succeeded");
    // Every order arrives; a credit memo page that ran ahead of the orders' walk may have written
    // some of them first, as its references, so the orders connector's own "created" can be lower.
    expect(statsOf(initial, "orders").fetched).toBe(first.store.orders.size);
    const [held] = await queryRows<{ n: number }>(
      testDb.db,
      sql`select count(*)::int as n from magento_orders where channel_id = ${channelId}`,
    );
    expect(held!.n).toBe(first.store.orders.size);

    // The same store again, every record walked and re-upserted: nothing refused, nothing changed.
    const full = await runChannelSync({ db: testDb.db, channelId, mode: "full", trigger: "cli" });
    expect(full.status).toBe("succeeded");
    expect(statsOf(full, "orders")).toMatchObject({ fetched: first.store.orders.size, created: 0 });
    const synced = await fingerprint();

    // The demo store regenerated a week later on the same port: same ids, other creation times.
    const port = first.port;
    sims.splice(sims.indexOf(first), 1);
    await first.close();
    const second = await simulator({ port, now: new Date("2025-03-08T00:00:00Z") });
    expect(second.store.customers.get(1)!.created_at).not.toBe(first.store.customers.get(1)!.created_at);
    // Life goes on there: customers edited now are what the next incremental sync reads.
    second.control.tick({ editCustomers: 3 });

    const failed = await runChannelSync({ db: testDb.db, channelId, mode: "incremental", trigger: "schedule" });
    expect(failed.status).toBe("failed");
    expect(failed.errorMessage).toMatch(
      /^Magento's customer \d+ was created .+ UTC, but the portal holds customer \d+ created .+ UTC: this Magento was reset or replaced .*Sync stopped for this channel/,
    );
    expect(failed.errorMessage).toContain("Nothing was merged. Sync stopped for this channel.");
    expect(failed.errorMessage).toContain("delete the channel");
    expect(await fingerprint()).toEqual(synced);

    const [stopped] = await testDb.db.select().from(channels).where(eq(channels.id, channelId));
    expect(stopped).toMatchObject({ active: false, stoppedReason: failed.errorMessage });
    expect(stopped!.stoppedAt).toBeInstanceOf(Date);
    // The scheduler leaves it alone; the failing-channels banner still names it, with the reason.
    expect((await dueChannels(testDb.db, new Date(Date.now() + 24 * 3600_000))).map((c) => c.id)).not.toContain(channelId);
    expect(await loadFailingChannels(testDb.db, sessionUserOf("admin"))).toEqual([
      expect.objectContaining({ channelId, status: "failed", message: expect.stringContaining("this Magento was reset or replaced") }),
    ]);

    // A run driven step by step (Inngest) ends the same way without throwing (no retries), and writes nothing.
    const run = await startRun(testDb.db, { channelId, mode: "incremental", trigger: "manual" });
    await expect(syncNextPages({ db: testDb.db, runId: run.id, maxPages: 20 })).resolves.toMatchObject({ done: true, status: "failed" });
    expect((await getRun(testDb.db, run.id))!.errorMessage).toBe(failed.errorMessage);
    expect(await fingerprint()).toEqual(synced);

    // Settings saved with the channel still off keep the reason; switching it on clears it.
    const settings = (active: boolean) =>
      channelSettingsSchema.parse({
        id: String(channelId),
        name: "replaced",
        baseUrl: second.baseUrl,
        authType: "bearer",
        entities: [...CHANNEL_ENTITIES],
        ...(active ? { active: "on" } : {}),
      });
    await saveChannelSettings(testDb.db, settings(false), { userId: null, actor: "test" });
    expect((await testDb.db.select().from(channels).where(eq(channels.id, channelId)))[0]).toMatchObject({
      active: false,
      stoppedReason: failed.errorMessage,
    });
    await saveChannelSettings(testDb.db, settings(true), { userId: null, actor: "test" });
    expect((await testDb.db.select().from(channels).where(eq(channels.id, channelId)))[0]).toMatchObject({
      active: true,
      stoppedReason: null,
      stoppedAt: null,
    });
  }, 120_000);
});
