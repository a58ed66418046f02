import { sql } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import type { ChannelRow } from "@/lib/sync/types";
import { idArray, recordset } from "@/lib/sync/write/upsert";

// Every customer row (registered or guest) belongs to one account, written with the row by the
// page that creates it (same transaction), and set only while the row has none: a later sync never changes an
// assignment, so a merge or move made by staff stays. The rules, first match wins:
//   1. an email some account already holds (account_emails: any channel, any website, guests too)
//      → that account;
//   2. a company (Magento B2B company id, else the default billing address's company) while the
//      channel groups customers by company → that company's account in this channel;
//   3. otherwise a personal account named after the customer.
// Accounts the sync creates carry a sync_key ("email:…", "company:…"), unique, so two pages running
// at once (a customers page and an orders page creating the guest) end in the same account.

// Customers and email claims point at accounts without foreign keys (a check per row a sync page
// inserts; migration 0030). What the keys' row locks did for deletion, one advisory lock does per
// transaction: every transaction that may write an account id takes it shared (a sync page with its
// settings, the after-sync assignment, staff's merges and moves), and deleting accounts someone else
// may pick takes it exclusively, so it waits until those writers committed and sees their rows.
const ACCOUNT_REFERENCES_LOCK = 0x41435246; // "ACRF"

/** Held by a transaction that may write account ids (shared: writers never wait for each other). */
export const holdAccountReferencesSql = sql`pg_advisory_xact_lock_shared(${ACCOUNT_REFERENCES_LOCK}::int, 0)`;

export async function holdAccountReferences(tx: DbTx): Promise<void> {
  await tx.execute(sql`SELECT ${holdAccountReferencesSql}`);
}

/** Before deleting accounts other transactions may have picked: waits for every writer of account ids. */
export async function lockAccountReferences(tx: DbTx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ACCOUNT_REFERENCES_LOCK}::int, 0)`);
}

/** What the assignment needs of one customer row; the row is found by origin_id or by guest_key. */
export interface AccountCandidate {
  originId?: number | null;
  guestKey?: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company?: string | null;
  /** Magento B2B: extension_attributes.company_attributes.company_id. */
  b2bCompanyId?: number | null;
}

type Target = { key: string; name: string; type: "person" | "company" };
type Pending = { ref: string; email: string; person: Target; company: Target | null };

const normalEmail = (email: string | null | undefined): string => (email ?? "").trim().toLowerCase();
const cleanCompany = (company: string | null | undefined): string | null => {
  const value = (company ?? "").replace(/\s+/g, " ").trim();
  return value.length > 0 ? value : null;
};
const isFallbackName = (name: string) => /^Company #\d+$/.test(name);

/** The name of a personal account: the customer's name, else the email, else Magento's id. */
export function personalAccountName(firstName: string | null, lastName: string | null, email: string | null, fallback: string): string {
  const name = [firstName, lastName]
    .map((part) => (part ?? "").trim())
    .filter(Boolean)
    .join(" ");
  return name || (email ?? "").trim() || fallback;
}

/** How a candidate is named in the maps below: by Magento id, or by guest key. */
const refOf = (candidate: AccountCandidate): string | null =>
  candidate.originId !== null && candidate.originId !== undefined
    ? `o:${candidate.originId}`
    : candidate.guestKey
      ? `g:${candidate.guestKey}`
      : null;

function pendingOf(channel: ChannelRow, candidate: AccountCandidate): Pending | null {
  const ref = refOf(candidate);
  if (!ref) return null;
  const email = normalEmail(candidate.email);
  const label = candidate.originId !== null && candidate.originId !== undefined ? `Customer #${candidate.originId}` : "Guest";
  const person: Target = {
    key: email ? `email:${email}` : `customer:${channel.id}:${ref}`,
    name: personalAccountName(candidate.firstName, candidate.lastName, candidate.email, label),
    type: "person",
  };
  return { ref, email, person, company: companyOf(channel, candidate) };
}

