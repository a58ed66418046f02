import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, count, eq, gt, max } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditLog, channels, loginThrottle, magentoCarts, magentoWebsites, revokedSessions, syncRuns, users } from "@/db/schema";
import { revalidatePath } from "next/cache";
import { loadAccountChange } from "@/lib/accounts/manage";
import { loadAccountSummary, searchAccountsToPick } from "@/lib/accounts/pick";
import { auth } from "@/lib/auth/auth";
import type { ActionResult } from "@/lib/auth/action";
import { authenticate } from "@/lib/auth/authenticate";
import { accountKey } from "@/lib/auth/throttle";
import { PROTECTED_PAGES } from "@/lib/auth/navigation";
import {
  listChannelWebsites,
  loadChannelRecordCounts,
  loadChannelSettings,
  loadDeletingChannel,
  type ChannelSettingsView,
} from "@/lib/channels/queries";
import { linkedOrder } from "@/lib/carts/conversion/context";
import { channelDirectory } from "@/lib/customers/directory";
import { anyTwoWayChannel } from "@/lib/customers/subscription";
import { customerPushState, listPushFailures, loadCustomerEdit } from "@/lib/customers/two-way/service";
import { reportContext } from "@/lib/reports/report-context";
import { findVisibleSegment, listVisibleSegments } from "@/lib/segments/apply";
import { countSegment } from "@/lib/segments/segments";
import { loadFailingChannels } from "@/lib/sync/health";
import {
  activeRun,
  channelOptions,
  getChannelSummary,
  getHistoryRun,
  listChannelRuns,
  listHistoryRuns,
  listRunErrors,
  listRunWarnings,
  unresolvedErrorCount,
} from "@/lib/sync/history";
import { loadRunProgress } from "@/lib/sync/progress";
import { getPreferences } from "@/lib/users/preferences";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, can, type Permission, type Role } from "@/lib/auth/permissions";
import { ForbiddenError, getSessionUser, requirePagePermission, requirePermission, type SessionUser } from "@/lib/auth/session";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import { loadGridView } from "@/lib/browse/grid-view";
import { accountsGrid } from "@/lib/accounts/grid";
import { loadAccountsReport } from "@/lib/reports/loaders/accounts";
import { loadTopAccounts } from "@/lib/reports/dashboard/queries";
import { parseReportFilters } from "@/lib/periods/filters";
import { listUsersFor } from "@/lib/users/queries";
import { createUser, setUserActive } from "@/lib/users/service";
import { getWorkspaceCounts } from "@/lib/reports/dashboard/counts";
import { loadAccountActivity } from "@/lib/accounts/activity";
import { listAccountOwners, loadAccountDetail } from "@/lib/accounts/detail";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as userActions from "@/app/(portal)/system/users/actions";
import * as followUpActions from "@/app/(portal)/sales/follow-up-actions";

