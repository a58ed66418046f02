import { randomBytes } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels } from "@/db/schema";
import * as actions from "@/app/(portal)/system/integrations/actions";
import type { ActionResult } from "@/lib/auth/action";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { checkConnection } from "@/lib/channels/check-connection";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import type { ChannelFormState } from "@/lib/channels/form-state";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { waitForBackgroundSyncs } from "@/lib/sync/launch";
import { runChannelSync } from "@/lib/sync/runner";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { captureLogLines } from "@/lib/log";

// Channels and the network (issue 17, items 1 and 2):
// - a saved token (or OAuth secrets) only goes to the origin (scheme, host, port) it was saved
//   for: an edited URL elsewhere needs it typed again, in Check connection and in Save, and the
//   other server receives nothing. A path-only change keeps it.
// - Magento at an internal address (127.0.0.1, a name resolving to it) is refused, by Check
//   connection and by the sync, unless MAGENTO_ALLOW_PRIVATE_URLS=1 (which vitest.config.ts sets;
//   these tests take it away where they test the rule).
// - Check connection tells network failures apart no more (no port scanner) and does not echo
//   Magento's own error text; the cause goes to the server's log.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.17" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/server", () => ({ after: vi.fn() }));

type AnyAction = (previous: unknown, formData: FormData) => Promise<unknown>;
type Failure = Extract<ActionResult<unknown>, { ok: false }>;
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

const TOKEN = `net-token-${randomBytes(10).toString("hex")}`;
const NEW_TOKEN = `net-new-token-${randomBytes(10).toString("hex")}`;
const saved = { url: process.env.DATABASE_URL, key: process.env.ENCRYPTION_KEY, allow: process.env.MAGENTO_ALLOW_PRIVATE_URLS };

let testDb: TestDatabase;
let sim: RunningSimulator;
let bearerId = 0;
let oauthId = 0;

/** Another server (another port than the store's): what the portal sends it, header by header. */
type Trap = { url: string; port: number; requests: { path: string; authorization: string | null }[]; connections: number };
let trap: Trap;
const servers: Server[] = [];

async function listen(handler: (path: string, res: ServerResponse) => void): Promise<Trap> {
  const seen: Trap = { url: "", port: 0, requests: [], connections: 0 };
  const server = createServer((req, res) => {
    seen.requests.push({ path: req.url ?? "", authorization: req.headers.authorization ?? null });
    handler(req.url ?? "", res);
  });
  server.on("connection", () => seen.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  seen.port = (server.address() as AddressInfo).port;
  seen.url = `http://127.0.0.1:${seen.port}`;
  return seen;
}

const magentoError = (res: ServerResponse, status: number, message: string) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ message }));
};

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

const call = (name: keyof typeof actions, values: Record<string, string | string[]>) =>
  (actions[name] as unknown as AnyAction)(null, form(values)) as Promise<ActionResult<unknown>>;

/** The edit form of the bearer channel as an admin would post it, secrets left empty. */
const bearerForm = (overrides: Record<string, string> = {}) => ({
  id: String(bearerId),
  name: "Home store",
  baseUrl: sim.baseUrl,
  authType: "bearer",
  storeCode: "default",
  syncStartDate: "2020-01-01",
  entities: ["customers", "orders"],
  active: "on",
  maxRequestsPerSecond: "100",
  ...overrides,
});

const simRequests = () => sim.control.requests(1).total;