function companyOf(channel: ChannelRow, candidate: AccountCandidate): Target | null {
  if (!channel.groupByCompany) return null;
  const name = cleanCompany(candidate.company);
  const b2b = candidate.b2bCompanyId;
  if (b2b !== null && b2b !== undefined && Number.isSafeInteger(b2b)) {
    return { key: `company:${channel.id}:b2b:${b2b}`, name: name ?? `Company #${b2b}`, type: "company" };
  }
  return name ? { key: `company:${channel.id}:${name.toLowerCase()}`, name, type: "company" } : null;
}

/**
 * The account ids candidates are written with (ref → id), the accounts created for them, and
 * whether another page raced this one for a key or an email.
 */
export type ResolvedAccounts = { accountOf: Map<string, number>; created: number[]; contested: boolean };

/**
 * The accounts of a page's candidates, created where missing, for the page's writer to store with
 * new rows (an account_id written with the insert costs nothing more; set by a later UPDATE it
 * would rewrite every index of the row). Rows that have an account keep it (the writers only fill
 * a null), so an account created here for such a row holds nobody: call dropUnusedAccounts(created)
 * once the rows are written. When every email of the page is held already (incremental syncs) this
 * is one lookup.
 */
export async function resolveAccounts(tx: DbTx, channel: ChannelRow, candidates: readonly AccountCandidate[]): Promise<ResolvedAccounts> {
  const pending = candidates.flatMap((c) => pendingOf(channel, c) ?? []);
  if (pending.length === 0) return { accountOf: new Map(), created: [], contested: false };

  // 1. Emails an account already holds.
  const held = await emailAccounts(tx, [...new Set(pending.map((p) => p.email).filter(Boolean))]);

  // 2./3. The account each other candidate's email (or, without an email, the candidate itself)
  // starts. Candidates of one email share a target: the company one if any of them has a company.
  const targetOf = new Map<string, Target>();
  const groupOf = (p: Pending) => p.email || p.ref;
  for (const p of pending) {
    if (p.email && held.has(p.email)) continue;
    const group = groupOf(p);
    const current = targetOf.get(group);
    if (p.company && current?.type !== "company") targetOf.set(group, p.company);
    else if (!current) targetOf.set(group, p.person);
  }
  // One target per key; a B2B company seen without a billing company is named "Company #<id>" only
  // when nobody on the page names it.
  const byKey = new Map<string, Target>();
  for (const t of targetOf.values()) {
    const seen = byKey.get(t.key);
    if (!seen || (isFallbackName(seen.name) && !isFallbackName(t.name))) byKey.set(t.key, t);
  }
  const targets = [...byKey.values()];
  const created: number[] = [];
  const accountOfKey = new Map<string, number>();
  // What each new email claims: the account of its group's target.
  const claims = new Map<string, string>();
  for (const p of pending) {
    if (p.email && !held.has(p.email) && !claims.has(p.email)) claims.set(p.email, targetOf.get(groupOf(p))!.key);
  }
  let contested = false;
  if (targets.length > 0) {
    // One statement: the accounts (new, or there already: a company seen on an earlier page, a
    // person whose claim was dropped; one merged away by staff hands its newcomers on to the
    // account it went into), then the new emails' claims on them.
    const written = await queryRows<{ kind: string; name: string; id: unknown; inserted: unknown }>(
      tx,
      sql`
      WITH t AS (SELECT * FROM ${recordset(targets, "t", { key: "text", name: "text", type: "text" })}),
      ins AS (
        INSERT INTO accounts (name, type, sync_key, channel_id)
        SELECT t.name, t.type, t.key, CASE WHEN t.type = 'company' THEN ${channel.id}::bigint END FROM t
        -- DO NOTHING, not an update: an update would lock a popular company's row until this page
        -- commits, and every other page with one of its people would wait for it.
        ON CONFLICT (sync_key) DO NOTHING
        RETURNING id, sync_key, merged_into_id, true AS inserted
      ),
      known AS (
        SELECT sync_key, coalesce(merged_into_id, id) AS id, inserted FROM ins
        UNION ALL
        SELECT a.sync_key, coalesce(a.merged_into_id, a.id), false FROM accounts a
        WHERE a.sync_key IN (SELECT key FROM t) AND NOT EXISTS (SELECT 1 FROM ins WHERE ins.sync_key = a.sync_key)
      ),
      claimed AS (
        INSERT INTO account_emails (email, account_id)
        SELECT c.email, k.id FROM ${recordset(
          [...claims].map(([email, key]) => ({ email, key })),
          "c",
          { email: "text", key: "text" },
        )} JOIN known k ON k.sync_key = c.key
        ON CONFLICT (email) DO NOTHING
        RETURNING email, account_id
      )
      SELECT 'key' AS kind, sync_key AS name, id, inserted FROM known
      UNION ALL SELECT 'email', email, account_id, NULL FROM claimed`,
    );
    for (const row of written) {
      if (row.kind === "email") {
        held.set(row.name, Number(row.id));
        continue;
      }
      if (row.inserted === true || row.inserted === "t") created.push(Number(row.id));
      accountOfKey.set(row.name, Number(row.id));
    }
    // A B2B company first seen without a billing company ("Company #77") takes the name a colleague
    // brings (an update of that row alone, and only then).
    const named = targets.filter((t) => t.type === "company" && t.key.includes(":b2b:") && !isFallbackName(t.name));
    if (named.length > 0) {
      await tx.execute(sql`
        UPDATE accounts a SET name = t.name FROM ${recordset(named, "t", { key: "text", name: "text" })}
        WHERE a.sync_key = t.key AND a.name ~ '^Company #[0-9]+$'`);
    }
    // A key another page created while this statement waited for it is not in the statement's
    // snapshot: read it now, and claim its emails.
    const missing = targets.map((t) => t.key).filter((key) => !accountOfKey.has(key));
    if (missing.length > 0) {
      contested = true;
      const found = await queryRows<{ sync_key: string; id: unknown }>(
        tx,
        sql`
        SELECT a.sync_key, coalesce(a.merged_into_id, a.id) AS id FROM accounts a
        WHERE a.sync_key IN (SELECT jsonb_array_elements_text(${JSON.stringify(missing)}::jsonb))`,
      );
      for (const row of found) accountOfKey.set(row.sync_key, Number(row.id));
      const late = [...claims].flatMap(([email, key]) =>
        !held.has(email) && accountOfKey.has(key) ? [{ email, account_id: accountOfKey.get(key)! }] : [],
      );
      if (late.length > 0) {
        const claimed = await queryRows<{ email: string; account_id: unknown }>(
          tx,
          sql`
          INSERT INTO account_emails (email, account_id)
          SELECT c.email, c.account_id FROM ${recordset(late, "c", { email: "text", account_id: "bigint" })}
          ON CONFLICT (email) DO NOTHING
          RETURNING email, account_id`,
        );
        for (const row of claimed) held.set(row.email, Number(row.account_id));
      }
    }
    // Emails another page claimed first: its claim wins.
    const lost = [...claims.keys()].filter((email) => !held.has(email));
    if (lost.length > 0) {
      contested = true;
      for (const [email, account] of await emailAccounts(tx, lost)) held.set(email, account);
    }
  }

  const accountOf = new Map<string, number>();
  for (const p of pending) {
    const account = p.email ? held.get(p.email) : accountOfKey.get(targetOf.get(groupOf(p))?.key ?? "");
    if (account !== undefined) accountOf.set(p.ref, account);
  }
  return { accountOf, created, contested };
}

