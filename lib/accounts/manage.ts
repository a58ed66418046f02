import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import { writeAuditReturningId, type Actor } from "@/lib/audit/log";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { countOf } from "@/lib/format/count";
import { refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { holdAccountReferences, lockAccountReferences } from "@/lib/sync/rules/accounts";
import { idArray } from "@/lib/sync/write/upsert";

// Staff decisions about accounts: merge one account into another, move a customer to another (or
// a new) account, and undo either from its audit entry. Each runs in one transaction with its audit
// entry, whose details hold exactly what the undo needs. The sync only assigns rows without an
// account (lib/sync/rules/accounts.ts), so none of these is ever reverted by a later sync.

export const ACCOUNT_MERGE = "account.merge";
export const ACCOUNT_MOVE = "account.move";
export const ACCOUNT_UNDO = "account.undo";

export type AccountRef = { id: number; name: string };

/** What account.merge records. */
export type MergeDetails = {
  source: AccountRef;
  target: AccountRef;
  customerIds: number[];
  emails: string[];
  /** Accounts merged into the source before: now pointing at the target (one level kept). */
  repointedAccountIds: number[];
  sourceBefore: { mergedIntoId: number | null; mergedAt: string | null };
};

/** What account.move records. */
export type MoveDetails = {
  customer: { id: number; email: string; name: string };
  customerIds: number[];
  emails: string[];
  from: AccountRef;
  to: AccountRef;
  /** The move created the target account (the undo removes it again when it is left empty). */
  createdAccount: boolean;
};

export type ChangeResult =
  { ok: true; auditId: number; accountId: number; message: string } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

export type ManageOptions = { ip?: string | null };

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const mergeInputSchema = z
  .object({ sourceId: recordId, targetId: recordId })
  .refine((v) => v.sourceId !== v.targetId, { message: "An account cannot be merged into itself.", path: ["targetId"] });

export const newAccountSchema = z.object({
  name: z.string().trim().min(1, "Name the new account.").max(200, "At most 200 characters."),
  type: z.enum(["person", "company"], { message: "Choose person or company." }),
});

export const moveInputSchema = z
  .object({ customerId: recordId, targetAccountId: recordId.optional(), newAccount: newAccountSchema.optional() })
  .refine((v) => (v.targetAccountId === undefined) !== (v.newAccount === undefined), {
    message: "Choose an account to move to, or name a new one.",
    path: ["targetAccountId"],
  });

export const undoInputSchema = z.object({ auditId: recordId });

class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[issue.path.map(String).join(".") || "form"] ??= []).push(issue.message);
  return out;
}

function actorOf(user: SessionUser, options: ManageOptions): Actor {
  return { userId: user.id, actor: user.email, ip: options.ip ?? null };
}

/**
 * Runs `work` in a transaction; a refusal rolls it back and becomes `{ ok: false }`. Every change
 * writes account ids, so it holds the account references lock (lib/sync/rules/accounts.ts) first
 * thing: shared, or exclusive for an undo, which may delete the account a move made. Taken before
 * any row lock and never upgraded, it cannot deadlock.
 */
async function inTransaction(
  db: Db,
  work: (tx: DbTx) => Promise<ChangeResult>,
  references: "shared" | "exclusive" = "shared",
): Promise<ChangeResult> {
  try {
    return await db.transaction(async (tx) => {
      if (references === "exclusive") await lockAccountReferences(tx);
      else await holdAccountReferences(tx);
      return work(tx);
    });
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.message };
    throw error;
  }
}

type LockedAccount = { id: number; name: string; type: "person" | "company"; mergedIntoId: number | null; mergedAt: string | null };

