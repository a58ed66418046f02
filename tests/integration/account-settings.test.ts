import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { users } from "@/db/schema";
import { revalidatePath } from "next/cache";
import { ROLES, ROLE_PERMISSIONS, can, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { queryRows } from "@/db/rows";
import { getPreferences, saveGridPreference } from "@/lib/users/preferences";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { saveTimeZoneAction } from "@/app/(portal)/account/actions";

// "Your settings": the time zone action, through protectedAction, against a real Postgres.
// Mocked as in authorization.test.ts: the session user, next/headers, next/cache, next-auth.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let testDb: TestDatabase;
const savedDatabaseUrl = process.env.DATABASE_URL;
const actors = {} as Record<Role, SessionUser>;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

const timeZoneOf = async (user: SessionUser) => (await getPreferences(testDb.db, user)).timeZone;

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  for (const role of ROLES) {
    const [row] = await testDb.db
      .insert(users)
      .values({ email: `${role}@settings.test`, name: `Person ${role}`, role, passwordHash: "x" })
      .returning();
    actors[role] = { id: row!.id, email: row!.email, name: row!.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
});

afterAll(async () => {
  await closeDb();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

beforeEach(() => {
  sessionUserMock.mockReset();
  sessionUserMock.mockResolvedValue(null);
  vi.mocked(revalidatePath).mockClear();
});

describe("saveTimeZoneAction", () => {
  it.each(ROLES)("%s may set their own time zone, and only their own", async (role) => {
    // The guard is view_sales, held by every role: a role without it would lose its settings page.
    expect(can(role, "view_sales")).toBe(true);
    sessionUserMock.mockResolvedValue(actors[role]);
    const others = await Promise.all(ROLES.filter((r) => r !== role).map((r) => timeZoneOf(actors[r])));
    const result = await saveTimeZoneAction(null, form({ timeZone: "Europe/Berlin", userId: String(actors.admin.id) }));
    expect(result).toEqual({ ok: true, message: "Saved. Dates are now shown in Europe/Berlin." });
    expect(await timeZoneOf(actors[role])).toBe("Europe/Berlin");
    // A user id in the form is ignored: nobody else's row changed.
    expect(await Promise.all(ROLES.filter((r) => r !== role).map((r) => timeZoneOf(actors[r])))).toEqual(others);
    expect(revalidatePath).toHaveBeenCalledWith("/", "layout");
  });

  it("saves every zone the select offers, each one Postgres knows too (grid date filters use it)", async () => {
    sessionUserMock.mockResolvedValue(actors.viewer);
    const known = new Set((await queryRows<{ name: string }>(testDb.db, sql`SELECT name FROM pg_timezone_names`)).map((row) => row.name));
    const zones = Intl.supportedValuesOf("timeZone");
    expect(zones.length).toBeGreaterThan(300);
    for (const zone of zones) {
      const result = await saveTimeZoneAction(null, form({ timeZone: zone }));
      expect(result.ok, zone).toBe(true);
      expect(known.has(zone), `Postgres knows ${zone}`).toBe(true);
    }
    expect(await timeZoneOf(actors.viewer)).toBe(zones.at(-1));
  });

  it('"Use UTC" clears the setting (and so does UTC itself)', async () => {
    sessionUserMock.mockResolvedValue(actors.agent);
    await saveTimeZoneAction(null, form({ timeZone: "Asia/Tokyo" }));
    expect(await saveTimeZoneAction(null, form({ timeZone: "" }))).toEqual({ ok: true, message: "Saved. Dates are now shown in UTC." });
    expect(await timeZoneOf(actors.agent)).toBeNull();
    await saveTimeZoneAction(null, form({ timeZone: "Asia/Tokyo" }));
    expect((await saveTimeZoneAction(null, form({ timeZone: "UTC" }))).ok).toBe(true);
    expect(await timeZoneOf(actors.agent)).toBeNull();
  });

  it("keeps the other preferences (grid columns, page sizes)", async () => {
    sessionUserMock.mockResolvedValue(actors.manager);
    await saveGridPreference(testDb.db, actors.manager.id, "orders", { columns: ["increment_id", "status"], pageSize: 50 });
    await saveTimeZoneAction(null, form({ timeZone: "America/New_York" }));
    expect(await getPreferences(testDb.db, actors.manager)).toEqual({
      timeZone: "America/New_York",
      grids: { orders: { columns: ["increment_id", "status"], pageSize: 50 } },
    });
  });

  it.each([["Mars/Olympus_Mons"], ["Europe/Berlin'; DROP TABLE users; --"], ["not a zone"], ["x".repeat(80)]])(
    "refuses %j with a field error and changes nothing",
    async (timeZone) => {
      sessionUserMock.mockResolvedValue(actors.viewer);
      await saveTimeZoneAction(null, form({ timeZone: "Europe/Paris" }));
      const result = await saveTimeZoneAction(null, form({ timeZone }));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe("invalid");
      expect(result.fieldErrors?.timeZone?.length).toBeGreaterThan(0);
      expect(await timeZoneOf(actors.viewer)).toBe("Europe/Paris");
    },
  );

  it("refuses a form without the field", async () => {
    sessionUserMock.mockResolvedValue(actors.viewer);
    const result = await saveTimeZoneAction(null, form({}));
    expect(result).toMatchObject({ ok: false, code: "invalid", fieldErrors: { timeZone: ["Choose a time zone."] } });
  });

  it("refuses without a session, writing nothing", async () => {
    const before = await testDb.db.select({ preferences: users.preferences }).from(users).where(eq(users.id, actors.admin.id));
    const result = await saveTimeZoneAction(null, form({ timeZone: "Asia/Tokyo" }));
    expect(result).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await testDb.db.select({ preferences: users.preferences }).from(users).where(eq(users.id, actors.admin.id))).toEqual(before);
  });
});
