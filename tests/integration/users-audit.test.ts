import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, loginThrottle, users } from "@/db/schema";
import { AuthError } from "next-auth";
import { revalidatePath } from "next/cache";
import { auth, signIn, signOut } from "@/lib/auth/auth";
import type { ActionResult } from "@/lib/auth/action";
import { authenticate } from "@/lib/auth/authenticate";
import { PROTECTED_PAGES } from "@/lib/auth/navigation";
import { ROLES, ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { ForbiddenError, getPasswordChangeUser, getSessionUser, requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { startCsvExport } from "@/lib/grid/export";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import { loadGridView } from "@/lib/browse/grid-view";
import { listUsersFor } from "@/lib/users/queries";
import { EXPIRED_ONE_TIME_PASSWORD_MESSAGE } from "@/lib/auth/messages";
import { ACCOUNT_MAX_FAILURES, accountKey } from "@/lib/auth/throttle";
import { createUser, setUserActive } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as userActions from "@/app/(portal)/system/users/actions";
import { choosePasswordAction } from "@/app/(auth)/choose-password/actions";
import { GET as exportGet } from "@/app/(portal)/export/[grid]/route";
import { login } from "@/app/(auth)/login/actions";
import { GET as sessionEndedGet } from "@/app/session-ended/route";

// System › Users (one-time passwords, resets, the forced password change) and System › Audit Log
// (the grid, its filters, redaction, the admin-only export), against a real Postgres. Sessions are
// real (lib/auth/session.ts reads the database); only the Auth.js instance and Next's request
// helpers are mocked, as in authorization.test.ts.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
// next-auth itself cannot load outside Next; the choose-password action only needs its error class.
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {} }));
// The socket's address as the server reports it (x-portal-peer-address), and the page being opened.
const requestHeaders = vi.hoisted(() => ({ ip: "198.51.100.23", path: "/dashboard" }));
vi.mock("next/headers", () => ({
  headers: vi.fn(async () => new Headers({ "x-portal-peer-address": requestHeaders.ip, "x-portal-path": requestHeaders.path })),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type JwtSession = { user: { id: string }; sessionId: string; signedInAt?: number };
const authMock = auth as unknown as Mock<() => Promise<JwtSession | null>>;
const signInMock = signIn as unknown as Mock<(...args: unknown[]) => Promise<void>>;
const signOutMock = signOut as unknown as Mock<(...args: unknown[]) => Promise<void>>;
type AnyAction = (previous: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;
const action = (name: keyof typeof userActions) => userActions[name] as unknown as AnyAction;

const PASSWORD = "the original password";
let testDb: TestDatabase;
const savedDatabaseUrl = process.env.DATABASE_URL;
const savedAuthInterrupts = process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
const staff = {} as Record<Role, SessionUser>;
let sessionCounter = 0;
let channelId = 0;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

/** Signs `user` in for the next calls: a fresh session that began `ago` ms before now. */
function signInAs(user: { id: number }, ago = 0): JwtSession {
  const session = { user: { id: String(user.id) }, sessionId: `session-${++sessionCounter}`, signedInAt: Date.now() - ago };
  authMock.mockResolvedValue(session);
  return session;
}

async function makeUser(email: string, role: Role, options: { oneTimePassword?: boolean } = {}) {
  return createUser(
    testDb.db,
    { email, name: `Person ${email}`, role, password: PASSWORD },
    { userId: null, actor: "test-setup" },
    options,
  );
}

async function row(email: string) {
  const [found] = await testDb.db.select().from(users).where(eq(users.email, email));
  return found!;
}

async function auditText(): Promise<string> {
  return JSON.stringify(await testDb.db.select().from(auditLog));
}

const digestOf = (error: unknown) => (error as { digest?: string }).digest;
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
  for (const role of ROLES) {
    const created = await makeUser(`${role}@users-audit.test`, role);
    staff[role] = { id: created.id, email: created.email, name: created.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const [channel] = await testDb.db
    .insert(channels)
    .values({ name: "EU store", baseUrl: "https://eu.example.com", credentialsEncrypted: "v1:sealed" })
    .returning({ id: channels.id });
  channelId = channel!.id;
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
  authMock.mockReset();
  authMock.mockResolvedValue(null);
  signInMock.mockReset();
  signInMock.mockResolvedValue(undefined);
  signOutMock.mockReset();
  signOutMock.mockResolvedValue(undefined);
  vi.mocked(revalidatePath).mockClear();
  requestHeaders.path = "/dashboard";
});

// ── reset password ───────────────────────────────────────────────────────────────────────────

describe("an admin resets a password", () => {
  it("hands out a one-time password once; the old password stops working and the user's sessions end", async () => {
    const target = await makeUser("reset-me@users-audit.test", "agent");
    const before = await row(target.email);
    // The agent is signed in somewhere, since a minute ago.
    const agentSession = signInAs(target, 60_000);
    expect((await getSessionUser())?.email).toBe(target.email);

    signInAs(staff.admin);
    const result = await action("resetPasswordAction")(null, form({ email: target.email }));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const oneTime = result.ok ? (result.data as { oneTimePassword?: string }).oneTimePassword : undefined;
    expect(oneTime).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(result.ok && result.message).not.toContain(oneTime!);

    // Only a hash is stored; the list the page shows never carries it; neither does the audit log.
    const after = await row(target.email);
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(after.passwordHash).not.toContain(oneTime!);
    expect(after.mustChangePassword).toBe(true);
    expect(JSON.stringify(await listUsersFor(staff.admin))).not.toContain(oneTime!);
    expect(await auditText()).not.toContain(oneTime!);

    expect((await authenticate(testDb.db, target.email, PASSWORD, "192.0.2.1")).ok).toBe(false);
    expect((await authenticate(testDb.db, target.email, oneTime!, "192.0.2.1")).ok).toBe(true);

    // The session from before the reset is over.
    authMock.mockResolvedValue(agentSession);
    expect(await getSessionUser()).toBeNull();
    expect(await getPasswordChangeUser()).toBeNull();

    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "user.password_reset"));
    expect(entry).toMatchObject({
      actor: staff.admin.email,
      userId: staff.admin.id,
      entityType: "user",
      entityId: String(target.id),
      ip: requestHeaders.ip,
    });
    expect(entry!.details).toEqual({ email: target.email, oneTimePassword: "generated", sessionsEnded: true });
    // Its sign-in with the one-time password is in the log, under its own address.
    const [signedIn] = await testDb.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'user.signed_in' AND ${auditLog.entityId} = ${String(target.id)}`);
    expect(signedIn).toMatchObject({ actor: target.email, userId: target.id, ip: "192.0.2.1" });
  });

  it("cannot show the same password again: a second reset makes a new one and the first stops working", async () => {
    const target = await makeUser("reset-twice@users-audit.test", "viewer");
    signInAs(staff.admin);
    const first = await action("resetPasswordAction")(null, form({ email: target.email }));
    const second = await action("resetPasswordAction")(null, form({ email: target.email }));
    const one = first.ok ? (first.data as { oneTimePassword: string }).oneTimePassword : "";
    const two = second.ok ? (second.data as { oneTimePassword: string }).oneTimePassword : "";
    expect(one).not.toBe(two);
    expect((await authenticate(testDb.db, target.email, one, "192.0.2.2")).ok).toBe(false);
    expect((await authenticate(testDb.db, target.email, two, "192.0.2.2")).ok).toBe(true);
  });

  it("refuses an admin's own password and an unknown email, next to the email field", async () => {
    signInAs(staff.admin);
    for (const email of [staff.admin.email, "nobody@users-audit.test"]) {
      const result = await action("resetPasswordAction")(null, form({ email }));
      expect(result).toMatchObject({ ok: false, code: "failed" });
      if (!result.ok) expect(result.fieldErrors?.email?.length).toBeGreaterThan(0);
    }
    expect((await row(staff.admin.email)).mustChangePassword).toBe(false);
  });
});

// ── creating with a one-time password ────────────────────────────────────────────────────────

describe("an admin creates a user", () => {
  it("with a generated one-time password: shown once, must be replaced, audited without the password", async () => {
    signInAs(staff.admin);
    const result = await action("createUserAction")(
      null,
      form({ name: "Nora New", email: "nora@users-audit.test", role: "agent", passwordMode: "generate" }),
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, data: { email: "nora@users-audit.test" } });
    const oneTime = result.ok ? (result.data as { oneTimePassword: string }).oneTimePassword : "";
    expect(oneTime).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await row("nora@users-audit.test")).mustChangePassword).toBe(true);
    expect(await auditText()).not.toContain(oneTime);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, String((await row("nora@users-audit.test")).id)));
    expect(entry).toMatchObject({ action: "user.created", ip: requestHeaders.ip });
    expect(entry!.details).toMatchObject({ role: "agent", oneTimePassword: "generated" });
  });

  it("with a password the admin sets: no forced change, and a short one is refused on the password field", async () => {
    signInAs(staff.admin);
    const short = await action("createUserAction")(
      null,
      form({ name: "Sam", email: "sam@users-audit.test", role: "viewer", passwordMode: "set", password: "short" }),
    );
    expect(short).toMatchObject({ ok: false, code: "invalid" });
    if (!short.ok) expect(Object.keys(short.fieldErrors ?? {})).toEqual(["password"]);
    const ok = await action("createUserAction")(
      null,
      form({ name: "Sam", email: "sam@users-audit.test", role: "viewer", passwordMode: "set", password: PASSWORD }),
    );
    expect(ok).toMatchObject({ ok: true });
    expect(ok.ok && (ok.data as { oneTimePassword?: string }).oneTimePassword).toBeFalsy();
    expect((await row("sam@users-audit.test")).mustChangePassword).toBe(false);
  });

  it("says a taken email next to the email field", async () => {
    signInAs(staff.admin);
    const result = await action("createUserAction")(null, form({ name: "Dup", email: "Agent@Users-Audit.test", role: "agent" }));
    expect(result).toMatchObject({ ok: false, code: "failed" });
    if (!result.ok) expect(result.fieldErrors?.email?.[0]).toContain("already exists");
  });
});

// ── the forced password change ───────────────────────────────────────────────────────────────

describe("signing in with a one-time password", () => {
  it("leads every portal page to the choose-password page, and no action or query works meanwhile", async () => {
    const fresh = await makeUser("first-time@users-audit.test", "admin", { oneTimePassword: true });
    signInAs(fresh);
    expect(await getSessionUser()).toBeNull();
    expect((await getPasswordChangeUser())?.email).toBe(fresh.email);
    for (const page of PROTECTED_PAGES) {
      requestHeaders.path = page.href;
      const error = await thrown(() => requirePagePermission(page.permission));
      expect(digestOf(error), page.href).toContain(`;/choose-password?callbackUrl=${encodeURIComponent(page.href)};`);
    }
    // Even an admin's actions wait for the new password.
    const result = await action("createUserAction")(null, form({ name: "X", email: "blocked@users-audit.test", role: "viewer" }));
    expect(result).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await testDb.db.select().from(users).where(eq(users.email, "blocked@users-audit.test"))).toEqual([]);
  });

  it("choosing a new password ends the one-time session, signs in afresh and opens the portal", async () => {
    const fresh = await makeUser("chooser@users-audit.test", "agent", { oneTimePassword: true });
    const oneTimeSession = signInAs(fresh, 1_000);

    const mismatch = await choosePasswordAction(null, form({ password: "my own long password", confirm: "something else entirely" }));
    expect(mismatch).toMatchObject({ ok: false, fieldErrors: { confirm: [expect.any(String)] } });
    const same = await choosePasswordAction(null, form({ password: PASSWORD, confirm: PASSWORD }));
    expect(same).toMatchObject({ ok: false, fieldErrors: { password: [expect.stringContaining("different")] } });
    expect((await row(fresh.email)).mustChangePassword).toBe(true);

    const chosen = await choosePasswordAction(
      null,
      form({ password: "my own long password", confirm: "my own long password", callbackUrl: "/sales/orders" }),
    );
    expect(chosen).toEqual({ ok: true });
    expect(signInMock).toHaveBeenCalledWith("credentials", {
      email: fresh.email,
      password: "my own long password",
      redirectTo: "/sales/orders",
    });

    const after = await row(fresh.email);
    expect(after.mustChangePassword).toBe(false);
    expect((await authenticate(testDb.db, fresh.email, PASSWORD, "192.0.2.3")).ok).toBe(false);
    expect((await authenticate(testDb.db, fresh.email, "my own long password", "192.0.2.3")).ok).toBe(true);
    // The session that used the one-time password is over; a new sign-in gets in.
    authMock.mockResolvedValue(oneTimeSession);
    expect(await getSessionUser()).toBeNull();
    signInAs(fresh);
    expect((await getSessionUser())?.email).toBe(fresh.email);
    await expect(requirePagePermission("view_sales")).resolves.toMatchObject({ email: fresh.email });

    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "user.password_changed"));
    expect(entry).toMatchObject({ actor: fresh.email, ip: requestHeaders.ip });
    expect(await auditText()).not.toContain("my own long password");
  });

  it("is refused to someone who has no one-time password", async () => {
    signInAs(staff.agent);
    const result = await choosePasswordAction(null, form({ password: "another long password", confirm: "another long password" }));
    expect(result).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(signInMock).not.toHaveBeenCalled();
  });
});

// ── the audit log grid ───────────────────────────────────────────────────────────────────────

const TOKEN = "tok3n5ecretAbcdef0123456789xyz";

describe("System › Audit Log grid", () => {
  beforeAll(async () => {
    signInAs(staff.admin);
    const subject = await makeUser("subject@users-audit.test", "viewer");
    await action("setRoleAction")(null, form({ email: subject.email, role: "agent" }));
    await action("setActiveAction")(null, form({ email: subject.email, active: "false" }));
    await action("setActiveAction")(null, form({ email: subject.email, active: "true" }));
    await testDb.db.insert(auditLog).values([
      {
        userId: staff.admin.id,
        actor: staff.admin.email,
        action: "channel.updated",
        entityType: "channel",
        entityId: String(channelId),
        channelId,
        details: {
          changes: { name: { from: "EU", to: "EU store" } },
          credentials: { from: "[redacted]", to: "[redacted]", fields: ["accessToken"] },
          stray: TOKEN,
        },
        ip: "203.0.113.9",
      },
      {
        at: new Date("2020-01-15T12:00:00Z"),
        userId: null,
        actor: "cli",
        action: "user.created",
        entityType: "user",
        entityId: "999",
        details: { email: "old@users-audit.test", role: "viewer" },
      },
    ]);
  });

  const view = (params: Record<string, string | string[]>) => loadGridView(staff.admin, auditLogGrid, params, { db: testDb.db });
  const actions = (rows: Awaited<ReturnType<typeof view>>["rows"]) => rows.map((r) => r.cells.action!.text);

  it("shows who, what, the change as old → new and the IP, newest first", async () => {
    const { rows } = await view({ f_action: "user.role_changed" });
    expect(rows).toHaveLength(1);
    const cells = rows[0]!.cells;
    expect(cells.actor!.text).toBe(staff.admin.email);
    expect(cells.action!.text).toBe("Role changed");
    expect(cells.what).toMatchObject({ text: "User subject@users-audit.test", href: "/system/users" });
    expect(cells.changes!.text).toBe("role: viewer → agent");
    expect(cells.ip!.text).toBe(requestHeaders.ip);

    const all = await view({});
    const times = all.rows.map((r) => r.cells.at!.title!);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters by action, who, entity type, channel and date, and searches", async () => {
    expect(actions((await view({ f_action: ["user.deactivated", "user.reactivated"] })).rows).sort()).toEqual([
      "User deactivated",
      "User reactivated",
    ]);
    const byCli = await view({ f_actor: "cli" });
    expect(byCli.rows.map((r) => r.cells.what!.text)).toEqual(["User old@users-audit.test"]);
    expect(actions((await view({ f_entity_type: "channel" })).rows)).toEqual(["Channel settings changed"]);
    expect(actions((await view({ channel: String(channelId) })).rows)).toEqual(["Channel settings changed"]);
    expect(actions((await view({ f_channel: "EU store" })).rows)).toEqual(["Channel settings changed"]);
    expect((await view({ f_at: "2020-01-01..2020-01-31" })).rows.map((r) => r.cells.what!.text)).toEqual(["User old@users-audit.test"]);
    const searched = await view({ q: "subject@" });
    expect(new Set(actions(searched.rows))).toEqual(new Set(["User created", "Role changed", "User deactivated", "User reactivated"]));
    // The filter menu offers the actions present, in words.
    const actionColumn = (await view({})).client.columns.find((c) => c.id === "action")!;
    expect(actionColumn.options).toContainEqual({ value: "user.password_reset", label: "Password reset" });
  });

  it("links a channel entry to the channel and never shows a secret", async () => {
    const { rows } = await view({ f_action: "channel.updated" });
    expect(rows[0]!.cells.what).toMatchObject({ text: "Channel EU store", href: `/system/integrations/${channelId}` });
    expect(rows[0]!.cells.changes!.text).toContain("name: EU → EU store");
    expect(rows[0]!.cells.changes!.text).toContain("credentials: replaced (access token)");
    expect(JSON.stringify(await view({}))).not.toContain(TOKEN);
  });

  it("answers hostile URLs with notices, never an error", async () => {
    const hostile: Record<string, string>[] = [
      { f_action: "' OR 1=1 --" },
      { f_at: "yesterday" },
      { sort: "changes" },
      { f_changes: "x" },
      { q: "%_%" },
      { channel: "1;drop" },
    ];
    for (const params of hostile) {
      const result = await view(params);
      expect(result.total).toBeGreaterThanOrEqual(0);
    }
    expect((await view({ f_changes: "x" })).notices.map((n) => n.param)).toContain("f_changes");
  });

  it.each(ROLES.filter((role) => role !== "admin"))("is refused to %s: the data query and the CSV export", async (role) => {
    await expect(loadGridView(staff[role], auditLogGrid, {}, { db: testDb.db })).rejects.toBeInstanceOf(ForbiddenError);
    const started = startCsvExport({
      handle: { db: testDb.db, kind: "postgres" },
      user: staff[role],
      definition: auditLogGrid,
      params: {},
    });
    expect(started).toMatchObject({ ok: false, status: 403 });
    signInAs(staff[role]);
    const response = await exportGet(new Request("http://portal.test/export/audit_log"), {
      params: Promise.resolve({ grid: "audit_log" }),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(staff.admin.email);
  });

  it("exports for an admin as the grid shows it, changes in words and no secret", async () => {
    signInAs(staff.admin);
    const response = await exportGet(new Request("http://portal.test/export/audit-log?f_action=channel.updated"), {
      params: Promise.resolve({ grid: "audit-log" }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("When,Who,Action,What,Changes,IP");
    expect(text).toContain("name: EU → EU store");
    expect(text).not.toContain(TOKEN);
    const [exported] = await testDb.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'export.csv' AND ${auditLog.entityId} = 'audit_log'`);
    expect(exported).toMatchObject({ actor: staff.admin.email });
  });
});

// ── locked-out accounts (after the audit grid, whose counts these entries would change) ──────────────────────────────────────────────────────────────────────

/** Five wrong passwords: the account is locked, as the sign-in form then says. */
async function lockOut(email: string) {
  for (let attempt = 1; attempt <= ACCOUNT_MAX_FAILURES; attempt++) {
    await authenticate(testDb.db, email, `not the password ${attempt}`, "192.0.2.77");
  }
  const result = await authenticate(testDb.db, email, PASSWORD, "192.0.2.77");
  expect(result).toMatchObject({ ok: false, reason: "throttled" });
}

describe("a locked-out user", () => {
  it("shows as locked, with until when, on the Users page", async () => {
    const target = await makeUser("locked-list@users-audit.test", "viewer");
    expect((await listUsersFor(staff.admin)).find((u) => u.id === target.id)?.lockedUntil).toBeNull();
    await lockOut(target.email);
    const listed = (await listUsersFor(staff.admin)).find((u) => u.id === target.id);
    const [counter] = await testDb.db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, accountKey(target.email)));
    expect(listed?.lockedUntil).toEqual(counter!.lockedUntil);
    expect(listed!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("is unlocked by an admin: audited with the admin's address, and the right password works again", async () => {
    const target = await makeUser("unlock-me@users-audit.test", "viewer");
    await lockOut(target.email);
    signInAs(staff.admin);
    const result = await action("unlockUserAction")(null, form({ email: target.email }));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, message: `${target.email} can sign in again.` });
    expect(revalidatePath).toHaveBeenCalledWith("/system/users");
    expect((await listUsersFor(staff.admin)).find((u) => u.id === target.id)?.lockedUntil).toBeNull();
    expect((await authenticate(testDb.db, target.email, PASSWORD, "192.0.2.77")).ok).toBe(true);
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "user.unlocked"));
    expect(entry).toMatchObject({
      actor: staff.admin.email,
      userId: staff.admin.id,
      entityType: "user",
      entityId: String(target.id),
      ip: requestHeaders.ip,
    });
    expect(entry!.details).toMatchObject({ email: target.email, lockedUntil: expect.any(String) });
  });

  it("says so when there is nothing to unlock, and writes nothing", async () => {
    const target = await makeUser("not-locked@users-audit.test", "viewer");
    signInAs(staff.admin);
    const before = (await testDb.db.select().from(auditLog)).length;
    const result = await action("unlockUserAction")(null, form({ email: target.email }));
    expect(result).toMatchObject({ ok: false, code: "failed", error: `${target.email} is not locked out; they can sign in.` });
    expect((await testDb.db.select().from(auditLog)).length).toBe(before);
  });

  it("can sign in with the one-time password of a reset, which clears the lock", async () => {
    const target = await makeUser("reset-locked@users-audit.test", "agent");
    await lockOut(target.email);
    signInAs(staff.admin);
    const result = await action("resetPasswordAction")(null, form({ email: target.email }));
    const oneTime = result.ok ? (result.data as { oneTimePassword: string }).oneTimePassword : "";
    expect((await authenticate(testDb.db, target.email, oneTime, "192.0.2.78")).ok).toBe(true);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'user.password_reset' AND ${auditLog.entityId} = ${String(target.id)}`);
    expect(entry!.details).toMatchObject({ unlocked: true });
  });
});

// ── session edges ────────────────────────────────────────────────────────────────────────────

describe("one-time passwords expire", () => {
  const saved = process.env.ONE_TIME_PASSWORD_HOURS;
  afterEach(() => {
    if (saved === undefined) delete process.env.ONE_TIME_PASSWORD_HOURS;
    else process.env.ONE_TIME_PASSWORD_HOURS = saved;
  });
  const issuedHoursAgo = (email: string, hours: number) =>
    testDb.db
      .update(users)
      .set({ oneTimePasswordIssuedAt: new Date(Date.now() - hours * 3_600_000) })
      .where(eq(users.email, email));

  it("after 24 hours: the right one-time password is refused, a wrong one still reads as wrong", async () => {
    const fresh = await makeUser("stale-otp@users-audit.test", "viewer", { oneTimePassword: true });
    await issuedHoursAgo(fresh.email, 23);
    expect((await authenticate(testDb.db, fresh.email, PASSWORD, "192.0.2.80")).ok).toBe(true);
    await issuedHoursAgo(fresh.email, 25);
    expect(await authenticate(testDb.db, fresh.email, PASSWORD, "192.0.2.80")).toEqual({ ok: false, reason: "expired" });
    // The Users page says so on the row.
    expect((await listUsersFor(staff.admin)).find((u) => u.email === fresh.email)?.oneTimePasswordExpired).toBe(true);
    expect(await authenticate(testDb.db, fresh.email, "a wrong password", "192.0.2.80")).toEqual({ ok: false, reason: "invalid" });
    // ONE_TIME_PASSWORD_HOURS sets the lifetime.
    process.env.ONE_TIME_PASSWORD_HOURS = "48";
    expect((await authenticate(testDb.db, fresh.email, PASSWORD, "192.0.2.80")).ok).toBe(true);
  });

  it("a reset hands out a fresh one that works", async () => {
    const fresh = await makeUser("renewed-otp@users-audit.test", "viewer", { oneTimePassword: true });
    await issuedHoursAgo(fresh.email, 30);
    signInAs(staff.admin);
    const result = await action("resetPasswordAction")(null, form({ email: fresh.email }));
    const oneTime = result.ok ? (result.data as { oneTimePassword: string }).oneTimePassword : "";
    expect((await authenticate(testDb.db, fresh.email, oneTime, "192.0.2.81")).ok).toBe(true);
  });

  it("the sign-in form says it expired and to ask an administrator", async () => {
    signInMock.mockRejectedValue(Object.assign(new AuthError(), { code: "expired" }));
    const state = await login(null, form({ email: "stale-otp@users-audit.test", password: PASSWORD }));
    expect(state).toEqual({ error: EXPIRED_ONE_TIME_PASSWORD_MESSAGE, email: "stale-otp@users-audit.test" });
    expect(EXPIRED_ONE_TIME_PASSWORD_MESSAGE).toMatch(/expired.*ask an administrator/i);
  });
});

describe("sessions end for good", () => {
  const saved = process.env.SESSION_MAX_HOURS;
  afterEach(() => {
    if (saved === undefined) delete process.env.SESSION_MAX_HOURS;
    else process.env.SESSION_MAX_HOURS = saved;
  });

  it("reactivating a user does not bring back a session from before the deactivation", async () => {
    const target = await makeUser("come-back@users-audit.test", "agent");
    const oldSession = signInAs(target, 60_000);
    expect((await getSessionUser())?.email).toBe(target.email);
    await setUserActive(testDb.db, target.email, false, { userId: null, actor: "test-setup" });
    await setUserActive(testDb.db, target.email, true, { userId: null, actor: "test-setup" });
    authMock.mockResolvedValue(oldSession);
    expect(await getSessionUser()).toBeNull();
    // Signing in again after the reactivation works.
    signInAs(target);
    expect((await getSessionUser())?.email).toBe(target.email);
  });

  it("a session ends 12 hours after its sign-in, however active it has been", async () => {
    signInAs(staff.agent, 11.5 * 3_600_000);
    expect((await getSessionUser())?.email).toBe(staff.agent.email);
    signInAs(staff.agent, 12.5 * 3_600_000);
    expect(await getSessionUser()).toBeNull();
    // A token without a sign-in time is treated as too old.
    authMock.mockResolvedValue({ user: { id: String(staff.agent.id) }, sessionId: "no-sign-in-time" });
    expect(await getSessionUser()).toBeNull();
  });

  it("SESSION_MAX_HOURS sets that lifetime", async () => {
    process.env.SESSION_MAX_HOURS = "2";
    signInAs(staff.agent, 90 * 60_000);
    expect((await getSessionUser())?.email).toBe(staff.agent.email);
    signInAs(staff.agent, 150 * 60_000);
    expect(await getSessionUser()).toBeNull();
  });
});

describe("/session-ended", () => {
  const get = (pathAndQuery: string, headers: Record<string, string> = {}) =>
    sessionEndedGet(
      Object.assign(new Request(`http://localhost:3000${pathAndQuery}`, { headers: { host: "sales.example.com", ...headers } }), {
        nextUrl: new URL(`http://localhost:3000${pathAndQuery}`),
      }) as never,
    );

  it("clears a session the portal no longer accepts, then shows sign-in on the host the browser used", async () => {
    const gone = await makeUser("ended@users-audit.test", "viewer");
    await setUserActive(testDb.db, gone.email, false, { userId: null, actor: "test-setup" });
    signInAs(gone);
    const response = await get("/session-ended?callbackUrl=%2Fsales%2Forders");
    expect(signOutMock).toHaveBeenCalledTimes(1);
    expect(response.status).toBe(303);
    // Relative: the browser stays on the host it asked for, never the server's own localhost.
    expect(response.headers.get("location")).toBe("/login?callbackUrl=%2Fsales%2Forders&ended=1");
  });

  it("does not sign out a session that is still good (a link from another site cannot end it)", async () => {
    signInAs(staff.manager);
    const response = await get("/session-ended?callbackUrl=%2Fsales%2Forders", { "sec-fetch-site": "cross-site" });
    expect(signOutMock).not.toHaveBeenCalled();
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/sales/orders");
    expect((await getSessionUser())?.email).toBe(staff.manager.email);
  });

  it("never sends anyone off-site", async () => {
    signInAs(staff.manager);
    for (const target of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const response = await get(`/session-ended?callbackUrl=${encodeURIComponent(target)}`);
      expect(response.headers.get("location")).toBe("/dashboard");
    }
  });
});
