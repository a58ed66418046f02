import { count, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { auditLog, loginThrottle, users } from "@/db/schema";
import { authenticate, type AuthenticationResult } from "@/lib/auth/authenticate";
import { PEER_ADDRESS_HEADER, clientIp } from "@/lib/auth/client-ip";
import { ACCOUNT_MAX_FAILURES, THROTTLE_WINDOW_MINUTES, accountKey, ipKey } from "@/lib/auth/throttle";
import type { Role } from "@/lib/auth/permissions";
import { createUser, setUserActive } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// authenticate(db, email, password, ip) against a real Postgres: one answer for every refusal,
// and failure limits per account and per client address that live in the database.

const PASSWORD = "correct horse battery";
const WRONG = "wrong horse battery";
const INVALID = { ok: false, reason: "invalid" } as const;

let testDb: TestDatabase;
let ipCounter = 0;
/** A client address no other test has used, so the per-address budget never leaks between tests. */
const freshIp = () => `198.51.100.${++ipCounter}`;

async function makeUser(email: string, role: Role = "agent") {
  return createUser(testDb.db, { email, name: `Test ${email}`, role, password: PASSWORD }, { userId: null, actor: "test-setup" });
}

async function throttleRow(key: string) {
  const [row] = await testDb.db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
  return row ?? null;
}

function expectThrottled(result: AuthenticationResult, approximatelyMinutesAhead = THROTTLE_WINDOW_MINUTES): Date {
  expect(result.ok).toBe(false);
  if (result.ok || result.reason !== "throttled") throw new Error(`expected throttled, got ${JSON.stringify(result)}`);
  const ahead = result.retryAt.getTime() - Date.now();
  expect(ahead).toBeGreaterThan((approximatelyMinutesAhead - 1) * 60_000);
  expect(ahead).toBeLessThanOrEqual((approximatelyMinutesAhead + 1) * 60_000);
  return result.retryAt;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.drop();
});

