import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels } from "@/db/schema";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { auth } from "@/lib/auth/auth";
import { confirmationValue } from "@/lib/channels/save-warnings";
import type { ActionResult } from "@/lib/auth/action";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { waitForBackgroundSyncs } from "@/lib/sync/launch";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as actions from "@/app/(portal)/system/integrations/actions";
import IntegrationsPage from "@/app/(portal)/system/integrations/page";
import SettingsPage from "@/app/(portal)/system/integrations/[id]/settings/page";
import { captureLogLines } from "@/lib/log";

// The access token must never come back: not in action results, not in what the pages pass to
// client components (the RSC payload), not in console output, not in the audit log.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/server", () => ({ after: vi.fn() }));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
type AnyAction = (previous: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;

const TOKEN = `leak-canary-${randomBytes(12).toString("hex")}`;
const NEW_TOKEN = `leak-canary-new-${randomBytes(12).toString("hex")}`;
let testDb: TestDatabase;
let sim: RunningSimulator;
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY };
const captured: string[] = [];
// The server's JSON log (lib/log.ts), beside anything still written to the console.
const log = captureLogLines();

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

/** Everything a rendered server element tree holds: text and the props given to client components. */
function serialize(node: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(node, (_key, value: unknown) => {
    if (typeof value === "function") return `[fn ${(value as { name?: string }).name ?? ""}]`;
    if (typeof value === "symbol") return String(value);
    if (value && typeof value === "object") {
      if (seen.has(value)) return "[circular]";
      seen.add(value);
    }
    return value;
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  const row = await createUser(
    testDb.db,
    { email: "admin@leak.test", name: "Admin", role: "admin", password: "a sufficiently long password" },
    { userId: null, actor: "test" },
  );
  const role: Role = "admin";
  // Pages go through the real getSessionUser (requirePagePermission): give it a session.
  (auth as unknown as Mock<() => Promise<unknown>>).mockResolvedValue({
    user: { id: String(row.id) },
    sessionId: "leak-test",
    signedInAt: Date.now(),
  });
  sessionUserMock.mockResolvedValue({ id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] });
  sim = await startMagentoSimulator({ port: 0, seed: 11, customers: 3, orders: 3, token: TOKEN });
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : serialize(a))).join(" "));
    });
  }
});

afterAll(async () => {
  // A start-date change starts a sync in the background: let it end before the store goes.
  await waitForBackgroundSyncs();
  vi.restoreAllMocks();
  log.restore();
  await sim?.close();
  await closeDb();
  await testDb?.drop();
  process.env.DATABASE_URL = saved.url;
  if (saved.key === undefined) delete process.env.ENCRYPTION_KEY;
  else process.env.ENCRYPTION_KEY = saved.key;
});

describe("the access token never leaks", () => {
  it("through actions, pages, console and the audit log", async () => {
    const results: unknown[] = [];
    const call = async (name: keyof typeof actions, data: FormData) => {
      const result = await (actions[name] as unknown as AnyAction)(null, data);
      results.push(result);
      return result;
    };
    const base = {
      name: "Leak store",
      baseUrl: sim.baseUrl,
      authType: "bearer",
      storeCode: "default",
      entities: ["customers", "orders"],
      active: "on",
    };

    // A check with the right token, one with a wrong token (an error message), then create.
    expect(await call("checkConnectionAction", form({ ...base, token: TOKEN }))).toMatchObject({ ok: true });
    expect(await call("checkConnectionAction", form({ ...base, token: NEW_TOKEN }))).toMatchObject({ ok: false });
    // An invalid submission carrying the token.
    expect(await call("saveChannelAction", form({ ...base, token: TOKEN, baseUrl: "nope" }))).toMatchObject({ ok: false });
    const created = await call("saveChannelAction", form({ ...base, token: TOKEN }));
    expect(created, JSON.stringify(created)).toMatchObject({ ok: true });
    const id = (created as { data: { id: number } }).data.id;
    // Edit: keep the token, then replace it with a new one, then back.
    expect(await call("saveChannelAction", form({ ...base, id: String(id), token: "", syncStartDate: "2023-01-01" }))).toMatchObject({
      ok: true,
    });
    // The simulator refuses the new token: the save asks for confirmation (a warning without the token), then saves.
    const warned = await call("saveChannelAction", form({ ...base, id: String(id), token: NEW_TOKEN }));
    expect(warned).toMatchObject({ ok: false, fieldErrors: { confirmWarnings: [expect.stringContaining("401")] } });
    const confirmWarnings = confirmationValue((warned as Extract<ActionResult<unknown>, { ok: false }>).fieldErrors?.confirmWarnings ?? []);
    expect(await call("saveChannelAction", form({ ...base, id: String(id), token: NEW_TOKEN, confirmWarnings }))).toMatchObject({
      ok: true,
    });
    expect(await call("checkConnectionAction", form({ ...base, id: String(id) }))).toMatchObject({ ok: false });
    expect(await call("saveChannelAction", form({ ...base, id: String(id), token: TOKEN }))).toMatchObject({ ok: true });

    const pages = [serialize(await IntegrationsPage()), serialize(await SettingsPage({ params: Promise.resolve({ id: String(id) }) }))];
    // The settings page really carries the form's data (so the search below means something).
    expect(pages[1]).toContain("Leak store");
    expect(pages[1]).toContain('"credentialsSet":{"token":true');

    const audit = await testDb.db.select().from(auditLog);
    expect(audit.length).toBeGreaterThanOrEqual(5);
    const [row] = await testDb.db.select().from(channels);

    const haystacks = {
      results: serialize(results),
      pages: pages.join("\n"),
      console: [...captured, ...log.lines].join("\n"),
      audit: serialize(audit),
      stored: row!.credentialsEncrypted ?? "",
    };
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(TOKEN), `token found in ${where}`).toBe(false);
      expect(text.includes(NEW_TOKEN), `new token found in ${where}`).toBe(false);
    }
  });
});
