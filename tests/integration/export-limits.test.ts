import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { exportsRunning } from "@/lib/grid/export";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import { loadGridView } from "@/lib/browse/grid-view";
import { isQueryTimeout, QUERY_TIMEOUT_MESSAGE } from "@/lib/grid/timeout";
import type { GridDefinition } from "@/lib/grid/types";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { GET as exportRoute } from "@/app/(portal)/export/[grid]/route";

// CSV downloads and slow views cannot take the portal down: exports read from their own small
// pool, at most EXPORT_MAX_CONNECTIONS at once, each cut at EXPORT_TIMEOUT_SECONDS; grid and report
// statements stop at QUERY_TIMEOUT_SECONDS with a message. Driven through the export route and the
// process's own database handle (DATABASE_URL), as the portal runs them.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
const EXPORT_SECONDS = 4;
const saved = { ...process.env };
let testDb: TestDatabase;
let admin: SessionUser;

/** Settles within `ms` or says it hung. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

function download(): Promise<Response> {
  return exportRoute(new Request("http://portal.test/export/audit-log", { headers: { "x-forwarded-for": "203.0.113.5" } }), {
    params: Promise.resolve({ grid: "audit-log" }),
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  Object.assign(process.env, {
    DATABASE_URL: testDb.url,
    EXPORT_MAX_CONNECTIONS: "2",
    EXPORT_TIMEOUT_SECONDS: String(EXPORT_SECONDS),
    QUERY_TIMEOUT_SECONDS: "1",
  });
  const user = await createUser(
    testDb.db,
    { email: "admin@limits.test", name: "Ada Admin", role: "admin", password: "a sufficiently long password" },
    { userId: null, actor: "test-setup" },
  );
  admin = { id: user.id, email: user.email, name: user.name, role: "admin", permissions: ROLE_PERMISSIONS.admin };
  // More rows than an export reads per batch: a download that stops reading keeps its cursor open.
  await testDb.db.execute(sql`
    INSERT INTO audit_log (actor, action, entity_type, entity_id, details)
    SELECT 'someone@limits.test', 'user.updated', 'user', g::text, '{}'::jsonb FROM generate_series(1, 5000) g`);
});

afterAll(async () => {
  await closeDb();
  await testDb?.drop();
  for (const key of ["DATABASE_URL", "EXPORT_MAX_CONNECTIONS", "EXPORT_TIMEOUT_SECONDS", "QUERY_TIMEOUT_SECONDS"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

beforeEach(() => {
  sessionUserMock.mockReset();
  sessionUserMock.mockResolvedValue(admin);
});

describe("CSV exports and slow views", () => {
  it("ten stalled downloads neither stop a grid from answering nor hang: two stream, eight are told to retry, both end at the limit", async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => download()));
    const stalled: ReadableStreamDefaultReader<Uint8Array>[] = [];
    for (const response of responses.filter((r) => r.status === 200)) {
      const reader = response.body!.getReader();
      await reader.read(); // the header row
      await reader.read(); // the first batch: the cursor is open now, and the client stops reading
      stalled.push(reader);
    }

    // Everyone else's pages still answer at once.
    const view = await within(5_000, loadGridView(admin, auditLogGrid, {}));
    expect(view.total).toBeGreaterThan(0);
    await within(5_000, (await getDb()).execute(sql`SELECT 1`));

    expect(stalled).toHaveLength(2);
    const refused = responses.filter((r) => r.status === 503);
    expect(refused).toHaveLength(8);
    expect(await refused[0]!.text()).toBe("2 exports are already running, the most at once. Try again in a minute.");

    // At the time limit the stalled exports end on their own (their connections go back) ...
    const stalledAt = Date.now();
    while (exportsRunning() > 0) {
      expect(Date.now() - stalledAt).toBeLessThan((EXPORT_SECONDS + 5) * 1000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // ... and their files end with a last row that says they were cut.
    const rest = await within(
      5_000,
      (async () => {
        let text = "";
        for (;;) {
          const chunk = await stalled[0]!.read();
          if (chunk.done) return text;
          text += new TextDecoder().decode(chunk.value);
        }
      })(),
    );
    expect(rest.trimEnd().split("\r\n").at(-1)).toBe(
      `"Export stopped after ${EXPORT_SECONDS} seconds: the rows above are complete, the rest was not sent. Narrow the filters or select fewer rows, then export again."`,
    );
    await stalled[1]!.cancel();
    // Their connections are back: a new export reads at once.
    const next = await download();
    expect(next.status).toBe(200);
    const reader = next.body!.getReader();
    await within(5_000, reader.read());
    expect((await within(5_000, reader.read())).done).toBe(false);
    await reader.cancel();
  }, 30_000);

  it("a grid statement slower than QUERY_TIMEOUT_SECONDS is stopped and says to narrow the filters", async () => {
    // The audit log grid, but every statement first sleeps 2.5 s (an InitPlan: once per statement).
    const slow: GridDefinition = { ...auditLogGrid, where: `${auditLogGrid.where} AND (SELECT true FROM pg_sleep(2.5))` };
    const started = Date.now();
    const error = await loadGridView(admin, slow, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2_400);
    expect(isQueryTimeout(error)).toBe(true);
    expect((error as Error).message).toBe(QUERY_TIMEOUT_MESSAGE);
    // The pool is fine afterwards.
    expect((await loadGridView(admin, auditLogGrid, {})).total).toBeGreaterThan(0);
  });
});