async function row(id: number) {
  const [found] = await testDb.db.select().from(channels).where(eq(channels.id, id));
  return found!;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_BASE_URL;
  sim = await startMagentoSimulator({ port: 0, seed: 1717, customers: 5, orders: 8, token: TOKEN });
  trap = await listen((_path, res) => magentoError(res, 401, "The consumer isn't authorized to access %resources."));
  const admin = await createUser(
    testDb.db,
    { email: "admin@network.test", name: "Admin", role: "admin", password: "a sufficiently long password" },
    { userId: null, actor: "test" },
  );
  sessionUserMock.mockResolvedValue({
    id: admin.id,
    email: admin.email,
    name: admin.name,
    role: "admin",
    permissions: ROLE_PERMISSIONS.admin,
  });
  const [bearer] = await testDb.db
    .insert(channels)
    .values({
      name: "Home store",
      baseUrl: sim.baseUrl,
      authType: "bearer",
      credentialsEncrypted: sealCredentials({ type: "bearer", token: TOKEN }),
      syncStartDate: "2020-01-01",
      maxRequestsPerSecond: 100,
    })
    .returning();
  bearerId = bearer!.id;
  const [oauth] = await testDb.db
    .insert(channels)
    .values({
      name: "OAuth store",
      baseUrl: sim.baseUrl,
      storeCode: "all",
      authType: "oauth1",
      credentialsEncrypted: sealCredentials({ type: "oauth1", ...sim.integration }),
    })
    .returning();
  oauthId = oauth!.id;
}, 60_000);