/** The account a candidate was resolved to, for its row (null: none, the after-sync sweep assigns it). */
export function accountIdFor(resolved: ResolvedAccounts, candidate: AccountCandidate): number | null {
  const ref = refOf(candidate);
  return ref === null ? null : (resolved.accountOf.get(ref) ?? null);
}

/**
 * Accounts this page created that hold nobody once its rows are written (the page lost a race for
 * an email, or the row it was for already had an account): they go, with their email claims.
 * Nothing to look for when every row was new and nobody raced the page (the initial sync).
 */
export async function dropUnusedAccounts(tx: DbTx, resolved: ResolvedAccounts, allRowsNew = false): Promise<void> {
  if (resolved.created.length === 0 || (allRowsNew && !resolved.contested)) return;
  await tx.execute(sql`
    DELETE FROM accounts a WHERE a.id = ANY(${idArray(resolved.created)})
      AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)`);
}

/**
 * Gives the candidates' existing customer rows that have no account yet their account (rows written
 * before accounts existed, or by a path other than a sync page). Returns how many were assigned.
 */
export async function assignAccounts(tx: DbTx, channel: ChannelRow, candidates: readonly AccountCandidate[]): Promise<number> {
  const resolved = await resolveAccounts(tx, channel, candidates);
  const assignments = candidates.flatMap((c) => {
    const account = accountIdFor(resolved, c);
    return account === null
      ? []
      : [{ origin_id: c.originId ?? null, guest_key: c.originId == null ? (c.guestKey ?? null) : null, account_id: account }];
  });
  let assigned = 0;
  if (assignments.length > 0) {
    const updated = await queryRows<{ id: unknown }>(
      tx,
      sql`
      UPDATE magento_customers c SET account_id = a.account_id
      FROM ${recordset(assignments, "a", { origin_id: "bigint", guest_key: "text", account_id: "bigint" })}
      WHERE c.channel_id = ${channel.id} AND c.account_id IS NULL
        AND (c.origin_id = a.origin_id OR (a.origin_id IS NULL AND c.guest_key = a.guest_key))
      RETURNING c.id`,
    );
    assigned = updated.length;
  }
  await dropUnusedAccounts(tx, resolved);
  return assigned;
}

