import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { channels } from "@/db/schema";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS, ROLES, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { startCsvExport } from "@/lib/grid/export";
import { customersGrid } from "@/lib/customers/grid";
import { cartsGrid } from "@/lib/carts/grid";
import { parseGridState } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import { loadGridView } from "@/lib/browse/grid-view";
import { findVisibleSegment, listVisibleSegments, segmentConditionFor, segmentParamCondition } from "@/lib/segments/apply";
import { countSegment, filtersFromQuery } from "@/lib/segments/segments";
import { queryRows } from "@/db/rows";
import { createUser } from "@/lib/users/service";
import { detailNavigation } from "@/lib/browse/detail-navigation";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as actions from "@/app/(portal)/marketing/segments/actions";

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.7" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

// Marketing segments through their server actions, signed in per role, on real Postgres: saving,
// private vs shared visibility, live counts, the segment as a grid (and CSV) filter, and who may
// change what.

type AnyAction = (previous: ActionResult<{ id: number }> | null, formData: FormData) => Promise<ActionResult<{ id: number }>>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
const actors = {} as Record<Role, SessionUser>;
let testDb: TestDatabase;
let channelId = 0;
const savedDatabaseUrl = process.env.DATABASE_URL;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

async function run(role: Role | null, action: AnyAction, fields: Record<string, string>) {
  sessionUserMock.mockResolvedValue(role ? actors[role] : null);
  return action(null, form(fields));
}