/** The accounts of `ids`, locked for the change (in id order, so two changes never deadlock). */
async function lockAccounts(tx: DbTx, ids: readonly number[]): Promise<Map<number, LockedAccount>> {
  const rows = await queryRows<{ id: unknown; name: string; type: "person" | "company"; merged_into_id: unknown; merged_at: unknown }>(
    tx,
    sql`SELECT id, name, type, merged_into_id, merged_at FROM accounts WHERE id = ANY(${idArray(ids)}) ORDER BY id FOR UPDATE`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        id: Number(r.id),
        name: r.name,
        type: r.type,
        mergedIntoId: r.merged_into_id === null ? null : Number(r.merged_into_id),
        mergedAt: r.merged_at === null ? null : new Date(r.merged_at as string).toISOString(),
      },
    ]),
  );
}

async function accountName(tx: DbTx, id: number): Promise<string> {
  const [row] = await queryRows<{ name: string }>(tx, sql`SELECT name FROM accounts WHERE id = ${id}`);
  return row?.name ?? `#${id}`;
}

async function insertAuditReturningId(tx: DbTx, user: SessionUser, options: ManageOptions, entry: AuditInput): Promise<number> {
  return writeAuditReturningId(tx, { ...actorOf(user, options), ...entry });
}
type AuditInput = { action: string; entityType: string; entityId: number; details: Record<string, unknown> };

// ── merge ───────────────────────────────────────────────────────────────────────────────────

/**
 * Merges `sourceId` into `targetId`: its customers and emails join the target, the source is kept
 * but marked merged (shown as the target everywhere), and accounts merged into the source before
 * now point at the target. Refuses self-merge, unknown and merged-away accounts.
 */
export async function mergeAccounts(db: Db, user: SessionUser | null, raw: unknown, options: ManageOptions = {}): Promise<ChangeResult> {
  requirePermission(user, "manage_accounts");
  const parsed = mergeInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return { ok: false, error: Object.values(fieldErrors)[0]?.[0] ?? "Choose the accounts to merge.", fieldErrors };
  }
  const { sourceId, targetId } = parsed.data;
  return inTransaction(db, async (tx) => {
    const locked = await lockAccounts(tx, [sourceId, targetId]);
    const source = locked.get(sourceId) ?? refuse("The account to merge no longer exists.");
    const target = locked.get(targetId) ?? refuse("The account to merge into no longer exists.");
    if (source.mergedIntoId !== null) refuse(`${source.name} was already merged into ${await accountName(tx, source.mergedIntoId)}.`);
    if (target.mergedIntoId !== null) {
      refuse(`${target.name} was merged into ${await accountName(tx, target.mergedIntoId)}; merge into that account instead.`);
    }

    const moved = await queryRows<{ id: unknown }>(
      tx,
      sql`UPDATE magento_customers SET account_id = ${targetId} WHERE account_id = ${sourceId} RETURNING id`,
    );
    const emails = await queryRows<{ email: string }>(
      tx,
      sql`UPDATE account_emails SET account_id = ${targetId} WHERE account_id = ${sourceId} RETURNING email`,
    );
    const repointed = await queryRows<{ id: unknown }>(
      tx,
      sql`UPDATE accounts SET merged_into_id = ${targetId}, updated_at = now() WHERE merged_into_id = ${sourceId} RETURNING id`,
    );
    await tx.execute(sql`UPDATE accounts SET merged_into_id = ${targetId}, merged_at = now(), updated_at = now() WHERE id = ${sourceId}`);
    await refreshAccountFigures(tx, [sourceId, targetId]);

    const details: MergeDetails = {
      source: { id: source.id, name: source.name },
      target: { id: target.id, name: target.name },
      customerIds: moved.map((r) => Number(r.id)).sort((a, b) => a - b),
      emails: emails.map((r) => r.email).sort(),
      repointedAccountIds: repointed.map((r) => Number(r.id)).sort((a, b) => a - b),
      sourceBefore: { mergedIntoId: source.mergedIntoId, mergedAt: source.mergedAt },
    };
    const auditId = await insertAuditReturningId(tx, user!, options, {
      action: ACCOUNT_MERGE,
      entityType: "account",
      entityId: targetId,
      details,
    });
    return {
      ok: true,
      auditId,
      accountId: targetId,
      message: `${countOf(details.customerIds.length, "customer")} of ${source.name} joined ${target.name}; ${source.name} is closed and can be restored with Undo.`,
    };
  });
}