describe("authenticate: the right and wrong credentials", () => {
  it("accepts the right password, returns the user and sets last_login_at", async () => {
    const created = await makeUser("ok@example.com", "manager");
    expect(created.lastLoginAt).toBeNull();

    const before = Date.now();
    const result = await authenticate(testDb.db, "ok@example.com", PASSWORD, freshIp());

    expect(result).toEqual({
      ok: true,
      user: { id: created.id, email: "ok@example.com", name: "Test ok@example.com", role: "manager" },
    });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, created.id));
    expect(row!.lastLoginAt).toBeInstanceOf(Date);
    expect(row!.lastLoginAt!.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(row!.lastLoginAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it("gives a wrong password, an unknown email and a deactivated user the same answer", async () => {
    const known = await makeUser("known@example.com");
    await makeUser("gone@example.com");
    await setUserActive(testDb.db, "gone@example.com", false, { userId: null, actor: "test-setup" });

    const wrongPassword = await authenticate(testDb.db, "known@example.com", WRONG, freshIp());
    const unknownEmail = await authenticate(testDb.db, "nobody@example.com", PASSWORD, freshIp());
    const deactivated = await authenticate(testDb.db, "gone@example.com", PASSWORD, freshIp());

    expect(wrongPassword).toEqual(INVALID);
    expect(unknownEmail).toEqual(INVALID);
    expect(deactivated).toEqual(INVALID);
    // Nothing else in the answer tells them apart.
    expect(Object.keys(wrongPassword)).toEqual(Object.keys(unknownEmail));
    expect(Object.keys(deactivated)).toEqual(Object.keys(unknownEmail));

    // A refused login does not count as a login.
    const [row] = await testDb.db.select().from(users).where(eq(users.id, known.id));
    expect(row!.lastLoginAt).toBeNull();
  });

  it("counts failures for unknown emails and deactivated users too", async () => {
    await makeUser("inactive-count@example.com");
    await setUserActive(testDb.db, "inactive-count@example.com", false, { userId: null, actor: "test-setup" });
    await authenticate(testDb.db, "ghost@example.com", PASSWORD, freshIp());
    await authenticate(testDb.db, "inactive-count@example.com", PASSWORD, freshIp());
    expect((await throttleRow(accountKey("ghost@example.com")))?.failures).toBe(1);
    expect((await throttleRow(accountKey("inactive-count@example.com")))?.failures).toBe(1);
  });

  it("treats emails case-insensitively, ignoring surrounding spaces", async () => {
    const created = await makeUser("Carol.Case@Example.COM");
    expect(created.email).toBe("carol.case@example.com");

    const result = await authenticate(testDb.db, "  CAROL.case@example.com ", PASSWORD, freshIp());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.user.id).toBe(created.id);

    // Failures under different spellings count toward the one account.
    const ip = freshIp();
    await authenticate(testDb.db, "CAROL.CASE@EXAMPLE.COM", WRONG, ip);
    await authenticate(testDb.db, "carol.case@example.com", WRONG, ip);
    expect((await throttleRow(accountKey("carol.case@example.com")))?.failures).toBe(2);
  });

  it("refuses the password of a different account", async () => {
    await makeUser("first@example.com");
    await createUser(
      testDb.db,
      { email: "second@example.com", name: "Second", role: "viewer", password: "another password entirely" },
      { userId: null, actor: "test-setup" },
    );
    expect(await authenticate(testDb.db, "first@example.com", "another password entirely", freshIp())).toEqual(INVALID);
  });
});

describe("authenticate: the per-account limit", () => {
  it(`locks an account after ${ACCOUNT_MAX_FAILURES} failures, even for the right password, for ~${THROTTLE_WINDOW_MINUTES} minutes`, async () => {
    await makeUser("locked@example.com");
    const ip = freshIp();
    for (let attempt = 1; attempt <= ACCOUNT_MAX_FAILURES; attempt++) {
      expect(await authenticate(testDb.db, "locked@example.com", WRONG, ip), `attempt ${attempt}`).toEqual(INVALID);
    }
    expect(ACCOUNT_MAX_FAILURES).toBe(5);

    const sixth = await authenticate(testDb.db, "locked@example.com", PASSWORD, ip);
    const retryAt = expectThrottled(sixth);

    const row = await throttleRow(accountKey("locked@example.com"));
    // The fifth failure locked the account; the refused sixth attempt is not counted on top.
    expect(row?.failures).toBe(ACCOUNT_MAX_FAILURES);
    expect(row?.lockedUntil?.getTime()).toBe(retryAt.getTime());

    // From another address too: the lock is on the account.
    expectThrottled(await authenticate(testDb.db, "LOCKED@example.com", PASSWORD, freshIp()));
    // Attempts while locked are not counted again (the lock does not keep growing).
    expect((await throttleRow(accountKey("locked@example.com")))?.failures).toBe(ACCOUNT_MAX_FAILURES);
    expect((await throttleRow(accountKey("locked@example.com")))?.lockedUntil?.getTime()).toBe(retryAt.getTime());
  });

  it("locks the account on the fifth wrong password itself, so an administrator sees the lock at once", async () => {
    await makeUser("fifth@example.com");
    const ip = freshIp();
    for (let attempt = 1; attempt < ACCOUNT_MAX_FAILURES; attempt++) await authenticate(testDb.db, "fifth@example.com", WRONG, ip);
    expect((await throttleRow(accountKey("fifth@example.com")))?.lockedUntil ?? null).toBeNull();
    expect(await authenticate(testDb.db, "fifth@example.com", WRONG, ip)).toEqual(INVALID);
    const lockedUntil = (await throttleRow(accountKey("fifth@example.com")))?.lockedUntil;
    expect(lockedUntil?.getTime()).toBeGreaterThan(Date.now() + (THROTTLE_WINDOW_MINUTES - 1) * 60_000);
    expect(expectThrottled(await authenticate(testDb.db, "fifth@example.com", PASSWORD, ip)).getTime()).toBe(lockedUntil!.getTime());
  });

  // Attempts are counted before the slow password check, so a parallel burst cannot buy more guesses.
  it(`evaluates at most ${ACCOUNT_MAX_FAILURES} guesses of concurrent attempts on one account`, async () => {
    await makeUser("burst@example.com");
    const parallel = await openDatabase({ databaseUrl: testDb.url, max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => authenticate(parallel.db, "burst@example.com", `${WRONG} ${n}`, `192.0.2.${n + 1}`)),
      );
      const evaluated = results.filter((result) => !result.ok && result.reason === "invalid").length;
      expect(evaluated, results.map((r) => (r.ok ? "ok" : r.reason)).join(",")).toBeLessThanOrEqual(ACCOUNT_MAX_FAILURES);
      expectThrottled(await authenticate(testDb.db, "burst@example.com", PASSWORD, freshIp()));
    } finally {
      await parallel.close();
    }
  });

  it("keeps the lock across a restart (a second, separate database connection)", async () => {
    await makeUser("restart@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES; attempt++) {
      await authenticate(testDb.db, "restart@example.com", WRONG, ip);
    }

    const restarted = await openDatabase({ databaseUrl: testDb.url, max: 1 });
    try {
      expectThrottled(await authenticate(restarted.db, "restart@example.com", PASSWORD, freshIp()));
    } finally {
      await restarted.close();
    }
  });

  it("leaves other accounts alone, even from the same address", async () => {
    await makeUser("victim@example.com");
    await makeUser("bystander@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES; attempt++) {
      await authenticate(testDb.db, "victim@example.com", WRONG, ip);
    }
    expectThrottled(await authenticate(testDb.db, "victim@example.com", PASSWORD, ip));

    const other = await authenticate(testDb.db, "bystander@example.com", PASSWORD, ip);
    expect(other.ok).toBe(true);
    expect(await throttleRow(accountKey("bystander@example.com"))).toBeNull();
  });

  it("clears the account's failure count on a successful login", async () => {
    await makeUser("clears@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES - 1; attempt++) {
      await authenticate(testDb.db, "clears@example.com", WRONG, ip);
    }
    expect((await throttleRow(accountKey("clears@example.com")))?.failures).toBe(ACCOUNT_MAX_FAILURES - 1);

    expect((await authenticate(testDb.db, "clears@example.com", PASSWORD, ip)).ok).toBe(true);
    expect(await throttleRow(accountKey("clears@example.com"))).toBeNull();

    // A full budget again: four more failures do not lock the account.
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES - 1; attempt++) {
      expect(await authenticate(testDb.db, "clears@example.com", WRONG, ip)).toEqual(INVALID);
    }
    expect((await authenticate(testDb.db, "clears@example.com", PASSWORD, ip)).ok).toBe(true);
  });

  it("starts counting again from 1 once the window has expired", async () => {
    await makeUser("expired@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES; attempt++) {
      await authenticate(testDb.db, "expired@example.com", WRONG, ip);
    }
    expectThrottled(await authenticate(testDb.db, "expired@example.com", PASSWORD, ip));

    // 20 minutes later: the window started long ago and the lock has run out.
    await testDb.db
      .update(loginThrottle)
      .set({
        windowStartedAt: sql`now() - interval '20 minutes'`,
        lockedUntil: sql`now() - interval '1 minute'`,
      })
      .where(eq(loginThrottle.key, accountKey("expired@example.com")));

    expect(await authenticate(testDb.db, "expired@example.com", WRONG, ip)).toEqual(INVALID);
    const row = await throttleRow(accountKey("expired@example.com"));
    expect(row?.failures).toBe(1);
    expect(row?.windowStartedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(row?.lockedUntil == null || row.lockedUntil.getTime() < Date.now()).toBe(true);

    // Not locked: the right password works.
    expect((await authenticate(testDb.db, "expired@example.com", PASSWORD, ip)).ok).toBe(true);
  });

  it("lets a lock whose time has passed go, without waiting for the window", async () => {
    await makeUser("lock-ran-out@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES; attempt++) {
      await authenticate(testDb.db, "lock-ran-out@example.com", WRONG, ip);
    }
    await testDb.db
      .update(loginThrottle)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(loginThrottle.key, accountKey("lock-ran-out@example.com")));
    expect((await authenticate(testDb.db, "lock-ran-out@example.com", PASSWORD, ip)).ok).toBe(true);
  });
});