// The authorization walk: every role × every permission, every protected page, every query
// function and every server action, against a real Postgres.
//
// Mocked, and only these:
// - getSessionUser (lib/auth/session.ts), to pick the signed-in user per test; the rest of that
//   module (requirePermission, requirePagePermission and the real getSessionUser they use) is real.
// - next/headers (the client address and the page path) and next/cache (revalidatePath), which
//   need a Next request.
// - lib/auth/auth.ts, the NextAuth instance: next-auth cannot be loaded outside Next (its ESM
//   imports `next/server` without an extension). Its `auth()` returns the JWT session the real
//   getSessionUser then looks up in the database.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
// The request the mocked headers() describes: the socket's address (the server writes it into
// x-portal-peer-address), an X-Forwarded-For the client made up, and the page being opened. The
// audit log must record the first, never the second.
const requestHeaders = vi.hoisted(() => ({ ip: "203.0.113.7", path: "/dashboard" }));
vi.mock("next/headers", () => ({
  headers: vi.fn(
    async () =>
      new Headers({
        "x-portal-peer-address": requestHeaders.ip,
        "x-forwarded-for": "198.51.100.250, 10.0.0.1",
        "x-portal-path": requestHeaders.path,
      }),
  ),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const CLIENT_IP = requestHeaders.ip;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
// A JWT session as Auth.js decodes it; signedInAt is set at sign-in (lib/auth/config.ts).
const authMock = auth as unknown as Mock<() => Promise<{ user: { id: string }; sessionId?: string; signedInAt?: number } | null>>;
const realSession = await vi.importActual<typeof import("@/lib/auth/session")>("@/lib/auth/session");

const PASSWORD = "a sufficiently long password";
const ROOT = process.cwd();
const PORTAL_DIR = path.join(ROOT, "app", "(portal)");

let testDb: TestDatabase;
const savedDatabaseUrl = process.env.DATABASE_URL;
const savedAuthInterrupts = process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
/** One signed-in user per role, built from real users rows. */
const actors = {} as Record<Role, SessionUser>;
let targetCounter = 0;
/** The one channel ("Main store"), with one website and one finished sync run. */
let mainChannelId = 0;
let mainRunId = 0;

function sessionUserFrom(row: { id: number; email: string; name: string; role: Role }): SessionUser {
  return { id: row.id, email: row.email, name: row.name, role: row.role, permissions: ROLE_PERMISSIONS[row.role] };
}

async function makeUser(email: string, role: Role) {
  return createUser(testDb.db, { email, name: `Person ${email}`, role, password: PASSWORD }, { userId: null, actor: "test-setup" });
}

async function userByEmail(email: string) {
  const [row] = await testDb.db.select().from(users).where(eq(users.email, email));
  return row ?? null;
}

async function countOf(table: typeof users | typeof auditLog): Promise<number> {
  const [row] = await testDb.db.select({ n: count() }).from(table);
  return row!.n;
}

async function lastAuditIdNow(): Promise<number> {
  const [row] = await testDb.db.select({ last: max(auditLog.id) }).from(auditLog);
  return Number(row?.last ?? 0);
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

/** The permission a page in PROTECTED_PAGES is guarded by. */
function pagePermission(href: string): Permission {
  const page = PROTECTED_PAGES.find((p) => p.href === href);
  if (!page) throw new Error(`${href} is not in PROTECTED_PAGES`);
  return page.permission;
}

function allFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return allFiles(full, name);
    return entry.name === name ? [full] : [];
  });
}

/** What a call threw (or a failure when it did not throw). */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const digestOf = (error: unknown) => (error as { digest?: string }).digest;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // getDb() (used by the query functions and actions) opens DATABASE_URL on first use.
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  // next.config.ts enables experimental.authInterrupts, which Next exposes to forbidden() like this.
  process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

  for (const role of ROLES) actors[role] = sessionUserFrom(await makeUser(`${role}@authz.test`, role));

  const [channel] = await testDb.db
    .insert(channels)
    .values({ name: "Main store", baseUrl: "https://shop.example.com", credentialsEncrypted: "v1:sealed-credentials" })
    .returning({ id: channels.id });
  const [run] = await testDb.db
    .insert(syncRuns)
    .values({ channelId: channel!.id, mode: "full", trigger: "manual", status: "succeeded" })
    .returning({ id: syncRuns.id });
  mainChannelId = channel!.id;
  mainRunId = run!.id;
  await testDb.db.insert(magentoWebsites).values({ channelId: mainChannelId, originId: 1, code: "base", name: "Main Website" });
});

afterAll(async () => {
  await closeDb();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
  if (savedAuthInterrupts === undefined) delete process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
  else process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = savedAuthInterrupts;
});

beforeEach(() => {
  sessionUserMock.mockReset();
  sessionUserMock.mockResolvedValue(null);
  authMock.mockReset();
  authMock.mockResolvedValue(null);
  vi.mocked(revalidatePath).mockClear();
  requestHeaders.path = "/dashboard";
});

// ── requirePermission: the table itself ──────────────────────────────────────────────────────

describe("requirePermission, every role × every permission", () => {
  const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission] as const));

  it.each(cases)("%s × %s: throws ForbiddenError exactly when ROLE_PERMISSIONS lacks it", (role, permission) => {
    const user = actors[role];
    if (ROLE_PERMISSIONS[role].includes(permission)) {
      expect(() => requirePermission(user, permission)).not.toThrow();
    } else {
      let caught: unknown;
      try {
        requirePermission(user, permission);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ForbiddenError);
      expect((caught as ForbiddenError).permission).toBe(permission);
    }
  });

  it.each(PERMISSIONS)("nobody signed in × %s: ForbiddenError", (permission) => {
    expect(() => requirePermission(null, permission)).toThrow(ForbiddenError);
  });

  it("goes by the role, not by the permissions list a SessionUser carries", () => {
    const forged: SessionUser = { ...actors.viewer, permissions: PERMISSIONS };
    expect(() => requirePermission(forged, "manage_users")).toThrow(ForbiddenError);
  });
});

// ── pages ────────────────────────────────────────────────────────────────────────────────────

/** The page file of a URL path: `<path>/page.tsx`, or inside a route group `<path>/(group)/page.tsx`. */
function pageFileOf(href: string): string {
  const dir = path.join(PORTAL_DIR, ...href.split("/").filter(Boolean));
  const direct = path.join(dir, "page.tsx");
  if (existsSync(direct)) return direct;
  const group = readdirSync(dir, { withFileTypes: true }).find(
    (e) => e.isDirectory() && e.name.startsWith("(") && existsSync(path.join(dir, e.name, "page.tsx")),
  );
  if (!group) throw new Error(`No page file for ${href}`);
  return path.join(dir, group.name, "page.tsx");
}