// ── move ────────────────────────────────────────────────────────────────────────────────────

/**
 * Moves one customer row (with the guest checkouts merged into it) to another account, or to a new
 * one staff name. Its email follows when no customer with that email stays in the old account.
 */
export async function moveCustomer(db: Db, user: SessionUser | null, raw: unknown, options: ManageOptions = {}): Promise<ChangeResult> {
  requirePermission(user, "manage_accounts");
  const parsed = moveInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return { ok: false, error: Object.values(fieldErrors)[0]?.[0] ?? "Choose where to move the customer.", fieldErrors };
  }
  const input = parsed.data;
  return inTransaction(db, async (tx) => {
    const [customer] = await queryRows<{
      id: unknown;
      email: string;
      name: string;
      account_id: unknown;
      channel_id: unknown;
      merged_into_id: unknown;
      merged_into_name: string | null;
    }>(
      tx,
      sql`SELECT c.id, c.email, coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email) AS name,
            c.account_id, c.channel_id, c.merged_into_id,
            (SELECT coalesce(nullif(trim(concat_ws(' ', r.first_name, r.last_name)), ''), r.email) FROM magento_customers r WHERE r.id = c.merged_into_id) AS merged_into_name
          FROM magento_customers c WHERE c.id = ${input.customerId}`,
    );
    if (!customer) refuse("This customer is no longer in the portal.");
    if (customer!.merged_into_id !== null) {
      refuse(`This guest checkout was merged into ${customer!.merged_into_name ?? "a registered customer"}; move that customer instead.`);
    }
    if (customer!.account_id === null) refuse("This customer has no account yet; the next sync gives it one.");
    const fromId = Number(customer!.account_id);

    let toId: number;
    let created = false;
    if (input.newAccount) {
      const [row] = await queryRows<{ id: unknown }>(
        tx,
        sql`INSERT INTO accounts (name, type, channel_id)
            VALUES (${input.newAccount.name}, ${input.newAccount.type}, ${input.newAccount.type === "company" ? Number(customer!.channel_id) : null})
            RETURNING id`,
      );
      toId = Number(row!.id);
      created = true;
    } else {
      toId = input.targetAccountId!;
      if (toId === fromId) refuse("The customer is already in this account.");
    }
    // Accounts first, then customer rows: the order of merges and of the sync's pages, so none deadlock.
    const locked = await lockAccounts(tx, [fromId, toId]);
    const [still] = await queryRows<{ account_id: unknown }>(
      tx,
      sql`SELECT account_id FROM magento_customers WHERE id = ${input.customerId} FOR UPDATE`,
    );
    if (!still || Number(still.account_id) !== fromId)
      refuse("Someone moved this customer a moment ago; reload the page and choose again.");
    const from = locked.get(fromId) ?? refuse("The customer's account no longer exists.");
    const to = locked.get(toId) ?? refuse("The account to move to no longer exists.");
    if (to.mergedIntoId !== null) {
      refuse(`${to.name} was merged into ${await accountName(tx, to.mergedIntoId)}; move the customer there instead.`);
    }

    const moved = await queryRows<{ id: unknown; email: string }>(
      tx,
      sql`UPDATE magento_customers SET account_id = ${toId}
          WHERE account_id = ${fromId} AND (id = ${input.customerId} OR merged_into_id = ${input.customerId})
          RETURNING id, lower(trim(email)) AS email`,
    );
    // An email goes with the customer only when nobody with it stays behind; otherwise new rows with
    // it keep joining the old account, where its other customers are.
    const candidates = [...new Set(moved.map((r) => r.email).filter(Boolean))];
    const emails = await queryRows<{ email: string }>(
      tx,
      sql`UPDATE account_emails e SET account_id = ${toId}
          WHERE e.account_id = ${fromId} AND e.email IN (SELECT jsonb_array_elements_text(${JSON.stringify(candidates)}::jsonb))
            AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = ${fromId} AND lower(trim(c.email)) = e.email)
          RETURNING e.email`,
    );
    await refreshAccountFigures(tx, [fromId, toId]);

    const details: MoveDetails = {
      customer: { id: Number(customer!.id), email: customer!.email, name: customer!.name },
      customerIds: moved.map((r) => Number(r.id)).sort((a, b) => a - b),
      emails: emails.map((r) => r.email).sort(),
      from: { id: from.id, name: from.name },
      to: { id: to.id, name: to.name },
      createdAccount: created,
    };
    const auditId = await insertAuditReturningId(tx, user!, options, {
      action: ACCOUNT_MOVE,
      entityType: "customer",
      entityId: input.customerId,
      details,
    });
    return {
      ok: true,
      auditId,
      accountId: toId,
      message: `${customer!.name} moved from ${from.name} to ${created ? "the new account " : ""}${to.name}.`,
    };
  });
}