/** email → the account holding it (following a merge to the account it went into). */
async function emailAccounts(tx: DbTx, emails: readonly string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await queryRows<{ email: string; id: unknown }>(
    tx,
    sql`
    SELECT e.email, coalesce(a.merged_into_id, a.id) AS id FROM account_emails e JOIN accounts a ON a.id = e.account_id
    WHERE e.email IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`,
  );
  return new Map(rows.map((row) => [row.email, Number(row.id)]));
}

/**
 * Customer rows of a channel still without an account (written before accounts existed, or by a
 * path other than a sync page): assigned in batches by the same rules, reading the company from the
 * default billing address. Returns how many were assigned.
 */
export async function assignUnassignedAccounts(tx: DbTx, channel: ChannelRow, batch = 2000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await queryRows<{
      origin_id: unknown;
      guest_key: string | null;
      email: string;
      first_name: string | null;
      last_name: string | null;
      company: string | null;
    }>(
      tx,
      sql`
      SELECT c.origin_id, c.guest_key, c.email, c.first_name, c.last_name,
        (SELECT a.company FROM magento_customer_addresses a WHERE a.customer_id = c.id AND a.is_default_billing LIMIT 1) AS company
      FROM magento_customers c WHERE c.channel_id = ${channel.id} AND c.account_id IS NULL
      ORDER BY c.id LIMIT ${batch}`,
    );
    if (rows.length === 0) return total;
    const assigned = await assignAccounts(
      tx,
      channel,
      rows.map((row) => ({
        originId: row.origin_id === null ? null : Number(row.origin_id),
        guestKey: row.guest_key,
        email: row.email,
        firstName: row.first_name,
        lastName: row.last_name,
        company: row.company,
      })),
    );
    total += assigned;
    // Nothing assignable left in this batch (should not happen): stop rather than loop.
    if (assigned === 0 || rows.length < batch) return total;
  }
}

/**
 * After a channel's customers are deleted: the accounts they were in that hold nobody now go (with
 * their email claims), except accounts merged away (an undo needs them) and accounts others were
 * merged into. Returns the accounts that are left, for their figures to be refreshed.
 */
export async function dropEmptiedAccounts(db: Db | DbTx, accountIds: readonly number[]): Promise<number[]> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return [];
  // A sync page of another channel may be assigning a customer with the same email to one of them.
  const dropped = await db.transaction(async (tx) => {
    await lockAccountReferences(tx);
    return queryRows<{ id: unknown }>(
      tx,
      sql`
      DELETE FROM accounts a WHERE a.id = ANY(${idArray(ids)}) AND a.merged_into_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM accounts m WHERE m.merged_into_id = a.id)
      RETURNING a.id`,
    );
  });
  const gone = new Set(dropped.map((row) => Number(row.id)));
  return ids.filter((id) => !gone.has(id));
}