describe("protected pages", () => {
  it("covers every page in PROTECTED_PAGES", () => {
    expect(PROTECTED_PAGES.length).toBeGreaterThan(0);
  });

  it.each(PROTECTED_PAGES.map((page) => [page.href, page.permission] as const))(
    "%s has a page file that awaits requirePagePermission(%j)",
    (href, permission) => {
      const text = readFileSync(pageFileOf(href), "utf8");
      expect(text).toContain(`await requirePagePermission("${permission}")`);
      // No second, different guard in the same file.
      const guards = [...text.matchAll(/requirePagePermission\(\s*"([a-z_]+)"\s*\)/g)].map((m) => m[1]);
      expect(guards.length).toBeGreaterThan(0);
      expect(new Set(guards)).toEqual(new Set([permission]));
    },
  );

  it("has no page under app/(portal) without an awaited requirePagePermission guard", () => {
    const pages = allFiles(PORTAL_DIR, "page.tsx");
    expect(pages.length).toBeGreaterThanOrEqual(PROTECTED_PAGES.length);
    for (const file of pages) {
      const text = readFileSync(file, "utf8");
      const guard = /await requirePagePermission\(\s*"([a-z_]+)"\s*\)/.exec(text);
      expect(guard, `${path.relative(ROOT, file)} has no awaited requirePagePermission("…")`).not.toBeNull();
      expect(PERMISSIONS).toContain(guard![1]);
    }
  });

  const pageCases = PROTECTED_PAGES.flatMap((page) => ROLES.map((role) => [page.href, role, page.permission] as const));

  it.each(pageCases)("%s as %s: requirePagePermission lets in exactly the roles with its permission", async (href, role, permission) => {
    requestHeaders.path = href;
    authMock.mockResolvedValue({ user: { id: String(actors[role].id) }, sessionId: "test-session", signedInAt: Date.now() });
    if (can(role, permission)) {
      await expect(requirePagePermission(permission)).resolves.toEqual(actors[role]);
    } else {
      const error = await thrown(() => requirePagePermission(permission));
      expect(digestOf(error)).toBe("NEXT_HTTP_ERROR_FALLBACK;403");
    }
  });

  it.each(PROTECTED_PAGES.map((page) => [page.href, page.permission] as const))(
    "%s without a session: off to the sign-in page, coming back afterwards",
    async (href, permission) => {
      requestHeaders.path = href;
      const error = await thrown(() => requirePagePermission(permission));
      expect(digestOf(error)).toMatch(/^NEXT_REDIRECT;/);
      expect(digestOf(error)).toContain(`;/login?callbackUrl=${encodeURIComponent(href)};`);
    },
  );

  it("sends a deactivated user's still-valid token to /session-ended, for every page", async () => {
    const gone = await makeUser("deactivated-page@authz.test", "admin");
    await setUserActive(testDb.db, gone.email, false, { userId: null, actor: "test-setup" });
    authMock.mockResolvedValue({ user: { id: String(gone.id) }, sessionId: "test-session", signedInAt: Date.now() });
    for (const page of PROTECTED_PAGES) {
      requestHeaders.path = page.href;
      const error = await thrown(() => requirePagePermission(page.permission));
      expect(digestOf(error)).toContain(`;/session-ended?callbackUrl=${encodeURIComponent(page.href)};`);
    }
  });
});

// ── the real getSessionUser (what every page and action trusts) ───────────────────────────────

describe("getSessionUser re-reads the user from the database", () => {
  it.each(ROLES)("%s: the role and permissions come from the users row", async (role) => {
    authMock.mockResolvedValue({ user: { id: String(actors[role].id) }, sessionId: "test-session", signedInAt: Date.now() });
    await expect(realSession.getSessionUser()).resolves.toEqual(actors[role]);
  });

  it("returns null without a session, for a malformed id, an unknown id or a deactivated user", async () => {
    await expect(realSession.getSessionUser()).resolves.toBeNull();
    for (const id of ["", "abc", "0", "-1", "1.5", "999999999"]) {
      authMock.mockResolvedValue({ user: { id }, sessionId: "test-session", signedInAt: Date.now() });
      await expect(realSession.getSessionUser(), `id ${JSON.stringify(id)}`).resolves.toBeNull();
    }
    const gone = await makeUser("deactivated-session@authz.test", "admin");
    await setUserActive(testDb.db, gone.email, false, { userId: null, actor: "test-setup" });
    authMock.mockResolvedValue({ user: { id: String(gone.id) }, sessionId: "test-session", signedInAt: Date.now() });
    await expect(realSession.getSessionUser()).resolves.toBeNull();
  });

  it("returns null for a signed-out (revoked) session and for a token without a session id", async () => {
    const user = await makeUser("revoked-session@authz.test", "manager");
    authMock.mockResolvedValue({ user: { id: String(user.id) }, sessionId: "still-open", signedInAt: Date.now() });
    expect((await realSession.getSessionUser())?.email).toBe("revoked-session@authz.test");
    await testDb.db
      .insert(revokedSessions)
      .values({ sessionId: "signed-out", userId: user.id, expiresAt: new Date(Date.now() + 3600_000) });
    authMock.mockResolvedValue({ user: { id: String(user.id) }, sessionId: "signed-out", signedInAt: Date.now() });
    await expect(realSession.getSessionUser()).resolves.toBeNull();
    authMock.mockResolvedValue({ user: { id: String(user.id) } });
    await expect(realSession.getSessionUser()).resolves.toBeNull();
  });

  it("applies a role change on the next request, whatever the token says", async () => {
    const changing = await makeUser("changing-role@authz.test", "admin");
    authMock.mockResolvedValue({ user: { id: String(changing.id) }, sessionId: "test-session", signedInAt: Date.now() });
    expect((await realSession.getSessionUser())?.role).toBe("admin");
    await testDb.db.update(users).set({ role: "viewer" }).where(eq(users.id, changing.id));
    const after = await realSession.getSessionUser();
    expect(after?.role).toBe("viewer");
    expect(after?.permissions).toEqual(ROLE_PERMISSIONS.viewer);
  });
});