describe("authenticate: the per-address limit", () => {
  const saved = process.env.LOGIN_IP_MAX_FAILURES;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOGIN_IP_MAX_FAILURES;
    else process.env.LOGIN_IP_MAX_FAILURES = saved;
  });

  it("locks an address across different emails once it reaches LOGIN_IP_MAX_FAILURES", async () => {
    process.env.LOGIN_IP_MAX_FAILURES = "3";
    await makeUser("ip-target@example.com");
    const ip = freshIp();

    expect(await authenticate(testDb.db, "spray-1@example.com", WRONG, ip)).toEqual(INVALID);
    expect(await authenticate(testDb.db, "spray-2@example.com", WRONG, ip)).toEqual(INVALID);
    expect(await authenticate(testDb.db, "ip-target@example.com", WRONG, ip)).toEqual(INVALID);
    expect((await throttleRow(ipKey(ip)))?.failures).toBe(3);

    // Any account, even with the right password, from that address.
    expectThrottled(await authenticate(testDb.db, "ip-target@example.com", PASSWORD, ip));
    expectThrottled(await authenticate(testDb.db, "spray-4@example.com", WRONG, ip));

    // The accounts themselves are not locked: from another address the right password works.
    expect((await throttleRow(accountKey("ip-target@example.com")))?.lockedUntil ?? null).toBeNull();
    expect((await authenticate(testDb.db, "ip-target@example.com", PASSWORD, freshIp())).ok).toBe(true);
  });

  it("does not clear an address's count on a successful login from it", async () => {
    process.env.LOGIN_IP_MAX_FAILURES = "3";
    await makeUser("ip-success@example.com");
    const ip = freshIp();
    await authenticate(testDb.db, "spray-a@example.com", WRONG, ip);
    await authenticate(testDb.db, "spray-b@example.com", WRONG, ip);
    expect((await authenticate(testDb.db, "ip-success@example.com", PASSWORD, ip)).ok).toBe(true);
    expect((await throttleRow(ipKey(ip)))?.failures).toBe(2);
  });

  it("uses 20 by default, so a handful of failures from one address does not lock it", async () => {
    delete process.env.LOGIN_IP_MAX_FAILURES;
    await makeUser("ip-default@example.com");
    const ip = freshIp();
    for (let n = 0; n < 6; n++) await authenticate(testDb.db, `someone-${n}@example.com`, WRONG, ip);
    expect((await authenticate(testDb.db, "ip-default@example.com", PASSWORD, ip)).ok).toBe(true);
  });
});