// ── undo ────────────────────────────────────────────────────────────────────────────────────

type AuditRow = { id: number; action: string; details: Record<string, unknown> };

async function lockAuditEntry(tx: DbTx, auditId: number): Promise<AuditRow | null> {
  const [row] = await queryRows<{ id: unknown; action: string; details: unknown }>(
    tx,
    sql`SELECT id, action, details FROM audit_log WHERE id = ${auditId} FOR UPDATE`,
  );
  if (!row) return null;
  const details =
    typeof row.details === "string" ? (JSON.parse(row.details) as Record<string, unknown>) : (row.details as Record<string, unknown>);
  return { id: Number(row.id), action: row.action, details: details ?? {} };
}

/** Whether an account change has been undone already (the undo entry names it). */
async function undoneAlready(tx: Pick<DbTx, "execute">, auditId: number): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`SELECT 1 FROM audit_log WHERE action = ${ACCOUNT_UNDO} AND details->>'auditId' = ${String(auditId)} LIMIT 1`,
  );
  return rows.length > 0;
}

const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number).filter(Number.isSafeInteger) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const refOf = (value: unknown): AccountRef | null => {
  const v = value as { id?: unknown; name?: unknown } | null;
  return v && Number.isSafeInteger(Number(v.id)) ? { id: Number(v.id), name: typeof v.name === "string" ? v.name : `#${v.id}` } : null;
};

/**
 * Reverses an account.merge or account.move from its audit entry: what the change moved and is
 * still where it put it goes back. Refused when undone already, or when a later change makes it
 * impossible (the accounts were merged on since: undo that first).
 */
export async function undoAccountChange(
  db: Db,
  user: SessionUser | null,
  raw: unknown,
  options: ManageOptions = {},
): Promise<ChangeResult> {
  requirePermission(user, "manage_accounts");
  const parsed = undoInputSchema.safeParse(typeof raw === "number" ? { auditId: raw } : raw);
  if (!parsed.success) return { ok: false, error: "Choose an account change to undo." };
  const { auditId } = parsed.data;
  return inTransaction(
    db,
    async (tx) => {
      // The entry's lock makes two undos of one change wait for each other: the second sees the first's entry.
      const entry = (await lockAuditEntry(tx, auditId)) ?? refuse("There is no such audit entry.");
      if (entry.action !== ACCOUNT_MERGE && entry.action !== ACCOUNT_MOVE) refuse("Only account merges and moves can be undone.");
      if (await undoneAlready(tx, auditId)) refuse("This change has been undone already.");
      return entry.action === ACCOUNT_MERGE ? undoMerge(tx, user!, entry, options) : undoMove(tx, user!, entry, options);
    },
    "exclusive",
  );
}

