import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, cartEvents, channels, magentoCarts, magentoOrders, orderFollowUps, users } from "@/db/schema";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS, ROLES, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { createUser } from "@/lib/users/service";
import { listAbandonedToTake, listMyFollowUps, loadCartTimeline, markLost } from "@/lib/carts/follow-up";
import { listOrdersToFollowUp } from "@/lib/orders/follow-up";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as actions from "@/app/(portal)/sales/follow-up-actions";

// The follow-up server actions against a real Postgres, signed in per role: a viewer is refused
// and nothing changes; agents log contacts, mark lost, reopen and take carts; only managers hand
// carts to others; every step lands in the timeline and the audit log.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type AnyAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
const actors = {} as Record<Role, SessionUser>;
let testDb: TestDatabase;
let channelId = 0;
let nextOrigin = 1000;
const savedDatabaseUrl = process.env.DATABASE_URL;

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

async function run(role: Role, action: AnyAction, fields: Record<string, string | string[]>) {
  sessionUserMock.mockResolvedValue(actors[role]);
  return action(null, form(fields));
}

async function makeCart(values: Partial<typeof magentoCarts.$inferInsert> = {}) {
  const [cart] = await testDb.db
    .insert(magentoCarts)
    .values({
      channelId,
      originId: ++nextOrigin,
      customerEmail: `c${nextOrigin}@shop.test`,
      grandTotal: "120.5000",
      currencyCode: "USD",
      ...values,
    })
    .returning();
  return cart!;
}

async function cartRow(id: number) {
  const [row] = await testDb.db.select().from(magentoCarts).where(eq(magentoCarts.id, id));
  return row!;
}