const BIG_SPENDERS = "/customers?f_subscribed=yes&f_lifetime_value=500..&f_days_since_order=90..&sort=-created_at&page=3";

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  for (const role of ROLES) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@segments.test`, name: `The ${role}`, role, password: "a long enough password" },
      { userId: null, actor: "test" },
    );
    actors[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const [channel] = await testDb.db.insert(channels).values({ name: "seg", baseUrl: "https://shop.example.com" }).returning();
  channelId = channel!.id;
  // Customers: subscribed or not, lifetime value, last order N days ago (through their RFM row).
  const people: [string, boolean, string, number | null][] = [
    ["ann", true, "800", 120],
    ["bob", true, "900", 30],
    ["cy", false, "1200", 200],
    ["dee", true, "300", 150],
    ["eve", true, "501", 91],
    ["fay", true, "0", null],
  ];
  let origin = 1;
  for (const [name, subscribed, ltv, days] of people) {
    const [c] = await queryRows<{ id: unknown }>(
      testDb.db,
      sql`
      INSERT INTO magento_customers (channel_id, origin_id, email, first_name, is_subscribed, lifetime_value, orders_count)
      VALUES (${channelId}, ${origin++}, ${`${name}@shop.test`}, ${name}, ${subscribed}, ${ltv}, ${days === null ? 0 : 1}) RETURNING id`,
    );
    if (days !== null) {
      await testDb.db.execute(sql`
        INSERT INTO customer_rfm (customer_id, channel_id, recency_days, frequency, monetary, r, f, m, segment, computed_at)
        VALUES (${Number(c!.id)}, ${channelId}, ${days}, 1, ${ltv}, 1, 1, 1, 'hibernating', now())`);
    }
  }
  // Carts: "abandoned carts over 100 this week".
  for (const [total, status, daysAgo] of [
    ["150", "expired", 2],
    ["90", "expired", 1],
    ["300", "expired", 20],
    ["120", "open", 0],
  ] as const) {
    await testDb.db.execute(sql`
      INSERT INTO magento_carts (channel_id, origin_id, status, grand_total, items_count, customer_email, remote_created_at, remote_updated_at)
      VALUES (${channelId}, ${origin++}, ${status}, ${total}, 1, 'cart@shop.test', now() - ${`${daysAgo} days`}::interval, now() - ${`${daysAgo} days`}::interval)`);
  }
});

afterAll(async () => {
  await closeDb();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

describe("segments", () => {
  let shared = 0;
  let privateId = 0;

  it("saves the grid's filters (canonical, without paging or sort) and counts them live", async () => {
    const result = await run("agent", actions.createSegmentAction as AnyAction, {
      name: "Lapsed big spenders",
      entity: "customers",
      query: BIG_SPENDERS,
      shared: "on",
    });
    expect(result).toMatchObject({ ok: true });
    shared = result.ok ? result.data!.id : 0;
    const segment = (await findVisibleSegment(testDb.db, actors.viewer, shared))!;
    expect(segment).toMatchObject({ name: "Lapsed big spenders", entity: "customers", shared: true, ownerUserId: actors.agent.id });
    expect(segment.filters).toEqual({ f_subscribed: "yes", f_lifetime_value: "500..", f_days_since_order: "90.." });
    // ann (800, 120 days) and eve (501, 91 days); not bob (recent), cy (not subscribed), dee (300), fay (no order).
    expect(await countSegment(testDb.db, actors.viewer, segment)).toEqual({ count: 2, capped: false });

    const carts = await run("viewer", actions.createSegmentAction as AnyAction, {
      name: "Abandoned over 100 this week",
      entity: "carts",
      query: "?f_status=expired&f_grand_total=100..&f_updated_at=last7",
    });
    expect(carts).toMatchObject({ ok: true });
    privateId = carts.ok ? carts.data!.id : 0;
    expect(await countSegment(testDb.db, actors.viewer, (await findVisibleSegment(testDb.db, actors.viewer, privateId))!)).toEqual({
      count: 1,
      capped: false,
    });
  });

  it("refuses bad input with field errors: no filters, filters the grid cannot read, a duplicate name", async () => {
    expect(
      await run("agent", actions.createSegmentAction as AnyAction, {
        name: "All",
        entity: "customers",
        query: "/customers?sort=-created_at",
      }),
    ).toMatchObject({ ok: false, code: "invalid", fieldErrors: { query: [expect.stringContaining("Filter the list first")] } });
    expect(
      await run("agent", actions.createSegmentAction as AnyAction, { name: "Odd", entity: "customers", query: "?f_lifetime_value=lots" }),
    ).toMatchObject({ ok: false, code: "invalid", fieldErrors: { query: [expect.stringContaining("Lifetime value")] } });
    expect(
      await run("agent", actions.createSegmentAction as AnyAction, {
        name: "Lapsed big spenders",
        entity: "customers",
        query: BIG_SPENDERS,
      }),
    ).toMatchObject({ ok: false, code: "invalid", fieldErrors: { name: [expect.any(String)] } });
    expect(await run("agent", actions.createSegmentAction as AnyAction, { name: "", entity: "orders", query: "" })).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { name: expect.any(Array), entity: expect.any(Array), query: expect.any(Array) },
    });
    expect(filtersFromQuery("customers", "f_subscribed=yes&ids=1,2&columns=email")).toEqual({ ok: true, filters: { f_subscribed: "yes" } });
  });

  it("shows shared segments to everyone and private ones to their owner only", async () => {
    expect((await listVisibleSegments(testDb.db, actors.viewer)).map((s) => s.id).sort()).toEqual([shared, privateId].sort());
    expect((await listVisibleSegments(testDb.db, actors.admin)).map((s) => s.id)).toEqual([shared]);
    expect(await findVisibleSegment(testDb.db, actors.manager, privateId)).toBeNull();
  });

  it("narrows the grid, and its CSV export, to the segment (?segment=<id>), for those who may see it", async () => {
    const view = await loadGridView(actors.manager, customersGrid, { segment: String(shared) }, { db: testDb.db });
    expect(view.notices).toEqual([]);
    expect(view.rows.map((r) => r.cells.email!.text).sort()).toEqual(["ann@shop.test", "eve@shop.test"]);
    expect(view.segments.map((s) => s.id)).toEqual([shared]);
    // The segment combines with the grid's own filters.
    const narrowed = await loadGridView(
      actors.manager,
      customersGrid,
      { segment: String(shared), f_lifetime_value: "600.." },
      { db: testDb.db },
    );
    expect(narrowed.rows.map((r) => r.cells.email!.text)).toEqual(["ann@shop.test"]);
    // Someone else's private segment is ignored with a notice, and the rows are not narrowed.
    const refused = await loadGridView(actors.manager, cartsGrid, { segment: String(privateId) }, { db: testDb.db });
    expect(refused.notices.map((n) => n.param)).toEqual(["segment"]);
    expect(refused.total).toBe(4);
    // A segment of another entity does not apply to this grid.
    expect(await segmentConditionFor(testDb.db, actors.viewer, customersGrid, privateId)).toMatchObject({ ok: false });

    // CSV: the export route's resolution, then the export itself.
    const extra = await segmentParamCondition(testDb.db, actors.viewer, customersGrid, { segment: String(shared) });
    if (!extra.ok) throw new Error(extra.error);
    const result = startCsvExport({
      handle: { db: testDb.db, kind: "postgres" },
      user: actors.viewer,
      definition: customersGrid,
      params: { segment: String(shared), columns: "email" },
      extra: extra.extra,
    });
    if (!result.ok) throw new Error(result.error);
    const text = new TextDecoder().decode(await new Response(result.stream).arrayBuffer()).replace(/^\uFEFF/, "");
    expect(text.split("\r\n").filter(Boolean).slice(1).sort()).toEqual(["ann@shop.test", "eve@shop.test"]);
    expect(await segmentParamCondition(testDb.db, actors.manager, cartsGrid, { segment: String(privateId) })).toMatchObject({
      ok: false,
      status: 404,
    });
    // The grid query alone (no segment) still sees every customer.
    const { state } = parseGridState(customersGrid, {});
    expect((await loadGridPage(testDb.db, customersGrid, state)).total).toBe(6);
  });

  it("walks prev / next on a detail page through the segment's rows only, as the grid listed them", async () => {
    const ids = await queryRows<{ id: unknown; email: string }>(
      testDb.db,
      sql`SELECT id, email FROM magento_customers WHERE channel_id = ${channelId}`,
    );
    const idOf = (email: string) => Number(ids.find((row) => row.email === email)!.id);
    // The segment's grid sorted by email: ann, eve. From ann, next is eve (not bob, cy or dee).
    const back = `segment=${shared}&sort=email`;
    const fromAnn = await detailNavigation(testDb.db, actors.viewer, customersGrid, "/customers", idOf("ann@shop.test"), { back });
    expect(fromAnn.nav).toMatchObject({ previousHref: null, position: 1, total: 2 });
    expect(fromAnn.nav.nextHref).toBe(`/customers/${idOf("eve@shop.test")}?back=${encodeURIComponent(back)}`);
    const fromEve = await detailNavigation(testDb.db, actors.viewer, customersGrid, "/customers", idOf("eve@shop.test"), { back });
    expect(fromEve.nav).toMatchObject({ nextHref: null, position: 2, total: 2 });
    // Without the segment the same record has every customer around it.
    const whole = await detailNavigation(testDb.db, actors.viewer, customersGrid, "/customers", idOf("ann@shop.test"), {
      back: "sort=email",
    });
    expect(whole.nav).toMatchObject({ position: 1, total: 6 });
    expect(whole.nav.nextHref).toContain(`/customers/${idOf("bob@shop.test")}`);
    // A segment the viewer may not use (someone else's private one) narrows nothing.
    const refused = await detailNavigation(testDb.db, actors.admin, customersGrid, "/customers", idOf("ann@shop.test"), {
      back: `segment=${privateId}&sort=email`,
    });
    expect(refused.nav.total).toBe(6);
  });

  it("lets the owner and managers/admins edit a shared segment, and refuses everyone else", async () => {
    const edit = (name: string) => ({
      id: String(shared),
      name,
      entity: "customers",
      query: "?f_subscribed=yes&f_lifetime_value=800..",
      shared: "on",
    });
    expect(await run("viewer", actions.updateSegmentAction as AnyAction, edit("Hijacked"))).toMatchObject({ ok: false, code: "forbidden" });
    expect(await run("viewer", actions.deleteSegmentAction as AnyAction, { id: String(shared) })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await run("agent", actions.updateSegmentAction as AnyAction, edit("Big spenders"))).toMatchObject({ ok: true });
    expect(await run("manager", actions.updateSegmentAction as AnyAction, { ...edit("Big spenders (team)"), shared: "" })).toMatchObject({
      ok: true,
    });
    const after = (await findVisibleSegment(testDb.db, actors.viewer, shared))!;
    // A manager's edit keeps someone else's segment shared.
    expect(after).toMatchObject({ name: "Big spenders (team)", shared: true, filters: { f_subscribed: "yes", f_lifetime_value: "800.." } });
    // Nobody but its owner reaches a private segment, whatever their role.
    expect(await run("admin", actions.deleteSegmentAction as AnyAction, { id: String(privateId) })).toMatchObject({
      ok: false,
      code: "invalid",
    });
    expect(await run(null, actions.deleteSegmentAction as AnyAction, { id: String(privateId) })).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    expect(await run("viewer", actions.deleteSegmentAction as AnyAction, { id: String(privateId) })).toMatchObject({ ok: true });
    expect(await run("admin", actions.deleteSegmentAction as AnyAction, { id: String(shared) })).toMatchObject({ ok: true });
    expect(await listVisibleSegments(testDb.db, actors.agent)).toEqual([]);
    const audits = await queryRows<{ action: string }>(
      testDb.db,
      sql`SELECT action FROM audit_log WHERE entity_type = 'segment' ORDER BY id`,
    );
    expect(audits.map((a) => a.action)).toEqual([
      "segment.created",
      "segment.created",
      "segment.updated",
      "segment.updated",
      "segment.deleted",
      "segment.deleted",
    ]);
  });
});