async function undoMerge(tx: DbTx, user: SessionUser, entry: AuditRow, options: ManageOptions): Promise<ChangeResult> {
  const source = refOf(entry.details.source) ?? refuse("This entry does not say which accounts were merged.");
  const target = refOf(entry.details.target) ?? refuse("This entry does not say which accounts were merged.");
  const locked = await lockAccounts(tx, [source.id, target.id]);
  const now = { source: locked.get(source.id), target: locked.get(target.id) };
  if (!now.source) refuse(`${source.name} no longer exists; the merge cannot be undone.`);
  if (!now.target) refuse(`${target.name} no longer exists; the merge cannot be undone.`);
  if (now.source!.mergedIntoId !== target.id) {
    // Merged on since (the target into a third account re-points the source there) or restored otherwise.
    if (now.source!.mergedIntoId === null) refuse(`${source.name} is open again already.`);
    const where = await accountName(tx, now.source!.mergedIntoId!);
    refuse(`${now.target!.name} was since merged into ${where}; undo that merge first.`);
  }
  const before = (entry.details.sourceBefore ?? {}) as { mergedIntoId?: unknown; mergedAt?: unknown };
  const back = await queryRows<{ id: unknown }>(
    tx,
    sql`UPDATE magento_customers SET account_id = ${source.id}
        WHERE account_id = ${target.id} AND id = ANY(${idArray(ids(entry.details.customerIds))}) RETURNING id`,
  );
  const emails = await queryRows<{ email: string }>(
    tx,
    sql`UPDATE account_emails SET account_id = ${source.id}
        WHERE account_id = ${target.id} AND email IN (SELECT jsonb_array_elements_text(${JSON.stringify(strings(entry.details.emails))}::jsonb))
        RETURNING email`,
  );
  await tx.execute(sql`
    UPDATE accounts SET merged_into_id = ${source.id}, updated_at = now()
    WHERE merged_into_id = ${target.id} AND id = ANY(${idArray(ids(entry.details.repointedAccountIds))})`);
  const mergedIntoId =
    Number.isSafeInteger(Number(before.mergedIntoId)) && before.mergedIntoId !== null ? Number(before.mergedIntoId) : null;
  const mergedAt = typeof before.mergedAt === "string" ? before.mergedAt : null;
  await tx.execute(
    sql`UPDATE accounts SET merged_into_id = ${mergedIntoId}, merged_at = ${mergedAt}::timestamptz, updated_at = now() WHERE id = ${source.id}`,
  );
  await refreshAccountFigures(tx, [source.id, target.id]);

  const total = ids(entry.details.customerIds).length;
  const auditId = await insertAuditReturningId(tx, user, options, {
    action: ACCOUNT_UNDO,
    entityType: "account",
    entityId: source.id,
    details: {
      auditId: entry.id,
      undid: ACCOUNT_MERGE,
      source,
      target,
      customersBack: back.length,
      customersLeft: total - back.length,
      emailsBack: emails.map((r) => r.email).sort(),
    },
  });
  const left = total - back.length;
  return {
    ok: true,
    auditId,
    accountId: source.id,
    message:
      `${source.name} is restored with ${countOf(back.length, "customer")}.` +
      (left > 0 ? ` ${countOf(left, "customer")} moved on since and stay where they are.` : ""),
  };
}

