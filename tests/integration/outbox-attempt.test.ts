import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, outbox, users } from "@/db/schema";
import {
  attemptKey,
  claimAttempt,
  completedAttempt,
  endAttempt,
  recordAttempt,
  rememberResult,
  renewClaim,
  saveProgress,
  waitForAttempt,
  type Claim,
  type ClaimOutcome,
  type ClaimRules,
} from "@/lib/outbox/attempt";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The one protocol for a Magento write started from a form (new cart, cart conversion), on real
// Postgres: one request at a time holds an attempt, a repeat gets the first answer, a claim that
// lapsed is taken over and the stalled request's writes no longer land.

let testDb: TestDatabase;
let channelId: number;
let userId: number;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const [channel] = await testDb.db.insert(channels).values({ name: "Attempt store", baseUrl: "https://attempts.example.com" }).returning();
  const [user] = await testDb.db
    .insert(users)
    .values({ email: "attempts@example.com", name: "Ada", role: "manager", passwordHash: "x" })
    .returning();
  channelId = channel!.id;
  userId = user!.id;
});

afterAll(async () => {
  await testDb?.drop();
});

const RULES: ClaimRules = { lockMs: 60_000, retryFailed: false };

async function recorded(entityId = 7, kind = "test.write"): Promise<string> {
  const key = attemptKey(kind, entityId, randomUUID());
  await recordAttempt(testDb.db, { key, kind, channelId, entityType: "thing", entityId, payload: { what: "test" }, userId });
  return key;
}

function claimOf(outcome: ClaimOutcome): Claim {
  if (!("claimed" in outcome)) throw new Error(`not claimed: ${JSON.stringify(outcome)}`);
  return outcome.claimed;
}

const row = async (key: string) => (await testDb.db.select().from(outbox).where(eq(outbox.idempotencyKey, key)))[0]!;

describe("an attempt at a Magento write", () => {
  it("is recorded once, held by one request at a time, and a repeat gets the first answer", async () => {
    const key = await recorded();
    await recordAttempt(testDb.db, { key, kind: "test.write", channelId, entityType: "thing", entityId: 7, payload: {}, userId });
    expect(
      await testDb.db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.idempotencyKey, key)),
    ).toEqual([{ n: 1 }]);

    // Five requests at once (a double click, a browser retry): exactly one gets the claim.
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => claimAttempt(testDb.db, key, RULES)));
    expect(outcomes.filter((o) => "claimed" in o)).toHaveLength(1);
    expect(outcomes.filter((o) => "busy" in o)).toHaveLength(4);
    const claim = claimOf(outcomes.find((o) => "claimed" in o)!);

    const waiting = waitForAttempt(testDb.db, key, { waitMs: 5_000, pollMs: 20 });
    await saveProgress(testDb.db, claim, { step: 1 });
    expect(await completedAttempt(testDb.db, key)).toBeNull();
    expect(await endAttempt(testDb.db, claim, { status: "done", result: { answer: 42 }, lastError: "" })).toBe(true);
    expect(await waiting).toMatchObject({ status: "done", result: { answer: 42 } });
    expect(await completedAttempt(testDb.db, key)).toEqual({ answer: 42 });
    expect(await claimAttempt(testDb.db, key, RULES)).toEqual({ done: { answer: 42 } });
    expect((await row(key)).completedAt).not.toBeNull();
  });

  it("resumes from its progress after a failure left to a retry; a failure for good is its answer unless retries are allowed", async () => {
    const key = await recorded();
    const first = claimOf(await claimAttempt(testDb.db, key, RULES));
    await saveProgress(testDb.db, first, { added: ["A"] });
    await endAttempt(testDb.db, first, { status: "pending", result: { added: ["A"] }, lastError: "Magento did not answer." });
    const second = claimOf(await claimAttempt(testDb.db, key, RULES));
    expect(second).toMatchObject({ attempts: 2, result: { added: ["A"] } });
    expect((await row(key)).lastError).toBeNull();

    await endAttempt(testDb.db, second, { status: "failed", lastError: "Refused." });
    expect(await claimAttempt(testDb.db, key, RULES)).toEqual({ ended: { lastError: "Refused." } });
    expect(await claimAttempt(testDb.db, key, { ...RULES, retryFailed: true })).toMatchObject({ claimed: { attempts: 3 } });
  });

  it("is taken over when its claim lapsed: the stalled request's writes no longer land, what Magento did is still kept", async () => {
    const key = await recorded();
    const stalled = claimOf(await claimAttempt(testDb.db, key, { ...RULES, lockMs: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    const next = claimOf(await claimAttempt(testDb.db, key, RULES));
    expect(next.attempts).toBe(stalled.attempts + 1);

    await saveProgress(testDb.db, stalled, { stale: true });
    expect(await renewClaim(testDb.db, stalled)).toBe(false);
    expect(await endAttempt(testDb.db, stalled, { status: "done", result: { stale: true } })).toBe(false);
    expect(await row(key)).toMatchObject({ status: "in_progress", result: null });

    await rememberResult(testDb.db, key, { orderEntityId: 5 });
    expect((await row(key)).result).toEqual({ orderEntityId: 5 });
    expect(await renewClaim(testDb.db, next, { orderEntityId: 5, placeSentAt: "now" })).toBe(true);
    expect(await endAttempt(testDb.db, next, { status: "done", result: { orderEntityId: 5 } })).toBe(true);
  });

  it("per entity: another form's attempt waits while one is under way, and one completed answers for all", async () => {
    const lockEntity = { kind: "test.entity", entityType: "thing", entityId: 99, lock: async () => {} };
    const rules: ClaimRules = { ...RULES, retryFailed: true, perEntity: lockEntity };
    const mine = await recorded(99, "test.entity");
    const theirs = await recorded(99, "test.entity");
    const claim = claimOf(await claimAttempt(testDb.db, mine, rules));
    expect(await claimAttempt(testDb.db, theirs, rules)).toEqual({ busy: true });
    await endAttempt(testDb.db, claim, { status: "done", result: { order: "#1" } });
    expect(await claimAttempt(testDb.db, theirs, rules)).toEqual({ doneElsewhere: { order: "#1" } });

    // A lapsed attempt on the entity is taken over and marked failed, saying why.
    const a = await recorded(100, "test.entity");
    const b = await recorded(100, "test.entity");
    const other = { ...rules, perEntity: { ...lockEntity, entityId: 100 } };
    claimOf(await claimAttempt(testDb.db, a, { ...other, lockMs: 1 }));
    await new Promise((r) => setTimeout(r, 20));
    claimOf(await claimAttempt(testDb.db, b, other));
    expect(await row(a)).toMatchObject({ status: "failed", lastError: "Its claim lapsed and another attempt took the thing over." });
  });
});