// ── query functions ──────────────────────────────────────────────────────────────────────────

type QueryCase = {
  name: string;
  /** The menu page whose permission guards it; `permission` instead for a page the menu does not list. */
  page?: string;
  permission?: Permission;
  call: (user: SessionUser | null) => Promise<unknown>;
  check: (data: unknown) => void;
};

const queryPermission = (query: QueryCase): Permission => query.permission ?? pagePermission(query.page!);
const mainRun = () => ({ id: mainRunId, channelId: mainChannelId, adminUrl: null });
const NO_SUCH_ID = 987_654;

// Each query function must be guarded by the same permission as the page that shows it.
const QUERIES: QueryCase[] = [
  {
    name: "listChannelWebsites",
    page: "/system/integrations",
    call: async (user) => listChannelWebsites(await getDb(), user, mainChannelId),
    check: (data) => expect(data).toEqual([{ id: 1, code: "base", name: "Main Website" }]),
  },
  {
    name: "loadDeletingChannel",
    page: "/system/integrations",
    call: async (user) => loadDeletingChannel(await getDb(), user, mainChannelId),
    // Main store is not being deleted.
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "loadChannelSettings",
    page: "/system/integrations",
    call: async (user) => loadChannelSettings(await getDb(), user, mainChannelId),
    check: (data) => {
      const view = data as ChannelSettingsView;
      expect(view.name).toBe("Main store");
      // Whether each secret is set, never the sealed credentials.
      expect(Object.keys(view)).not.toContain("credentialsEncrypted");
    },
  },
  {
    name: "loadChannelRecordCounts",
    page: "/system/integrations",
    call: async (user) => loadChannelRecordCounts(await getDb(), user, mainChannelId),
    check: (data) => expect(data).toMatchObject({ total: 0 }),
  },
  {
    name: "loadFailingChannels",
    page: "/system/integrations",
    call: async (user) => loadFailingChannels(await getDb(), user),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "listHistoryRuns",
    page: "/system/sync-history",
    call: async (user) => listHistoryRuns(await getDb(), user, {}),
    check: (data) => expect(data).toMatchObject({ total: 1, page: 1 }),
  },
  {
    name: "channelOptions",
    page: "/system/sync-history",
    call: async (user) => channelOptions(await getDb(), user),
    check: (data) => expect(data).toEqual([{ id: mainChannelId, name: "Main store" }]),
  },
  {
    name: "getHistoryRun",
    page: "/system/sync-history",
    call: async (user) => getHistoryRun(await getDb(), user, mainRunId),
    check: (data) => expect(data).toMatchObject({ id: mainRunId, channelName: "Main store", status: "succeeded" }),
  },
  {
    name: "listRunErrors",
    page: "/system/sync-history",
    call: async (user) => listRunErrors(await getDb(), user, mainRun()),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "listRunWarnings",
    page: "/system/sync-history",
    call: async (user) => listRunWarnings(await getDb(), user, mainRun()),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "unresolvedErrorCount",
    page: "/system/sync-history",
    call: async (user) => unresolvedErrorCount(await getDb(), user, mainRunId),
    check: (data) => expect(data).toBe(0),
  },
  {
    name: "listPushFailures",
    page: "/system/sync-history",
    call: async (user) => listPushFailures(await getDb(), user, {}),
    check: (data) => expect(data).toEqual([]),
  },
  // The channel page (/system/integrations/[id]) needs run_syncs, like Sync History.
  {
    name: "getChannelSummary",
    page: "/system/sync-history",
    call: async (user) => getChannelSummary(await getDb(), user, mainChannelId),
    check: (data) => expect(data).toMatchObject({ id: mainChannelId, name: "Main store", hasCredentials: true }),
  },
  {
    name: "activeRun",
    page: "/system/sync-history",
    call: async (user) => activeRun(await getDb(), user, mainChannelId),
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "listChannelRuns",
    page: "/system/sync-history",
    call: async (user) => listChannelRuns(await getDb(), user, mainChannelId),
    check: (data) => expect((data as { id: number }[]).map((run) => run.id)).toEqual([mainRunId]),
  },
  {
    name: "loadRunProgress",
    page: "/system/sync-history",
    call: async (user) => loadRunProgress(await getDb(), user, mainRunId),
    check: (data) => expect(data).toMatchObject({ runId: mainRunId, finished: true }),
  },
  {
    name: "reportContext",
    page: "/reports/sales",
    call: (user) => reportContext(user, {}),
    check: (data) => expect((data as Awaited<ReturnType<typeof reportContext>>).options.channels).toMatchObject([{ name: "Main store" }]),
  },
  {
    name: "anyTwoWayChannel",
    page: "/customers",
    call: async (user) => anyTwoWayChannel(await getDb(), user),
    check: (data) => expect(data).toBe(false),
  },
  {
    name: "loadCustomerEdit",
    page: "/customers",
    call: async (user) => loadCustomerEdit(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "customerPushState",
    page: "/customers",
    call: async (user) => customerPushState(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toEqual({ pending: [], failed: [], overridden: [] }),
  },
  {
    // Only the edit form asks for Magento's countries, so only editors may.
    name: "channelDirectory",
    permission: "edit_customers",
    call: async (user) => channelDirectory(await getDb(), user, mainChannelId, () => ({ listCountries: async () => [] })),
    check: (data) => expect(data).toEqual({ ok: true, countries: [] }),
  },
  {
    // The convert page (/sales/carts/[id]/convert) needs convert_carts.
    name: "linkedOrder",
    permission: "convert_carts",
    call: async (user) => linkedOrder(await getDb(), user, NO_SUCH_ID, null),
    check: (data) => expect(data).toBeNull(),
  },
  {
    // The account page (/customers/accounts/[id]) is read with view_sales, as the customer page.
    name: "loadAccountDetail",
    permission: "view_sales",
    call: async (user) => loadAccountDetail(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "loadAccountActivity",
    permission: "view_sales",
    call: async (user) => loadAccountActivity(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toEqual({ events: [], page: 1, hasMore: false }),
  },
  {
    // The owner select on the account page: managers and admins.
    name: "listAccountOwners",
    permission: "manage_accounts",
    call: async (user) => listAccountOwners(await getDb(), user),
    check: (data) => expect(Array.isArray(data) && data.length > 0).toBe(true),
  },
  {
    name: "listVisibleSegments",
    page: "/marketing/segments",
    call: async (user) => listVisibleSegments(await getDb(), user),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "findVisibleSegment",
    page: "/marketing/segments",
    call: async (user) => findVisibleSegment(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "countSegment",
    page: "/marketing/segments",
    call: async (user) => countSegment(await getDb(), user, { entity: "customers", filters: {} }),
    check: (data) => expect(data).toEqual({ count: 0, capped: false }),
  },
  {
    // One's own settings: every role holds view_sales (Your settings is guarded by it).
    name: "getPreferences",
    permission: "view_sales",
    call: async (user) => getPreferences(await getDb(), user),
    check: (data) => expect(data).toEqual({ timeZone: null, grids: {} }),
  },
  {
    name: "viewerTimeZone",
    permission: "view_sales",
    call: async (user) => viewerTimeZone(await getDb(), user),
    check: (data) => expect(data).toBe("UTC"),
  },
  {
    name: "loadGridView(audit log)",
    page: "/system/audit-log",
    call: (user) => loadGridView(user, auditLogGrid, {}),
    check: (data) =>
      expect((data as Awaited<ReturnType<typeof loadGridView>>).rows.some((r) => r.cells.action?.text === "User created")).toBe(true),
  },
  {
    name: "loadGridView(accounts)",
    page: "/customers/accounts",
    call: (user) => loadGridView(user, accountsGrid, {}),
    check: (data) => expect((data as Awaited<ReturnType<typeof loadGridView>>).total).toBe(0),
  },
  {
    name: "loadAccountsReport",
    page: "/reports/customers",
    call: async (user) => loadAccountsReport(user, parseReportFilters({}), await getDb()),
    check: (data) => expect(data).toMatchObject({ unscored: 0 }),
  },
  {
    name: "loadTopAccounts",
    page: "/dashboard",
    call: async (user) => loadTopAccounts(user, parseReportFilters({}), 10, await getDb()),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "getWorkspaceCounts",
    page: "/dashboard",
    call: getWorkspaceCounts,
    check: (data) => expect(data).toEqual({ channels: 1, carts: 0, orders: 0, creditMemos: 0, customers: 0, subscribers: 0 }),
  },
  {
    name: "listUsersFor",
    page: "/system/users",
    call: listUsersFor,
    check: (data) => {
      const rows = data as Record<string, unknown>[];
      for (const role of ROLES) expect(rows.map((r) => r.email)).toContain(`${role}@authz.test`);
      for (const row of rows) expect(Object.keys(row)).not.toContain("passwordHash");
    },
  },
  // The merge and move pages (not in the menu) and the change page with Undo: manage_accounts.
  {
    name: "loadAccountSummary",
    permission: "manage_accounts",
    call: async (user) => loadAccountSummary(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toBeNull(),
  },
  {
    name: "searchAccountsToPick",
    permission: "manage_accounts",
    call: async (user) => searchAccountsToPick(await getDb(), user, { q: "nobody here" }),
    check: (data) => expect(data).toEqual([]),
  },
  {
    name: "loadAccountChange",
    permission: "manage_accounts",
    call: async (user) => loadAccountChange(await getDb(), user, NO_SUCH_ID),
    check: (data) => expect(data).toBeNull(),
  },
];

describe("query functions check the permission themselves", () => {
  const cases = QUERIES.flatMap((query) => ROLES.map((role) => [query.name, role, query] as const));

  it.each(cases)("%s as %s", async (_name, role, query) => {
    const permission = queryPermission(query);
    if (can(role, permission)) {
      query.check(await query.call(actors[role]));
    } else {
      const error = await thrown(() => query.call(actors[role]));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).permission).toBe(permission);
    }
  });

  it.each(QUERIES.map((query) => [query.name, query] as const))("%s refuses nobody signed in", async (_name, query) => {
    expect(await thrown(() => query.call(null))).toBeInstanceOf(ForbiddenError);
  });
});

// ── server actions (app/(portal)/system/users/actions.ts) ─────────────────────────────────────

type Prepared = {
  form: FormData;
  /** Whether the action's change is in the database. */
  changed: () => Promise<boolean>;
  audit: { action: string; email: string };
};

type ActionName = keyof typeof userActions;
type UserAction = (previous: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;

const ACTIONS: Record<ActionName, (tag: string) => Promise<Prepared>> = {
  createUserAction: async (tag) => {
    const email = `created-${tag}@authz.test`;
    return {
      form: form({ email, name: "New Person", role: "agent", password: PASSWORD }),
      changed: async () => (await userByEmail(email))?.role === "agent",
      audit: { action: "user.created", email },
    };
  },
  resetPasswordAction: async (tag) => {
    const email = `reset-${tag}@authz.test`;
    const before = await makeUser(email, "agent");
    const [{ passwordHash }] = (await testDb.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, before.id))) as [{ passwordHash: string }];
    return {
      form: form({ email }),
      changed: async () => {
        const row = await userByEmail(email);
        return row !== null && (row.passwordHash !== passwordHash || row.mustChangePassword || row.sessionsValidAfter !== null);
      },
      audit: { action: "user.password_reset", email },
    };
  },
  setRoleAction: async (tag) => {
    const email = `role-${tag}@authz.test`;
    await makeUser(email, "viewer");
    return {
      form: form({ email, role: "manager" }),
      changed: async () => (await userByEmail(email))?.role === "manager",
      audit: { action: "user.role_changed", email },
    };
  },
  unlockUserAction: async (tag) => {
    const email = `locked-${tag}@authz.test`;
    await makeUser(email, "viewer");
    // Locked out by failed sign-ins, as lib/auth/throttle.ts leaves it.
    await testDb.db.insert(loginThrottle).values({ key: accountKey(email), failures: 5, lockedUntil: new Date(Date.now() + 15 * 60_000) });
    return {
      form: form({ email }),
      changed: async () =>
        (
          await testDb.db
            .select()
            .from(loginThrottle)
            .where(eq(loginThrottle.key, accountKey(email)))
        ).length === 0,
      audit: { action: "user.unlocked", email },
    };
  },
  setActiveAction: async (tag) => {
    const email = `active-${tag}@authz.test`;
    await makeUser(email, "agent");
    return {
      form: form({ email, active: "false" }),
      changed: async () => {
        const row = await userByEmail(email);
        return row?.active === false && row.deactivatedAt !== null;
      },
      audit: { action: "user.deactivated", email },
    };
  },
};

const actionOf = (name: ActionName) => userActions[name] as unknown as UserAction;
const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];
// The actions sit behind System › Users, so they need that page's permission.
const USERS_PERMISSION = pagePermission("/system/users");

describe("server actions of System › Users", () => {
  it("are all covered here", () => {
    const exported = Object.entries(userActions)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name)
      .sort();
    expect(exported).toEqual([...ACTION_NAMES].sort());
  });

  const cases = ACTION_NAMES.flatMap((name) => ROLES.map((role) => [name, role] as const));

  it.each(cases)("%s as %s", async (name, role) => {
    const actor = actors[role];
    sessionUserMock.mockResolvedValue(actor);
    const prepared = await ACTIONS[name](`${name}-${role}-${++targetCounter}`.toLowerCase());
    const usersBefore = await countOf(users);
    const auditBefore = await countOf(auditLog);
    const lastAuditId = await lastAuditIdNow();

    const result = await actionOf(name)(null, prepared.form);

    if (can(role, USERS_PERMISSION)) {
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      expect(await prepared.changed()).toBe(true);
      const target = await userByEmail(prepared.audit.email);
      const written = await testDb.db.select().from(auditLog).where(gt(auditLog.id, lastAuditId));
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        action: prepared.audit.action,
        actor: actor.email,
        userId: actor.id,
        entityType: "user",
        entityId: String(target!.id),
        ip: CLIENT_IP,
      });
      expect(revalidatePath).toHaveBeenCalledWith("/system/users");
    } else {
      expect(result).toMatchObject({ ok: false, code: "forbidden" });
      expect(await prepared.changed()).toBe(false);
      expect(await countOf(users)).toBe(usersBefore);
      expect(await countOf(auditLog)).toBe(auditBefore);
      expect(revalidatePath).not.toHaveBeenCalled();
    }
  });

  it.each(ACTION_NAMES)("%s refuses an anonymous caller and changes nothing", async (name) => {
    sessionUserMock.mockResolvedValue(null);
    const prepared = await ACTIONS[name](`anon-${name}-${++targetCounter}`.toLowerCase());
    const usersBefore = await countOf(users);
    const auditBefore = await countOf(auditLog);

    expect(await actionOf(name)(null, prepared.form)).toMatchObject({ ok: false, code: "unauthenticated" });

    expect(await prepared.changed()).toBe(false);
    expect(await countOf(users)).toBe(usersBefore);
    expect(await countOf(auditLog)).toBe(auditBefore);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it.each(ACTION_NAMES)("%s checks the permission before the input (a forbidden caller learns nothing from validation)", async (name) => {
    for (const role of ROLES.filter((r) => !can(r, USERS_PERMISSION))) {
      sessionUserMock.mockResolvedValue(actors[role]);
      const result = await actionOf(name)(null, form({ email: "not an email", role: "owner", active: "maybe" }));
      expect(result).toEqual({ ok: false, code: "forbidden", error: expect.any(String) });
    }
  });
});

describe("server actions reject invalid input and write nothing", () => {
  const admin = () => actors[ROLES.find((role) => can(role, USERS_PERMISSION))!];

  const INVALID: [ActionName, Record<string, string>, string][] = [
    ["createUserAction", { email: "not-an-email", name: "X", role: "agent", password: PASSWORD }, "email"],
    ["createUserAction", { email: "", name: "X", role: "agent", password: PASSWORD }, "email"],
    ["createUserAction", { email: "ok-role@authz.test", name: "X", role: "owner", password: PASSWORD }, "role"],
    ["createUserAction", { email: "ok-role2@authz.test", name: "X", role: "Admin", password: PASSWORD }, "role"],
    ["createUserAction", { email: "ok-pass@authz.test", name: "X", role: "agent", password: "short" }, "password"],
    ["createUserAction", { email: "ok-name@authz.test", name: "   ", role: "agent", password: PASSWORD }, "name"],
    ["setRoleAction", { email: "viewer@authz.test", role: "superuser" }, "role"],
    ["setRoleAction", { email: "viewer@", role: "agent" }, "email"],
    ["setActiveAction", { email: "viewer@authz.test", active: "maybe" }, "active"],
    ["setActiveAction", { email: "no-at-sign", active: "false" }, "email"],
  ];

  it.each(INVALID)("%s with %j: invalid on %s", async (name, fields, field) => {
    sessionUserMock.mockResolvedValue(admin());
    const usersBefore = await testDb.db.select().from(users).orderBy(users.id);
    const auditBefore = await countOf(auditLog);

    const result = await actionOf(name)(null, form(fields));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("invalid");
    expect(result.fieldErrors?.[field]?.length, JSON.stringify(result.fieldErrors)).toBeGreaterThan(0);
    expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
    expect(await testDb.db.select().from(users).orderBy(users.id)).toEqual(usersBefore);
    expect(await countOf(auditLog)).toBe(auditBefore);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("refuses a duplicate email on the email field, whatever its case", async () => {
    sessionUserMock.mockResolvedValue(admin());
    const usersBefore = await countOf(users);
    const auditBefore = await countOf(auditLog);
    const result = await actionOf("createUserAction")(
      null,
      form({ email: "  VIEWER@authz.test ", name: "Dup", role: "agent", password: PASSWORD }),
    );
    expect(result).toMatchObject({ ok: false, code: "failed" });
    if (!result.ok) expect(result.fieldErrors?.email?.length).toBeGreaterThan(0);
    expect(await countOf(users)).toBe(usersBefore);
    expect(await countOf(auditLog)).toBe(auditBefore);
    expect((await userByEmail("viewer@authz.test"))?.name).toBe("Person viewer@authz.test");
  });

  it("refuses a change to an unknown user on the email field", async () => {
    sessionUserMock.mockResolvedValue(admin());
    const auditBefore = await countOf(auditLog);
    for (const [name, fields] of [
      ["setRoleAction", { email: "nobody@authz.test", role: "agent" }],
      ["setActiveAction", { email: "nobody@authz.test", active: "false" }],
    ] as const) {
      const result = await actionOf(name)(null, form(fields));
      expect(result).toMatchObject({ ok: false, code: "failed" });
      if (!result.ok) expect(result.fieldErrors?.email?.length).toBeGreaterThan(0);
    }
    expect(await countOf(auditLog)).toBe(auditBefore);
  });

  it("generates a password when none is given, shows it once, and it signs in", async () => {
    sessionUserMock.mockResolvedValue(admin());
    const result = await actionOf("createUserAction")(
      null,
      form({ email: "generated@authz.test", name: "Gen", role: "viewer", password: "" }),
    );
    expect(result.ok).toBe(true);
    const password = result.ok ? (result.data as { oneTimePassword?: string } | undefined)?.oneTimePassword : undefined;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    // In the result's data for the one-time panel, not in the message text.
    expect(result.ok && result.message).not.toContain(password!);
    const login = await authenticate(testDb.db, "generated@authz.test", password!, "192.0.2.50");
    expect(login.ok).toBe(true);
    // The audit entry never holds the password.
    const entries = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "user.created"));
    expect(JSON.stringify(entries)).not.toContain(password!);
  });
});

describe("an administrator cannot lock themselves out", () => {
  let self: SessionUser;

  beforeAll(async () => {
    self = sessionUserFrom(await makeUser("self-admin@authz.test", "admin"));
  });

  it.each([["self-admin@authz.test"], ["  SELF-Admin@AUTHZ.test "]])("cannot deactivate themselves (%j)", async (email) => {
    sessionUserMock.mockResolvedValue(self);
    const auditBefore = await countOf(auditLog);
    const result = await actionOf("setActiveAction")(null, form({ email, active: "false" }));
    expect(result).toMatchObject({ ok: false, code: "failed" });
    const row = await userByEmail(self.email);
    expect(row?.active).toBe(true);
    expect(row?.deactivatedAt).toBeNull();
    expect(await countOf(auditLog)).toBe(auditBefore);
  });

  it.each(
    ROLES.filter((role) => role !== "admin").flatMap((role) => [
      [role, "self-admin@authz.test"],
      [role, "Self-Admin@authz.test"],
    ]),
  )("cannot demote themselves to %s (%j)", async (role, email) => {
    sessionUserMock.mockResolvedValue(self);
    const auditBefore = await countOf(auditLog);
    const result = await actionOf("setRoleAction")(null, form({ email, role }));
    expect(result).toMatchObject({ ok: false, code: "failed" });
    expect((await userByEmail(self.email))?.role).toBe("admin");
    expect(await countOf(auditLog)).toBe(auditBefore);
  });

  it("can still change another administrator", async () => {
    const other = await makeUser("other-admin@authz.test", "admin");
    sessionUserMock.mockResolvedValue(self);
    expect(await actionOf("setRoleAction")(null, form({ email: other.email, role: "manager" }))).toMatchObject({ ok: true });
    expect((await userByEmail(other.email))?.role).toBe("manager");
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.role_changed"), eq(auditLog.entityId, String(other.id))));
    expect(entry?.details).toEqual({ email: other.email, from: "admin", to: "manager" });
  });
});

describe("carts: taking one assigned to someone else is a manager's (or an admin's) action", () => {
  let channelId = 0;
  let holder: SessionUser;
  let origin = 50_000;

  beforeAll(async () => {
    const [channel] = await testDb.db.select({ id: channels.id }).from(channels).where(eq(channels.name, "Main store"));
    channelId = channel!.id;
    holder = sessionUserFrom(await makeUser("holder-agent@authz.test", "agent"));
  });

  async function cart(assigneeUserId: number | null) {
    const [row] = await testDb.db
      .insert(magentoCarts)
      .values({ channelId, originId: ++origin, customerEmail: `c${origin}@authz.test`, grandTotal: "10", assigneeUserId })
      .returning();
    return row!;
  }
  const assigneeOf = async (id: number) =>
    (await testDb.db.select({ a: magentoCarts.assigneeUserId }).from(magentoCarts).where(eq(magentoCarts.id, id)))[0]!.a;
  const take = (role: Role, cartId: number) => {
    sessionUserMock.mockResolvedValue(actors[role]);
    return (followUpActions.assignCartsAction as unknown as UserAction)(
      null,
      form({ cartIds: String(cartId), assigneeId: String(actors[role].id) }),
    );
  };

  // role → [an unassigned cart, a cart another agent has]
  const EXPECTED: Record<Role, ["taken" | "refused" | "forbidden", "taken" | "refused" | "forbidden"]> = {
    admin: ["taken", "taken"],
    manager: ["taken", "taken"],
    agent: ["taken", "refused"],
    viewer: ["forbidden", "forbidden"],
  };
  it.each(ROLES)("%s", async (role) => {
    const [free, held] = EXPECTED[role];
    for (const [expected, assignee] of [
      [free, null],
      [held, holder.id],
    ] as const) {
      const target = await cart(assignee);
      const result = await take(role, target.id);
      if (expected === "taken") {
        expect(result).toMatchObject({ ok: true });
        expect(await assigneeOf(target.id)).toBe(actors[role].id);
      } else {
        expect(result).toMatchObject({ ok: false, code: expected === "forbidden" ? "forbidden" : "failed" });
        expect(await assigneeOf(target.id)).toBe(assignee);
      }
    }
  });
});
