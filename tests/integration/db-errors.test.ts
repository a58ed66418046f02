import { randomBytes } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { z } from "zod";
import { closeDb } from "@/db/client";
import { channels, syncRuns } from "@/db/schema";
import { protectedAction } from "@/lib/auth/action";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { syncRecordAction } from "@/app/(portal)/record-actions";
import { captureLogLines } from "@/lib/log";

// A database refusal reaches sync runs, action results and logs as Postgres's reason (message,
// SQLSTATE, constraint), never as Drizzle's "Failed query: … params: …" with a page of customers.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
let manager: SessionUser;

const REFUSED_NAME = "Refused-by-the-test";
const CONSTRAINT = "test_refuses_a_last_name";

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
const savedDatabaseUrl = process.env.DATABASE_URL;

/** What must never appear: the record's values, the SQL, Drizzle's parameter list. */
function expectNoLeak(text: string, email: string) {
  expect(text).not.toContain(email);
  expect(text).not.toContain("Failed query");
  expect(text).not.toContain("params:");
  expect(text.toLowerCase()).not.toContain("insert into");
  expect(text).not.toContain("Failing row");
}

/** A synced customer, changed in Magento so that its next write breaks the test's constraint. */
function refusedCustomer(index: number) {
  const customer = [...sim.store.customers.values()][index]!;
  customer.lastname = REFUSED_NAME;
  customer.updated_at = new Date(Date.now() - 1000).toISOString().slice(0, 19).replace("T", " ");
  sim.store.changed();
  return customer;
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 77, customers: 20, orders: 10 });
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  const user = await createUser(
    testDb.db,
    { email: "manager@errors.test", name: "Manager", role: "manager", password: "a sufficiently long password" },
    { userId: null, actor: "test-setup" },
  );
  manager = { id: user.id, email: user.email, name: user.name, role: "manager", permissions: ROLE_PERMISSIONS.manager };
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "errors",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
    })
    .returning()) as [ChannelRow];
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", pageSize: 100 });
  expect(run.status).toBe("succeeded");
  await testDb.db.execute(
    sql.raw(`ALTER TABLE magento_customers ADD CONSTRAINT ${CONSTRAINT} CHECK (last_name IS DISTINCT FROM '${REFUSED_NAME}') NOT VALID`),
  );
}, 60_000);

afterAll(async () => {
  await closeDb();
  await sim?.close();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

beforeEach(() => {
  sessionUserMock.mockReset();
  sessionUserMock.mockResolvedValue(manager);
});

describe("database errors", () => {
  it("a sync whose upsert breaks a constraint stores Postgres's reason and code in sync_runs, not the customers", async () => {
    const customer = refusedCustomer(2);
    const thrown = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "incremental", trigger: "cli" }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(thrown).not.toBeNull();
    // The thrown error goes on to logs and to Inngest: safe too.
    expectNoLeak(`${thrown!.message}\n${thrown!.stack}`, customer.email);

    const [run] = await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channel.id)).orderBy(desc(syncRuns.id)).limit(1);
    expect(run!.status).toBe("failed");
    expect(run!.errorMessage).toContain(`violates check constraint "${CONSTRAINT}"`);
    expect(run!.errorMessage).toContain("SQLSTATE 23514");
    expectNoLeak(run!.errorMessage!, customer.email);
  });

  it('"Sync this record" answers with Postgres\'s reason and code, not the record', async () => {
    const customer = refusedCustomer(4);
    const [row] = rowsOf<{ id: number }>(
      await testDb.db.execute(sql`
      SELECT id::int AS id FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id = ${customer.id}`),
    );
    const form = new FormData();
    form.set("connector", "customers");
    form.set("id", String(row!.id));
    const result = await syncRecordAction(null, form);
    expect(result.ok).toBe(false);
    const error = result.ok ? "" : result.error;
    expect(error).toContain(`violates check constraint "${CONSTRAINT}"`);
    expect(error).toContain("SQLSTATE 23514");
    expectNoLeak(error, customer.email);
  });

  it("an action that fails in the database logs the reason without the query's values", async () => {
    const secret = `leak-${randomBytes(4).toString("hex")}@example.com`;
    const action = protectedAction("view_sales", z.object({}), async (_input, { db }) => {
      await db.execute(
        sql`INSERT INTO magento_customers (channel_id, origin_id, email, last_name) VALUES (${channel.id}, 999999, ${secret}, ${REFUSED_NAME})`,
      );
      return { ok: true };
    });
    const log = captureLogLines();
    try {
      const result = await action(null, new FormData());
      expect(result).toMatchObject({ ok: false, code: "failed" });
      // Each JSON line's message (what an operator reads), and the raw lines for the leak check.
      const lines = log.lines.map((line) => (JSON.parse(line) as { msg: string }).msg).join("\n");
      expectNoLeak(log.lines.join("\n"), secret);
      expect(lines).toContain(`violates check constraint "${CONSTRAINT}"`);
      expect(lines).toContain("SQLSTATE 23514");
      expectNoLeak(lines, secret);
    } finally {
      log.restore();
    }
  });
});