afterAll(async () => {
  await waitForBackgroundSyncs();
  await Promise.all(
    servers.map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
  await sim?.close();
  await closeDb();
  await testDb?.drop();
  process.env.DATABASE_URL = saved.url;
  for (const [name, value] of [
    ["ENCRYPTION_KEY", saved.key],
    ["MAGENTO_ALLOW_PRIVATE_URLS", saved.allow],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

beforeEach(() => {
  trap.requests.length = 0;
  trap.connections = 0;
  process.env.MAGENTO_ALLOW_PRIVATE_URLS = "1";
});

describe("a saved token only goes to the address it was saved for", () => {
  it("Check connection with the URL moved to another port and the token left empty: asked for the token, the other server gets nothing", async () => {
    const result = (await call("checkConnectionAction", bearerForm({ baseUrl: trap.url }))) as Failure;
    // (Before the fix, this server received "Bearer <the saved token>".)
    expect(trap.requests.map((r) => r.authorization)).toEqual([]);
    expect(result).toMatchObject({ ok: false });
    expect(result.fieldErrors?.token?.[0]).toBe(
      `The base URL now points to ${trap.url} instead of ${sim.baseUrl}: enter the access token again (saved secrets are only sent to the address they were saved for).`,
    );
    expect(trap.requests).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it("Save with the host changed (127.0.0.1 → localhost, same store) and the token empty: not saved, the token is asked for, the typed fields come back", async () => {
    const moved = `http://localhost:${sim.port}`;
    const before = simRequests();
    const state = (await (actions.submitChannelFormAction as unknown as AnyAction)(
      null,
      form({ ...bearerForm({ baseUrl: moved, name: "Home store moved" }), intent: "save" }),
    )) as ChannelFormState;
    expect(state.save).toMatchObject({
      ok: false,
      fieldErrors: { token: [expect.stringContaining(`now points to ${moved} instead of ${sim.baseUrl}`)] },
    });
    expect(state.submitted).toMatchObject({ baseUrl: moved, name: "Home store moved" });
    expect(simRequests(), "the token went nowhere, not even to the same store under its other name").toBe(before);
    expect(await row(bearerId)).toMatchObject({ baseUrl: sim.baseUrl, name: "Home store" });

    // Typed again: checked with the typed token, then saved.
    const savedAgain = await call("saveChannelAction", bearerForm({ baseUrl: moved, token: TOKEN }));
    expect(savedAgain, JSON.stringify(savedAgain)).toMatchObject({ ok: true });
    expect((await row(bearerId)).baseUrl).toBe(moved);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "channel.updated"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry!.details).toMatchObject({ changes: { baseUrl: { from: sim.baseUrl, to: moved } }, credentials: { fields: ["token"] } });

    // And back, the same way.
    expect(await call("saveChannelAction", bearerForm())).toMatchObject({
      ok: false,
      fieldErrors: { token: [expect.stringContaining("enter the access token again")] },
    });
    expect(await call("saveChannelAction", bearerForm({ token: TOKEN }))).toMatchObject({ ok: true });
    expect((await row(bearerId)).baseUrl).toBe(sim.baseUrl);
  });

  it("another scheme at the same host and port is another address too", async () => {
    const result = await call("checkConnectionAction", bearerForm({ baseUrl: trap.url.replace("http:", "https:") }));
    expect(result).toMatchObject({ ok: false, fieldErrors: { token: [expect.stringContaining("enter the access token again")] } });
    expect(trap.connections).toBe(0);
  });

  it("a path-only change keeps the saved token (same origin): the check runs with it", async () => {
    expect(await call("checkConnectionAction", bearerForm({ baseUrl: `${sim.baseUrl}/` }))).toMatchObject({ ok: true });
    const sub = (await call("checkConnectionAction", bearerForm({ baseUrl: `${sim.baseUrl}/shop` }))) as Failure;
    // The store answers 404 below /shop: a Magento answer, so the saved token was used, and no field asks for it.
    expect(sub).toMatchObject({ ok: false, error: expect.stringContaining("answered 404") });
    expect(sub.fieldErrors?.token).toBeUndefined();
  });

  it("the token typed with the new URL is the one sent there, and Magento's own error text is not echoed", async () => {
    const result = (await call("checkConnectionAction", bearerForm({ baseUrl: trap.url, token: NEW_TOKEN }))) as Failure;
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^Magento rejected the credentials \(401\)\. /) });
    expect(result.error).not.toContain("isn't authorized");
    expect(trap.requests.map((r) => r.authorization)).toEqual(expect.arrayContaining([`Bearer ${NEW_TOKEN}`]));
    expect(trap.requests.some((r) => r.authorization?.includes(TOKEN))).toBe(false);
  });

  it("OAuth: a moved URL needs all four values again; none of the saved ones is sent", async () => {
    const oauthForm = {
      id: String(oauthId),
      name: "OAuth store",
      baseUrl: trap.url,
      authType: "oauth1",
      storeCode: "all",
      syncStartDate: "2020-01-01",
      entities: ["customers"],
      active: "on",
    };
    const result = (await call("checkConnectionAction", oauthForm)) as Failure;
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["accessToken", "accessTokenSecret", "consumerKey", "consumerSecret"]);
    expect(result.fieldErrors?.consumerKey?.[0]).toContain("enter the four OAuth 1.0a values again");
    // One typed value does not complete the others from the saved ones.
    const partial = (await call("saveChannelAction", { ...oauthForm, consumerKey: sim.integration.consumerKey })) as Failure;
    expect(Object.keys(partial.fieldErrors ?? {}).sort()).toEqual(["accessToken", "accessTokenSecret", "consumerSecret"]);
    expect(trap.requests).toEqual([]);
    expect((await row(oauthId)).baseUrl).toBe(sim.baseUrl);
    // At its own address the saved keys still sign the check.
    expect(await call("checkConnectionAction", { ...oauthForm, baseUrl: sim.baseUrl })).toMatchObject({ ok: true });
  });
});

describe("internal addresses are refused unless MAGENTO_ALLOW_PRIVATE_URLS=1", () => {
  it("Check connection to the simulator on 127.0.0.1: refused without the variable, saying so; allowed with it", async () => {
    delete process.env.MAGENTO_ALLOW_PRIVATE_URLS;
    const before = simRequests();
    const refused = (await call("checkConnectionAction", bearerForm({ token: TOKEN }))) as Failure;
    expect(refused).toMatchObject({ ok: false });
    expect(refused.error).toBe(
      `127.0.0.1:${sim.port} points to a private or internal address, which the portal does not call. If the store really is on your internal network, the portal's operator can set MAGENTO_ALLOW_PRIVATE_URLS=1 to allow it.`,
    );
    expect(simRequests()).toBe(before);
    const [entry] = await testDb.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "channel.connection_checked"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry!.details).toMatchObject({ result: "blocked" });

    process.env.MAGENTO_ALLOW_PRIVATE_URLS = "1";
    expect(await call("checkConnectionAction", bearerForm({ token: TOKEN }))).toMatchObject({ ok: true });
    expect(simRequests()).toBeGreaterThan(before);
  });

  it("a host name that resolves to loopback (localhost) is refused the same way, checked after resolving it", async () => {
    delete process.env.MAGENTO_ALLOW_PRIVATE_URLS;
    const before = simRequests();
    const result = await checkConnection({
      baseUrl: `http://localhost:${sim.port}`,
      storeCode: "default",
      credentials: { type: "bearer", token: TOKEN },
    });
    expect(result).toMatchObject({
      ok: false,
      reason: "blocked",
      message: expect.stringContaining(`localhost:${sim.port} points to a private or internal address`),
    });
    expect(simRequests()).toBe(before);
  });

  it("the sync refuses too: the run fails saying why, and Magento sees no request", async () => {
    delete process.env.MAGENTO_ALLOW_PRIVATE_URLS;
    const before = simRequests();
    await expect(runChannelSync({ db: testDb.db, channelId: bearerId, mode: "initial", trigger: "cli" })).rejects.toThrow(
      /private or internal address/,
    );
    expect(simRequests()).toBe(before);
    const [run] = await testDb.db.query.syncRuns.findMany({
      where: (runs, { eq: equals }) => equals(runs.channelId, bearerId),
      orderBy: (runs, { desc: down }) => [down(runs.id)],
      limit: 1,
    });
    expect(run).toMatchObject({
      status: "failed",
      errorMessage: expect.stringContaining("points to a private or internal address; set MAGENTO_ALLOW_PRIVATE_URLS=1 to allow it"),
    });

    process.env.MAGENTO_ALLOW_PRIVATE_URLS = "1";
    const allowed = await runChannelSync({ db: testDb.db, channelId: bearerId, mode: "initial", trigger: "cli" });
    expect(allowed.status).toBe("succeeded");
  }, 60_000);
});

describe("Check connection is no port scanner", () => {
  it("a closed port, a silent server and an unknown host read the same; the cause goes to the server's log", async () => {
    const closed = await listen(() => {});
    await new Promise((resolve) => {
      servers.pop()!.close(resolve);
    });
    const silent = await listen(() => {}); // accepts, never answers
    const log = captureLogLines();
    try {
      const results = [];
      for (const baseUrl of [closed.url, silent.url, "http://no-such-store.invalid"]) {
        results.push(
          await checkConnection({ baseUrl, storeCode: "default", credentials: { type: "bearer", token: TOKEN } }, { timeoutMs: 500 }),
        );
      }
      expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["unreachable", "unreachable", "unreachable"]);
      const hosts = [`127.0.0.1:${closed.port}`, `127.0.0.1:${silent.port}`, "no-such-store.invalid"];
      const messages = results.map((r, i) => (r.ok ? "" : r.message.replace(hosts[i]!, "HOST")));
      expect(new Set(messages).size).toBe(1);
      expect(messages[0]).toMatch(/^Magento did not answer at this address \(HOST\)\. Check the base URL/);
      const logged = log.lines;
      expect(logged).toHaveLength(3);
      expect(logged[0]).toMatch(/refused/);
      expect(logged[1]).toMatch(/timeout/);
      expect(logged[2]).toMatch(/dns/);
      expect(logged.join("\n")).not.toContain(TOKEN);
    } finally {
      log.restore();
    }
  });

  it("an error status says what it means, without Magento's text", async () => {
    const failing = await listen((_path, res) => magentoError(res, 500, "SQLSTATE[HY000] internal host db-7.corp refused"));
    const forbidden = await listen((_path, res) => magentoError(res, 403, "Blocked by rule 42 at gateway gw-internal"));
    const log = captureLogLines();
    try {
      const server = await checkConnection({ baseUrl: failing.url, storeCode: "default", credentials: { type: "bearer", token: TOKEN } });
      expect(server).toMatchObject({
        ok: false,
        reason: "other",
        message: "Magento answered HTTP 500. Try again later or check the store's logs.",
      });
      const refused = await checkConnection({
        baseUrl: forbidden.url,
        storeCode: "default",
        credentials: { type: "bearer", token: TOKEN },
      });
      expect(refused).toMatchObject({ ok: false, reason: "forbidden" });
      expect(JSON.stringify(refused)).not.toMatch(/rule 42|gw-internal/);
    } finally {
      log.restore();
    }
  });
});