const eventsOf = (id: number) => testDb.db.select().from(cartEvents).where(eq(cartEvents.cartId, id)).orderBy(asc(cartEvents.id));
const auditsOf = (id: number, type = "carts") =>
  testDb.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, type), eq(auditLog.entityId, String(id))))
    .orderBy(asc(auditLog.id));

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  for (const role of ROLES) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@follow.test`, name: `The ${role}`, role, password: "a long enough password" },
      { userId: null, actor: "test" },
    );
    actors[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const [channel] = await testDb.db.insert(channels).values({ name: "follow", baseUrl: "https://shop.example.com" }).returning();
  channelId = channel!.id;
});

afterAll(async () => {
  await closeDb();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

beforeEach(() => sessionUserMock.mockReset());

describe("viewer is refused and nothing changes", () => {
  const cases: [string, AnyAction, (cartId: number) => Record<string, string | string[]>][] = [
    ["log contact", actions.logContactAction, (id) => ({ cartId: String(id), channel: "call", outcome: "Reached" })],
    ["mark lost", actions.markLostAction, (id) => ({ cartId: String(id), reason: "price" })],
    ["reopen", actions.reopenCartAction, (id) => ({ cartId: String(id) })],
    ["assign", actions.assignCartsAction, (id) => ({ cartIds: String(id), assigneeId: String(actors.viewer.id) })],
  ];
  it.each(cases)("%s", async (_name, action, fields) => {
    const cart = await makeCart({ status: "contacted" });
    const before = await cartRow(cart.id);
    const result = await run("viewer", action, fields(cart.id));
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect(await cartRow(cart.id)).toEqual(before);
    expect(await eventsOf(cart.id)).toEqual([]);
    expect(await auditsOf(cart.id)).toEqual([]);
  });

  it("record order feedback", async () => {
    const [order] = await testDb.db
      .insert(magentoOrders)
      .values({ channelId, originId: ++nextOrigin, incrementId: "V1", state: "complete", status: "complete", grandTotal: "10" })
      .returning();
    const result = await run("viewer", actions.recordOrderFeedbackAction, { orderId: String(order!.id), feedback: "Happy" });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect(await testDb.db.select().from(orderFollowUps)).toEqual([]);
  });

  it("without a session", async () => {
    const cart = await makeCart();
    sessionUserMock.mockResolvedValue(null);
    const result = await (actions.logContactAction as AnyAction)(null, form({ cartId: String(cart.id), channel: "call", outcome: "x" }));
    expect(result).toMatchObject({ ok: false, code: "unauthenticated" });
    expect((await cartRow(cart.id)).status).toBe("open");
  });
});

describe("an agent works a cart", () => {
  it("logs contacts (repeatable), marks lost with a reason, is refused logging on a lost cart, reopens", async () => {
    const cart = await makeCart({ statusMessage: "Inactive in Magento" });
    expect(
      await run("agent", actions.logContactAction, {
        cartId: String(cart.id),
        channel: "call",
        outcome: "Left a voicemail",
        note: "Call back Tuesday",
      }),
    ).toMatchObject({ ok: true });
    let row = await cartRow(cart.id);
    expect(row).toMatchObject({ status: "contacted", contactCount: 1, statusMessage: null });
    expect(row.lastContactAt).toBeInstanceOf(Date);

    expect(
      await run("agent", actions.logContactAction, { cartId: String(cart.id), channel: "email", outcome: "Sent a coupon" }),
    ).toMatchObject({ ok: true });
    expect((await cartRow(cart.id)).contactCount).toBe(2);

    const other = await run("agent", actions.markLostAction, { cartId: String(cart.id), reason: "other" });
    expect(other).toMatchObject({ ok: false, code: "invalid", fieldErrors: { reasonText: ["Describe the reason."] } });
    expect(await run("agent", actions.markLostAction, { cartId: String(cart.id), reason: "shipping_cost", note: "Too far" })).toMatchObject(
      { ok: true },
    );
    expect((await cartRow(cart.id)).status).toBe("lost");

    const refused = await run("agent", actions.logContactAction, { cartId: String(cart.id), channel: "call", outcome: "Again" });
    expect(refused).toMatchObject({ ok: false, code: "failed", error: expect.stringContaining("reopen it first") });
    expect((await cartRow(cart.id)).contactCount).toBe(2);

    expect(await run("agent", actions.reopenCartAction, { cartId: String(cart.id), note: "Customer called back" })).toMatchObject({
      ok: true,
    });
    row = await cartRow(cart.id);
    expect(row.status).toBe("open");

    const events = await eventsOf(cart.id);
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ["contact_call", "open", "contacted"],
      ["contact_email", "contacted", "contacted"],
      ["status", "contacted", "lost"],
      ["status", "lost", "open"],
    ]);
    expect(events[0]).toMatchObject({
      userId: actors.agent.id,
      actor: "The agent",
      outcome: "Left a voicemail",
      note: "Call back Tuesday",
    });
    expect(events[2]).toMatchObject({ lostReason: "shipping_cost", outcome: "Shipping cost", note: "Too far" });
    expect((await auditsOf(cart.id)).map((a) => [a.action, a.actor, a.details])).toEqual([
      ["cart.log_contact", actors.agent.email, { originId: cart.originId, from: "open", to: "contacted" }],
      ["cart.log_contact", actors.agent.email, { originId: cart.originId, from: "contacted", to: "contacted" }],
      ["cart.mark_lost", actors.agent.email, { originId: cart.originId, from: "contacted", to: "lost", reason: "shipping_cost" }],
      ["cart.reopen", actors.agent.email, { originId: cart.originId, from: "lost", to: "open" }],
    ]);
    sessionUserMock.mockResolvedValue(actors.agent);
    const timeline = await loadCartTimeline(testDb.db, actors.agent, cart.id);
    expect(timeline[0]).toMatchObject({ fromStatus: "lost", toStatus: "open", note: "Customer called back" });
  });

  it("two people marking the same cart lost at once: one wins, the other is told, one timeline entry", async () => {
    const cart = await makeCart({ status: "contacted" });
    const [a, b] = await Promise.all([
      markLost(testDb.db, actors.agent, { cartId: cart.id, reason: "price", reasonText: null, note: null }),
      markLost(testDb.db, actors.manager, { cartId: cart.id, reason: "just_browsing", reasonText: null, note: null }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect((await eventsOf(cart.id)).filter((e) => e.toStatus === "lost")).toHaveLength(1);
    expect((await auditsOf(cart.id)).map((x) => x.action)).toEqual(["cart.mark_lost"]);
  });

  it("cannot touch a purchased cart", async () => {
    const cart = await makeCart({ status: "purchased" });
    const result = await run("agent", actions.markLostAction, { cartId: String(cart.id), reason: "price" });
    expect(result).toMatchObject({ ok: false, code: "failed" });
    expect((await cartRow(cart.id)).status).toBe("purchased");
    expect(await eventsOf(cart.id)).toEqual([]);
  });

  it("takes carts for themselves but cannot hand them to others; a manager can (bulk)", async () => {
    const a = await makeCart({ grandTotal: "50.0000" });
    const b = await makeCart({ grandTotal: "900.0000" });
    const done = await makeCart({ status: "converted" });

    const refused = await run("agent", actions.assignCartsAction, {
      cartIds: [String(a.id), String(b.id)],
      assigneeId: String(actors.manager.id),
    });
    expect(refused).toMatchObject({ ok: false, code: "failed" });
    expect((await cartRow(a.id)).assigneeUserId).toBeNull();

    const mine = await run("agent", actions.assignCartsAction, { cartIds: [String(a.id)], assigneeId: String(actors.agent.id) });
    expect(mine).toMatchObject({ ok: true, message: "1 cart assigned." });

    const bulk = await run("manager", actions.assignCartsAction, {
      cartIds: [String(b.id), String(done.id)],
      assigneeId: String(actors.agent.id),
    });
    expect(bulk).toMatchObject({ ok: true, message: expect.stringMatching(/^1 cart assigned; 1 left/) });
    expect((await cartRow(b.id)).assigneeUserId).toBe(actors.agent.id);
    expect((await cartRow(done.id)).assigneeUserId).toBeNull();

    const viewerTarget = await run("manager", actions.assignCartsAction, { cartIds: [String(a.id)], assigneeId: String(actors.viewer.id) });
    expect(viewerTarget).toMatchObject({ ok: false });

    const queue = await listMyFollowUps(testDb.db, actors.agent);
    expect(queue.map((r) => r.id)).toEqual([b.id, a.id]);
    const [assignment] = (await eventsOf(b.id)).filter((e) => e.kind === "assignment");
    expect(assignment).toMatchObject({ userId: actors.manager.id, assigneeUserId: actors.agent.id });
    expect((await auditsOf(b.id)).map((x) => [x.action, x.details])).toEqual([
      ["cart.assigned", { originId: b.originId, from: null, to: actors.agent.id }],
    ]);
  });
});

describe("a cart someone else has", () => {
  it("an agent cannot take it or unassign it: the reason names who has it; in bulk it is skipped", async () => {
    const cart = await makeCart({ assigneeUserId: actors.manager.id });
    const refused = await run("agent", actions.assignCartsAction, { cartIds: String(cart.id), assigneeId: String(actors.agent.id) });
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(/assigned to The manager; only a manager or an administrator can take it over/),
    });
    expect(await run("agent", actions.assignCartsAction, { cartIds: String(cart.id), assigneeId: "" })).toMatchObject({ ok: false });
    expect((await cartRow(cart.id)).assigneeUserId).toBe(actors.manager.id);
    expect(await eventsOf(cart.id)).toEqual([]);
    expect(await auditsOf(cart.id)).toEqual([]);

    const free = await makeCart();
    const bulk = await run("agent", actions.assignCartsAction, {
      cartIds: [String(free.id), String(cart.id)],
      assigneeId: String(actors.agent.id),
    });
    expect(bulk).toMatchObject({ ok: true, message: expect.stringMatching(/^1 cart assigned; 1 left/) });
    expect((await cartRow(free.id)).assigneeUserId).toBe(actors.agent.id);
    expect((await cartRow(cart.id)).assigneeUserId).toBe(actors.manager.id);
  });

  it("a manager or an admin takes it over", async () => {
    const cart = await makeCart({ assigneeUserId: actors.agent.id });
    expect(
      await run("manager", actions.assignCartsAction, { cartIds: String(cart.id), assigneeId: String(actors.manager.id) }),
    ).toMatchObject({ ok: true, message: "1 cart assigned." });
    expect(await run("admin", actions.assignCartsAction, { cartIds: String(cart.id), assigneeId: String(actors.admin.id) })).toMatchObject({
      ok: true,
    });
    expect((await cartRow(cart.id)).assigneeUserId).toBe(actors.admin.id);
    expect((await auditsOf(cart.id)).map((a) => a.details)).toEqual([
      { originId: cart.originId, from: actors.agent.id, to: actors.manager.id },
      { originId: cart.originId, from: actors.manager.id, to: actors.admin.id },
    ]);
  });

  it("an agent may take a cart whose assignee was deactivated (nobody works it any more)", async () => {
    const gone = await createUser(
      testDb.db,
      { email: "gone@follow.test", name: "Gone Agent", role: "agent", password: "a long enough password" },
      { userId: null, actor: "test" },
    );
    const cart = await makeCart({ assigneeUserId: gone.id });
    await testDb.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    expect(await run("agent", actions.assignCartsAction, { cartIds: String(cart.id), assigneeId: String(actors.agent.id) })).toMatchObject({
      ok: true,
    });
    expect((await cartRow(cart.id)).assigneeUserId).toBe(actors.agent.id);
  });
});

describe("abandoned carts to take", () => {
  it("My Follow-ups offers the abandoned carts nobody has taken; taking one moves it to my queue, marked abandoned", async () => {
    const days = (n: number) => new Date(Date.now() - n * 86_400_000);
    const old = await makeCart({ itemsCount: 2, grandTotal: "310.0000", remoteCreatedAt: days(5), remoteUpdatedAt: days(3) });
    const older = await makeCart({
      itemsCount: 1,
      grandTotal: "40.0000",
      remoteCreatedAt: days(20),
      remoteUpdatedAt: days(12),
      status: "contacted",
    });
    const fresh = await makeCart({ itemsCount: 1, remoteCreatedAt: days(0.1), remoteUpdatedAt: days(0.05) });
    const noEmail = await makeCart({ itemsCount: 1, customerEmail: " ", remoteUpdatedAt: days(3) });
    const lost = await makeCart({ itemsCount: 1, status: "lost", remoteUpdatedAt: days(3) });

    const offered = await listAbandonedToTake(testDb.db, actors.agent);
    expect(offered.rows.map((r) => r.id)).toEqual([old.id, older.id]);
    expect(offered.total).toBe(2);
    for (const id of [fresh.id, noEmail.id, lost.id]) expect(offered.rows.map((r) => r.id)).not.toContain(id);

    expect(await run("agent", actions.assignCartsAction, { cartIds: String(old.id), assigneeId: String(actors.agent.id) })).toMatchObject({
      ok: true,
    });
    expect((await listAbandonedToTake(testDb.db, actors.agent)).rows.map((r) => r.id)).toEqual([older.id]);
    const mine = await listMyFollowUps(testDb.db, actors.agent);
    expect(mine.find((r) => r.id === old.id)).toMatchObject({ abandoned: true, status: "open" });
    // Assigned earlier in this file and never idle in Magento: in my queue, not abandoned.
    expect(mine.filter((r) => r.id !== old.id).every((r) => !r.abandoned)).toBe(true);
    await expect(listAbandonedToTake(testDb.db, actors.viewer)).rejects.toThrow();
  });
});

describe("order feedback", () => {
  it("an agent records it once; the order leaves the to-follow-up list", async () => {
    const [order] = await testDb.db
      .insert(magentoOrders)
      .values({
        channelId,
        originId: ++nextOrigin,
        incrementId: "F-100",
        state: "complete",
        status: "complete",
        grandTotal: "75.2500",
        remoteCreatedAt: new Date(),
      })
      .returning();
    expect((await listOrdersToFollowUp(testDb.db, actors.agent)).map((o) => o.id)).toContain(order!.id);
    const empty = await run("agent", actions.recordOrderFeedbackAction, { orderId: String(order!.id), feedback: " " });
    expect(empty).toMatchObject({ ok: false, code: "invalid", fieldErrors: { feedback: expect.any(Array) } });
    expect(
      await run("agent", actions.recordOrderFeedbackAction, {
        orderId: String(order!.id),
        feedback: "Loves the chair",
        note: "Wants the matching table",
      }),
    ).toMatchObject({ ok: true });
    expect(await run("manager", actions.recordOrderFeedbackAction, { orderId: String(order!.id), feedback: "Twice" })).toMatchObject({
      ok: false,
      error: "Feedback for this order was already recorded.",
    });
    const rows = await testDb.db.select().from(orderFollowUps).where(eq(orderFollowUps.orderId, order!.id));
    expect(rows).toMatchObject([{ userId: actors.agent.id, feedback: "Loves the chair", note: "Wants the matching table" }]);
    expect((await listOrdersToFollowUp(testDb.db, actors.agent)).map((o) => o.id)).not.toContain(order!.id);
    expect((await auditsOf(order!.id, "orders")).map((a) => a.action)).toEqual(["order.feedback_recorded"]);
  });
});
