import { and, eq, inArray, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { outbox } from "@/db/schema";
import type { DbTx } from "@/db/client";

// One protocol for a Magento write a user starts from a form and that must happen once, whatever
// happens around it (a double click, a lost answer, a portal that dies mid-request): creating a
// cart (lib/carts/create-cart.ts), placing an order (lib/carts/conversion/place-order.ts).
//
//   key      the form's nonce makes `<kind>:<entity id>:<nonce>`, one outbox row, recorded before
//            Magento is called; a repeat of the form finds the same row.
//   claim    one request at a time works on an attempt: the claim sets `in_progress`, counts the
//            attempt and holds until `locked_until`, so a portal that died does not block it for
//            good; a request that finds the attempt under way waits for it.
//   progress the row's `result` keeps what Magento has done so far, so a retry resumes instead of
//            repeating. Every write below lands only while the claim is still the writer's own
//            (same status and attempt count): an attempt taken over writes nothing more.
//   end      done (with the answer a repeat returns), failed, or back to pending for a retry.
//
// What a write asks Magento before trying again (is the item in the cart? is there an order for
// this quote?) stays with the write.

export type AttemptResult = Record<string, unknown>;

/** The key of a form's attempt at a write of `kind` on one entity. */
export function attemptKey(kind: string, entityId: number, nonce: string): string {
  return `${kind}:${entityId}:${nonce}`;
}

export interface AttemptRecord {
  key: string;
  kind: string;
  channelId: number;
  entityType: string;
  entityId: number;
  /** What is to be written, for the record (the write reads its input from the form, not from here). */
  payload: Record<string, unknown>;
  userId: number;
}

/** Records the attempt before anything is sent to Magento; a repeat of the form leaves the row as it is. */
export async function recordAttempt(db: Db, attempt: AttemptRecord): Promise<void> {
  await db
    .insert(outbox)
    .values({
      channelId: attempt.channelId,
      kind: attempt.kind,
      idempotencyKey: attempt.key,
      entityType: attempt.entityType,
      entityId: attempt.entityId,
      payload: attempt.payload,
      createdByUserId: attempt.userId,
    })
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}

/** The answer an attempt completed with (its row is done), else null. */
export async function completedAttempt(db: Db | DbTx, key: string): Promise<AttemptResult | null> {
  const [row] = await db.select({ status: outbox.status, result: outbox.result }).from(outbox).where(eq(outbox.idempotencyKey, key));
  return row?.status === "done" ? (row.result ?? {}) : null;
}

/** An attempt's hold on its row, as of the claim that made `attempts` what it is. */
export type Claim = { key: string; attempts: number; lockMs: number; result: AttemptResult };

export interface ClaimRules {
  /** How long a claim holds unless renewed (keepClaim) before another request may take the attempt over. */
  lockMs: number;
  /** Whether a repeat of the form may try again after a failure; otherwise the failure is the attempt's answer. */
  retryFailed: boolean;
  /**
   * One attempt at a time on the entity, whoever's form it is (two users converting one cart):
   * `lock` locks the entity's row in the claiming transaction, an attempt under way on it makes
   * the others wait, one completed is the answer for all, and one whose claim lapsed is taken over.
   */
  perEntity?: { kind: string; entityType: string; entityId: number; lock: (tx: DbTx) => Promise<unknown> };
}

export type ClaimOutcome =
  | { claimed: Claim }
  /** This attempt completed (meanwhile): its answer. */
  | { done: AttemptResult }
  /** perEntity: another attempt on the entity completed; its answer. */
  | { doneElsewhere: AttemptResult | null }
  /** Under way in another request, its claim still live. */
  | { busy: true }
  /** Ended and not to be tried again (or never recorded): its error. */
  | { ended: { lastError: string | null } };

const lapsed = (now: Date) => or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now));
const isLive = (row: { status: string; lockedUntil: Date | null }, now: Date) =>
  row.status === "in_progress" && row.lockedUntil !== null && row.lockedUntil > now;

