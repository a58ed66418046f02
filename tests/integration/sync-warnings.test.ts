import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { channels } from "@/db/schema";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { formatDate } from "@/simulator/util";
import { getHistoryRun, listRunWarnings } from "@/lib/sync/history";
import { runChannelSync } from "@/lib/sync/runner";
import { statsOf, warningCount } from "@/lib/sync/runs";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// Loaders import lib/auth/session.ts; next-auth (lib/auth/auth.ts) cannot load outside Next.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// A field Magento sends in a shape the portal cannot read does not lose its record: the record
// is kept with that field empty, the run still succeeds, and Sync History shows the warning once.

// Sync History's reads take the signed-in user; a manager may run syncs.
const manager = sessionUserOf("manager");
const sims: RunningSimulator[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const sim of sims) await sim.close();
  for (const db of dbs) await db.drop();
});

describe("sync warnings", () => {
  it("keeps a record whose field cannot be read, warns once per record and field, and links the record", async () => {
    const sim = await startMagentoSimulator({ port: 0, seed: 404, customers: 50, orders: 120 });
    sims.push(sim);
    const test = await createTestDatabase();
    dbs.push(test);
    const { db } = test;
    const [channel] = await db
      .insert(channels)
      .values({ name: "warnings", baseUrl: sim.baseUrl, adminUrl: "https://shop.example.com/admin" })
      .returning();
    const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });

    // One customer's gender arrives as text ("2"), which the schema types as an integer.
    const customer = [...sim.store.customers.values()].find((c) => c.gender !== undefined)!;
    sim.control.addFaults([{ path: "/V1/customers/search", malformed: { field: "gender", mode: "string", id: customer.id } }]);

    const run = await runChannelSync({ db, channelId: channel!.id, mode: "initial", trigger: "cli", client, pageSize: 40 });
    expect(run.status).toBe("succeeded");
    expect(run.errorCount).toBe(0);
    // Seen by the customers and the subscribers connectors: one warning, counted once.
    expect(warningCount(run)).toBe(1);
    expect(statsOf(run, "customers").warnings).toBe(1);

    const [row] = rowsOf<{ id: string; email: string; gender: number | null; subscribers: string }>(
      await db.execute(sql`
      SELECT c.id::text, c.email, c.gender,
        (SELECT count(*) FROM magento_newsletter_subscribers s WHERE s.channel_id = c.channel_id AND s.origin_id = c.origin_id)::text AS subscribers
      FROM magento_customers c WHERE c.channel_id = ${channel!.id} AND c.origin_id = ${customer.id}`),
    );
    expect(row).toEqual({ id: expect.any(String) as string, email: customer.email, gender: null, subscribers: "1" });
    const [all] = rowsOf<{ n: string }>(
      await db.execute(sql`SELECT count(*)::text AS n FROM magento_customers WHERE channel_id = ${channel!.id} AND NOT is_guest`),
    );
    expect(Number(all!.n)).toBe(sim.store.customers.size);

    const history = (await getHistoryRun(db, manager, run.id))!;
    const warnings = await listRunWarnings(db, manager, history);
    expect(
      warnings.map((w) => ({
        connector: w.connector,
        originId: w.originId,
        field: w.field,
        raw: w.rawValue?.value,
        portal: w.portalHref,
        magento: w.magentoHref,
      })),
    ).toEqual([
      {
        connector: "customers",
        originId: String(customer.id),
        field: "gender",
        raw: String(customer.gender),
        portal: `/customers/${row!.id}`,
        magento: `https://shop.example.com/admin/customer/index/edit/id/${customer.id}/`,
      },
    ]);
    expect(warnings[0]!.message).toMatch(/number/);

    // The customer changes in Magento and is sent again, still with the unreadable gender: the
    // warning is not repeated (the run that met it first keeps it), only seen again.
    customer.firstname = "Renamed";
    customer.updated_at = formatDate(Math.floor(Date.now() / 1000));
    sim.store.changed();
    const again = await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 40 });
    expect(again.status).toBe("succeeded");
    expect(warningCount(again)).toBe(0);
    expect(await listRunWarnings(db, manager, (await getHistoryRun(db, manager, again.id))!)).toEqual([]);
    const [seen] = rowsOf<{ n: string; last_run_id: string; first_run_id: string }>(
      await db.execute(sql`
      SELECT count(*)::text AS n, max(last_run_id)::text AS last_run_id, max(first_run_id)::text AS first_run_id FROM sync_warnings WHERE channel_id = ${channel!.id}`),
    );
    expect(seen).toEqual({ n: "1", last_run_id: String(again.id), first_run_id: String(run.id) });
    const [renamed] = rowsOf<{ first_name: string }>(
      await db.execute(sql`SELECT first_name FROM magento_customers WHERE channel_id = ${channel!.id} AND origin_id = ${customer.id}`),
    );
    expect(renamed!.first_name).toBe("Renamed");

    // "Sync this record" keeps it too, and says which field it could not read.
    const { syncRecord } = await import("@/lib/sync/sync-record");
    expect(await syncRecord(db, { channelId: channel!.id, connector: "customers", originId: customer.id }, { client })).toEqual({
      status: "synced",
      message: "Synced just now. Magento sent a field the portal could not read, kept empty: gender.",
    });
  }, 60_000);
});