async function undoMove(tx: DbTx, user: SessionUser, entry: AuditRow, options: ManageOptions): Promise<ChangeResult> {
  const from = refOf(entry.details.from) ?? refuse("This entry does not say where the customer was moved.");
  const to = refOf(entry.details.to) ?? refuse("This entry does not say where the customer was moved.");
  const customer = (entry.details.customer ?? {}) as { name?: unknown };
  const customerName = typeof customer.name === "string" ? customer.name : "The customer";
  const locked = await lockAccounts(tx, [from.id, to.id]);
  const old = locked.get(from.id) ?? refuse(`${from.name} no longer exists; the move cannot be undone.`);
  if (old.mergedIntoId !== null) {
    refuse(`${old.name} was since merged into ${await accountName(tx, old.mergedIntoId)}; undo that merge first.`);
  }
  const back = await queryRows<{ id: unknown }>(
    tx,
    sql`UPDATE magento_customers SET account_id = ${from.id}
        WHERE account_id = ${to.id} AND id = ANY(${idArray(ids(entry.details.customerIds))}) RETURNING id`,
  );
  if (back.length === 0) refuse(`${customerName} is no longer in ${to.name} (moved or merged on since); nothing to undo.`);
  const emails = await queryRows<{ email: string }>(
    tx,
    sql`UPDATE account_emails SET account_id = ${from.id}
        WHERE account_id = ${to.id} AND email IN (SELECT jsonb_array_elements_text(${JSON.stringify(strings(entry.details.emails))}::jsonb))
        RETURNING email`,
  );
  // An account made for this move goes again when the undo leaves it with nobody in it.
  let removed = false;
  if (entry.details.createdAccount === true) {
    const gone = await queryRows(
      tx,
      sql`DELETE FROM accounts a WHERE a.id = ${to.id}
          AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM account_emails e WHERE e.account_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM accounts m WHERE m.merged_into_id = a.id)
          RETURNING a.id`,
    );
    removed = gone.length > 0;
  }
  await refreshAccountFigures(tx, removed ? [from.id] : [from.id, to.id]);

  const auditId = await insertAuditReturningId(tx, user, options, {
    action: ACCOUNT_UNDO,
    entityType: "customer",
    entityId: Number((entry.details.customer as { id?: unknown } | undefined)?.id ?? 0) || to.id,
    details: {
      auditId: entry.id,
      undid: ACCOUNT_MOVE,
      from,
      to,
      customersBack: back.length,
      emailsBack: emails.map((r) => r.email).sort(),
      removedAccount: removed,
    },
  });
  return {
    ok: true,
    auditId,
    accountId: from.id,
    message: `${customerName} is back in ${from.name}.${removed ? ` The account ${to.name}, made for the move, is removed.` : ""}`,
  };
}

// ── reading for the pages ─────────────────────────────────────────────────────────────────────

/** An audit entry of an account change, for the change page and the Undo button. */
export type AccountChangeView = {
  auditId: number;
  action: typeof ACCOUNT_MERGE | typeof ACCOUNT_MOVE | typeof ACCOUNT_UNDO;
  at: string;
  actor: string;
  details: Record<string, unknown>;
  /** Null when Undo is offered; else why not. */
  undoRefusal: string | null;
  /** The undo of this change, once there is one. */
  undo: { auditId: number; at: string; actor: string; details: Record<string, unknown> } | null;
};

/** An account change's audit entry (merge, move or undo); null for any other entry. Checks manage_accounts. */
export async function loadAccountChange(db: Db, user: SessionUser | null, auditId: number): Promise<AccountChangeView | null> {
  requirePermission(user, "manage_accounts");
  if (!Number.isSafeInteger(auditId) || auditId <= 0) return null;
  const [row] = await queryRows<{ id: unknown; action: string; at: unknown; actor: string; details: unknown }>(
    db,
    sql`SELECT id, action, at, actor, details FROM audit_log WHERE id = ${auditId} AND action IN (${ACCOUNT_MERGE}, ${ACCOUNT_MOVE}, ${ACCOUNT_UNDO})`,
  );
  if (!row) return null;
  const action = row.action as AccountChangeView["action"];
  const [undo] = await queryRows<{ id: unknown; at: unknown; actor: string; details: unknown }>(
    db,
    sql`SELECT id, at, actor, details FROM audit_log WHERE action = ${ACCOUNT_UNDO} AND details->>'auditId' = ${String(auditId)} ORDER BY id LIMIT 1`,
  );
  const undoRefusal =
    action === ACCOUNT_UNDO
      ? "An undo cannot itself be undone; make the change again instead."
      : undo
        ? "This change has been undone already."
        : null;
  const parse = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
  return {
    auditId: Number(row.id),
    action,
    at: new Date(row.at as string).toISOString(),
    actor: row.actor,
    details: parse(row.details),
    undoRefusal,
    undo: undo
      ? { auditId: Number(undo.id), at: new Date(undo.at as string).toISOString(), actor: undo.actor, details: parse(undo.details) }
      : null,
  };
}