/** One try at taking the attempt's claim (callers decide how to wait while it is busy). */
export async function claimAttempt(db: Db, key: string, rules: ClaimRules): Promise<ClaimOutcome> {
  return db.transaction(async (tx) => {
    const scope = rules.perEntity;
    if (scope) await scope.lock(tx);
    const siblings = scope
      ? and(eq(outbox.kind, scope.kind), eq(outbox.entityType, scope.entityType), eq(outbox.entityId, scope.entityId))
      : eq(outbox.idempotencyKey, key);
    const rows = await tx.select().from(outbox).where(siblings);
    const mine = rows.find((r) => r.idempotencyKey === key);
    if (!mine) return { ended: { lastError: null } };
    if (mine.status === "done") return { done: mine.result ?? {} };
    const doneOther = rows.find((r) => r.status === "done" && r.idempotencyKey !== key);
    if (doneOther) return { doneElsewhere: doneOther.result };
    const now = new Date();
    if (rows.some((r) => isLive(r, now))) return { busy: true };
    if (scope) {
      // Attempts whose claim lapsed (a stalled request, a crashed portal) are taken over: their
      // writes no longer land, and a write that checks its claim before acting does not act.
      await tx
        .update(outbox)
        .set({
          status: "failed",
          lockedUntil: null,
          lastError: `Its claim lapsed and another attempt took the ${scope.entityType} over.`,
          updatedAt: now,
        })
        .where(and(siblings, eq(outbox.status, "in_progress"), ne(outbox.idempotencyKey, key)));
    }
    const claimable = or(
      inArray(outbox.status, rules.retryFailed ? ["pending", "failed"] : ["pending"]),
      and(eq(outbox.status, "in_progress"), lapsed(now)),
    );
    const [claimed] = await tx
      .update(outbox)
      .set({
        status: "in_progress",
        attempts: sql`${outbox.attempts} + 1`,
        lockedUntil: new Date(now.getTime() + rules.lockMs),
        lastError: null,
        updatedAt: now,
      })
      .where(and(eq(outbox.idempotencyKey, key), claimable))
      .returning({ attempts: outbox.attempts, result: outbox.result });
    if (!claimed) {
      // Another request changed the row between the read and the claim (a double submit): as it is now.
      const [current] = await tx.select().from(outbox).where(eq(outbox.idempotencyKey, key));
      if (current?.status === "done") return { done: current.result ?? {} };
      if (current && isLive(current, new Date())) return { busy: true };
      return { ended: { lastError: current?.lastError ?? null } };
    }
    return { claimed: { key, attempts: claimed.attempts, lockMs: rules.lockMs, result: claimed.result ?? {} } };
  });
}

/** The attempt's row is still this claim's: nobody took it over (a takeover changes the status or the attempt count). */
export function stillMine(claim: Claim): SQL {
  return and(eq(outbox.idempotencyKey, claim.key), eq(outbox.status, "in_progress"), eq(outbox.attempts, claim.attempts))!;
}

/** Keeps what has been done so far. */
export async function saveProgress(db: Db, claim: Claim, result: AttemptResult): Promise<void> {
  await db.update(outbox).set({ result, updatedAt: new Date() }).where(stillMine(claim));
}

/**
 * What Magento did, kept whoever holds the claim now: an attempt that lost its claim while
 * Magento answered still leaves the answer for the attempt that comes next.
 */
export async function rememberResult(db: Db, key: string, result: AttemptResult): Promise<void> {
  await db.update(outbox).set({ result, updatedAt: new Date() }).where(eq(outbox.idempotencyKey, key));
}

/** Renews the claim (and saves `result` with it); false when the claim is no longer this attempt's. */
export async function renewClaim(db: Db, claim: Claim, result?: AttemptResult): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ lockedUntil: new Date(Date.now() + claim.lockMs), updatedAt: new Date(), ...(result ? { result } : {}) })
    .where(stillMine(claim))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/**
 * Renews the claim every `everyMs` (default a third of the claim) while the attempt works, so
 * Magento calls slower than the claim never let a second attempt in. A renewal that finds the claim
 * taken over stops; what the attempt does about it is its own (renewClaim before the step that
 * must not happen twice).
 */
export function keepClaim(db: Db, claim: Claim, everyMs?: number): { stop: () => void } {
  const timer = setInterval(
    () => {
      renewClaim(db, claim)
        .then((mine) => {
          if (!mine) clearInterval(timer);
        })
        .catch(() => {}); // the next beat tries again
    },
    everyMs ?? Math.max(50, Math.floor(claim.lockMs / 3)),
  );
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}

/** How an attempt ends; `result` and `lastError` are left as they are when not given. */
export type AttemptEnd = { status: "done" | "failed" | "pending"; result?: AttemptResult; lastError?: string | null };

/** Ends the claim: done (completed), failed, or pending (a repeat of the form tries again). False when it was no longer this attempt's. */
export async function endAttempt(db: Db | DbTx, claim: Claim, end: AttemptEnd): Promise<boolean> {
  const now = new Date();
  const rows = await db
    .update(outbox)
    .set({
      status: end.status,
      lockedUntil: null,
      updatedAt: now,
      ...(end.status === "done" ? { completedAt: now } : {}),
      ...(end.lastError !== undefined ? { lastError: end.lastError } : {}),
      ...(end.result ? { result: end.result } : {}),
    })
    .where(stillMine(claim))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Waits up to `waitMs` for an attempt under way in another request to end; null while it still runs. */
export async function waitForAttempt(
  db: Db,
  key: string,
  { waitMs, pollMs }: { waitMs: number; pollMs: number },
): Promise<{ status: string; result: AttemptResult | null; lastError: string | null } | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await db
      .select({ status: outbox.status, result: outbox.result, lastError: outbox.lastError })
      .from(outbox)
      .where(eq(outbox.idempotencyKey, key));
    if (row && row.status !== "in_progress") return row;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