describe("authenticate: whose address counts", () => {
  const savedMax = process.env.LOGIN_IP_MAX_FAILURES;
  const savedHops = process.env.TRUSTED_PROXY_HOPS;
  afterEach(() => {
    for (const [name, value] of [
      ["LOGIN_IP_MAX_FAILURES", savedMax],
      ["TRUSTED_PROXY_HOPS", savedHops],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** The address the sign-in route derives from a request from `peer` carrying `forwardedFor`. */
  const from = (peer: string, forwardedFor: string) =>
    clientIp(new Headers({ [PEER_ADDRESS_HEADER]: peer, "x-forwarded-for": forwardedFor }));

  it("keeps a client that rotates X-Forwarded-For in one bucket (no proxy: TRUSTED_PROXY_HOPS=0)", async () => {
    process.env.LOGIN_IP_MAX_FAILURES = "3";
    delete process.env.TRUSTED_PROXY_HOPS;
    await makeUser("rotated-target@example.com");
    const peer = freshIp();
    for (let n = 1; n <= 3; n++) {
      expect(await authenticate(testDb.db, `rotate-${n}@example.com`, WRONG, from(peer, `192.0.2.${100 + n}`))).toEqual(INVALID);
    }
    // A fourth made-up address does not buy a fresh budget, not even for the right password.
    expectThrottled(await authenticate(testDb.db, "rotated-target@example.com", PASSWORD, from(peer, "192.0.2.200")));
    expect((await throttleRow(ipKey(peer)))?.failures).toBe(4);
    expect(await throttleRow(ipKey("192.0.2.101"))).toBeNull();
    // And it cannot lock out someone else's address by naming it.
    expect((await authenticate(testDb.db, "rotated-target@example.com", PASSWORD, from(freshIp(), peer))).ok).toBe(true);
  });

  it("behind one proxy (TRUSTED_PROXY_HOPS=1), counts the address the proxy appended", async () => {
    process.env.LOGIN_IP_MAX_FAILURES = "2";
    process.env.TRUSTED_PROXY_HOPS = "1";
    await makeUser("proxied@example.com");
    const proxy = freshIp();
    const attacker = freshIp();
    await authenticate(testDb.db, "spray-p1@example.com", WRONG, from(proxy, `6.6.6.1, ${attacker}`));
    await authenticate(testDb.db, "spray-p2@example.com", WRONG, from(proxy, `6.6.6.2, ${attacker}`));
    expectThrottled(await authenticate(testDb.db, "proxied@example.com", PASSWORD, from(proxy, `6.6.6.3, ${attacker}`)));
    // Another client behind the same proxy is not affected.
    expect((await authenticate(testDb.db, "proxied@example.com", PASSWORD, from(proxy, freshIp()))).ok).toBe(true);
    expect(await throttleRow(ipKey(proxy))).toBeNull();
  });
});

describe("login_throttle stays small", () => {
  const rows = async () => (await testDb.db.select({ n: count() }).from(loginThrottle))[0]!.n;
  /** Moves every counter `minutes` into the past, as if that much time had gone by. */
  const age = (minutes: number) =>
    testDb.db.update(loginThrottle).set({
      windowStartedAt: sql`${loginThrottle.windowStartedAt} - make_interval(mins => ${minutes})`,
      lockedUntil: sql`${loginThrottle.lockedUntil} - make_interval(mins => ${minutes})`,
    });

  it("forgets counters whose window and lock have run out, so many addresses over time do not pile up", async () => {
    const perRound = 30;
    for (let round = 0; round < 4; round++) {
      for (let n = 0; n < perRound; n++)
        await authenticate(testDb.db, `pile-${round}-${n}@example.com`, WRONG, `10.${round + 1}.0.${n + 1}`);
      await age(THROTTLE_WINDOW_MINUTES + 5);
    }
    // Each round wrote ~2 × 30 rows; only the newest round's can still matter, and even those have run out.
    expect(await rows()).toBeLessThanOrEqual(2 * perRound + 10);
    await authenticate(testDb.db, "pile-final@example.com", WRONG, freshIp());
    expect(await rows()).toBeLessThanOrEqual(2 * perRound + 10);
  });

  it("keeps an account that is still locked, and counters still in their window", async () => {
    await makeUser("still-locked@example.com");
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_MAX_FAILURES; attempt++) await authenticate(testDb.db, "still-locked@example.com", WRONG, ip);
    await testDb.db
      .update(loginThrottle)
      .set({ windowStartedAt: sql`now() - interval '20 minutes'`, lockedUntil: sql`now() + interval '5 minutes'` })
      .where(eq(loginThrottle.key, accountKey("still-locked@example.com")));
    const recent = freshIp();
    await authenticate(testDb.db, "someone-recent@example.com", WRONG, recent);
    for (let n = 0; n < 5; n++) await authenticate(testDb.db, `later-${n}@example.com`, WRONG, freshIp());
    expect((await throttleRow(accountKey("still-locked@example.com")))?.lockedUntil).not.toBeNull();
    expectThrottled(await authenticate(testDb.db, "still-locked@example.com", PASSWORD, freshIp()), 5);
    expect((await throttleRow(ipKey(recent)))?.failures).toBe(1);
  });
});

describe("sign-ins, failures and lockouts in the audit log", () => {
  const saved = process.env.LOGIN_IP_MAX_FAILURES;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOGIN_IP_MAX_FAILURES;
    else process.env.LOGIN_IP_MAX_FAILURES = saved;
  });

  const entriesFor = async (email: string) =>
    (await testDb.db.select().from(auditLog).orderBy(auditLog.id)).filter(
      (entry) =>
        entry.action !== "user.created" && entry.action !== "user.deactivated" && (entry.details as { email?: string }).email === email,
    );

  it("records a sign-in under the user, with the address", async () => {
    const user = await makeUser("audited@example.com", "viewer");
    const ip = freshIp();
    expect((await authenticate(testDb.db, "Audited@Example.com", PASSWORD, ip)).ok).toBe(true);
    const [entry] = await entriesFor("audited@example.com");
    expect(entry).toMatchObject({
      action: "user.signed_in",
      userId: user.id,
      actor: "audited@example.com",
      entityType: "user",
      entityId: String(user.id),
      ip,
    });
  });

  it("records each failure with its reason and the lockout, never the password", async () => {
    const user = await makeUser("failing@example.com");
    await makeUser("inactive-audit@example.com");
    await setUserActive(testDb.db, "inactive-audit@example.com", false, { userId: null, actor: "test-setup" });
    const ip = freshIp();
    for (let attempt = 1; attempt <= ACCOUNT_MAX_FAILURES; attempt++)
      await authenticate(testDb.db, "failing@example.com", `${WRONG} ${attempt}`, ip);
    await authenticate(testDb.db, "failing@example.com", PASSWORD, ip);
    await authenticate(testDb.db, "nobody-here@example.com", WRONG, ip);
    await authenticate(testDb.db, "inactive-audit@example.com", PASSWORD, ip);

    const entries = await entriesFor("failing@example.com");
    expect(entries.map((e) => [e.action, (e.details as { reason?: string }).reason])).toEqual([
      ...Array.from({ length: ACCOUNT_MAX_FAILURES }, () => ["user.sign_in_failed", "wrong password"]),
      ["user.locked_out", undefined],
      ["user.sign_in_failed", "locked"],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ userId: null, actor: "Sign-in form", entityType: "user", entityId: String(user.id), ip });
    }
    const locked = entries.find((e) => e.action === "user.locked_out")!;
    const lockedUntil = (await throttleRow(accountKey("failing@example.com")))!.lockedUntil!;
    expect(locked.details).toEqual({
      email: "failing@example.com",
      failures: ACCOUNT_MAX_FAILURES,
      lockedUntil: lockedUntil.toISOString(),
    });

    expect(await entriesFor("nobody-here@example.com")).toMatchObject([
      { action: "user.sign_in_failed", entityId: null, details: { reason: "unknown account" } },
    ]);
    expect(await entriesFor("inactive-audit@example.com")).toMatchObject([
      { action: "user.sign_in_failed", details: { reason: "deactivated" } },
    ]);
    const all = JSON.stringify(await testDb.db.select().from(auditLog));
    expect(all).not.toContain(WRONG);
    expect(all).not.toContain(PASSWORD);
  });

  it("records an address's lockout once, and nothing more for attempts from it while it is locked", async () => {
    process.env.LOGIN_IP_MAX_FAILURES = "2";
    const ip = freshIp();
    for (let n = 1; n <= 6; n++) await authenticate(testDb.db, `flood-${n}@example.com`, WRONG, ip);
    const entries = (await testDb.db.select().from(auditLog).orderBy(auditLog.id)).filter((e) => e.ip === ip);
    expect(entries.map((e) => e.action)).toEqual([
      "user.sign_in_failed",
      "user.sign_in_failed",
      "address.locked_out",
      "user.sign_in_failed",
    ]);
    expect(entries[2]).toMatchObject({ actor: "Sign-in form", entityType: "address", entityId: ip, details: { failures: 3 } });
    expect(entries[3]!.details).toMatchObject({ email: "flood-3@example.com", reason: "address locked" });
  });
});
