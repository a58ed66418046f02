import { sql } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import type { ChannelRow } from "@/lib/sync/types";
import { idArray, recordset } from "@/lib/sync/write/upsert";

// Every customer row (registered or guest) belongs to one account, assigned in the same
// transaction as the page that wrote it, and only while it has none: a later sync never changes an
// assignment, so a merge or move made by staff stays. The rules, first match wins:
//   1. an email some account already holds (account_emails: any channel, any website, guests too)
//      → that account;
//   2. a company (Magento B2B company id, else the default billing address's company) while the
//      channel groups customers by company → that company's account in this channel;
//   3. otherwise a personal account named after the customer.
// Accounts the sync creates carry a sync_key ("email:…", "company:…"), unique, so two pages running
// at once (a customers page and an orders page creating the guest) end in the same account.

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

type Pending = { id: number; email: string; name: string; companyKey: string | null; companyName: string | null };

const normalEmail = (email: string | null | undefined): string => (email ?? "").trim().toLowerCase();
const cleanCompany = (company: string | null | undefined): string | null => {
  const value = (company ?? "").replace(/\s+/g, " ").trim();
  return value.length > 0 ? value : null;
};

/** The name of a personal account: the customer's name, else the email, else the row id. */
export function personalAccountName(firstName: string | null, lastName: string | null, email: string | null, customerId: number): string {
  const name = [firstName, lastName]
    .map((part) => (part ?? "").trim())
    .filter(Boolean)
    .join(" ");
  return name || (email ?? "").trim() || `Customer #${customerId}`;
}

const isFallbackName = (name: string) => /^Company #\d+$/.test(name);

function companyOf(channel: ChannelRow, candidate: AccountCandidate): { key: string; name: string } | null {
  if (!channel.groupByCompany) return null;
  const name = cleanCompany(candidate.company);
  if (candidate.b2bCompanyId !== null && candidate.b2bCompanyId !== undefined && Number.isSafeInteger(candidate.b2bCompanyId)) {
    return { key: `company:${channel.id}:b2b:${candidate.b2bCompanyId}`, name: name ?? `Company #${candidate.b2bCompanyId}` };
  }
  return name ? { key: `company:${channel.id}:${name.toLowerCase()}`, name } : null;
}

/**
 * Gives the candidates' customer rows that have no account yet their account. Returns how many rows
 * were assigned. Costs one lookup when every row already has one (incremental syncs).
 */
export async function assignAccounts(tx: DbTx, channel: ChannelRow, candidates: readonly AccountCandidate[]): Promise<number> {
  if (candidates.length === 0) return 0;
  const byOrigin = new Map<number, AccountCandidate>();
  const byGuest = new Map<string, AccountCandidate>();
  for (const c of candidates) {
    if (c.originId !== null && c.originId !== undefined) byOrigin.set(c.originId, c);
    else if (c.guestKey) byGuest.set(c.guestKey, c);
  }
  const rows = await queryRows<{ id: unknown; origin_id: unknown; guest_key: string | null; email: string }>(
    tx,
    sql`
    SELECT c.id, c.origin_id, c.guest_key, c.email FROM magento_customers c
    WHERE c.channel_id = ${channel.id} AND c.account_id IS NULL
      AND (c.origin_id = ANY(${idArray([...byOrigin.keys()])})
        OR c.guest_key IN (SELECT jsonb_array_elements_text(${JSON.stringify([...byGuest.keys()])}::jsonb)))`,
  );
  if (rows.length === 0) return 0;
  const pending: Pending[] = rows.map((row) => {
    const candidate = row.origin_id !== null ? byOrigin.get(Number(row.origin_id)) : byGuest.get(row.guest_key ?? "");
    const id = Number(row.id);
    const company = candidate ? companyOf(channel, candidate) : null;
    return {
      id,
      email: normalEmail(row.email),
      name: personalAccountName(candidate?.firstName ?? null, candidate?.lastName ?? null, row.email, id),
      companyKey: company?.key ?? null,
      companyName: company?.name ?? null,
    };
  });
  return assignPending(tx, channel.id, pending);
}

async function assignPending(tx: DbTx, channelId: number, pending: Pending[]): Promise<number> {
  // 1. Emails an account already holds.
  const emails = [...new Set(pending.map((p) => p.email).filter(Boolean))];
  const held = await emailAccounts(tx, emails);

  // 2./3. The account each other row's email (or, without an email, the row itself) starts. Rows of
  // one email share a target: the company one if any of them has a company.
  const targetOf = new Map<string, { key: string; name: string; type: "person" | "company" }>();
  const groupKey = (p: Pending) => p.email || `row:${p.id}`;
  for (const p of pending) {
    if (p.email && held.has(p.email)) continue;
    const key = groupKey(p);
    const current = targetOf.get(key);
    if (p.companyKey && p.companyName && current?.type !== "company") {
      targetOf.set(key, { key: p.companyKey, name: p.companyName, type: "company" });
    } else if (!current) {
      targetOf.set(key, { key: p.email ? `email:${p.email}` : `customer:${p.id}`, name: p.name, type: "person" });
    }
  }
  // One target per key; a B2B company seen without a billing company is named "Company #<id>" only
  // when no colleague on the page names it.
  const byKey = new Map<string, { key: string; name: string; type: "person" | "company" }>();
  for (const t of targetOf.values()) {
    const seen = byKey.get(t.key);
    if (!seen || (isFallbackName(seen.name) && !isFallbackName(t.name))) byKey.set(t.key, t);
  }
  const targets = [...byKey.values()];
  const created: number[] = [];
  const accountOfKey = new Map<string, number>();
  if (targets.length > 0) {
    const inserted = await queryRows<{ id: unknown; inserted: unknown }>(
      tx,
      sql`
      INSERT INTO accounts (name, type, sync_key, channel_id)
      SELECT t.name, t.type, t.key, CASE WHEN t.type = 'company' THEN ${channelId}::bigint END
      FROM ${recordset(targets, "t", { key: "text", name: "text", type: "text" })}
      ON CONFLICT (sync_key) DO UPDATE SET name = excluded.name
        WHERE accounts.name ~ '^Company #[0-9]+$' AND excluded.name !~ '^Company #[0-9]+$'
      RETURNING id, (xmax = 0) AS inserted`,
    );
    created.push(...inserted.filter((row) => row.inserted === true || row.inserted === "t").map((row) => Number(row.id)));
    // An account merged away by staff hands its newcomers on to the account it was merged into.
    const found = await queryRows<{ sync_key: string; id: unknown }>(
      tx,
      sql`
      SELECT a.sync_key, coalesce(a.merged_into_id, a.id) AS id FROM accounts a
      WHERE a.sync_key IN (SELECT jsonb_array_elements_text(${JSON.stringify(targets.map((t) => t.key))}::jsonb))`,
    );
    for (const row of found) accountOfKey.set(row.sync_key, Number(row.id));
  }

  // The new emails join their account; where another page claimed an email first, its claim wins.
  const claims = pending.flatMap((p) => {
    if (!p.email || held.has(p.email)) return [];
    const account = accountOfKey.get(targetOf.get(groupKey(p))!.key);
    return account === undefined ? [] : [{ email: p.email, account_id: account }];
  });
  if (claims.length > 0) {
    const unique = [...new Map(claims.map((c) => [c.email, c])).values()];
    await tx.execute(sql`
      INSERT INTO account_emails (email, account_id)
      SELECT c.email, c.account_id FROM ${recordset(unique, "c", { email: "text", account_id: "bigint" })}
      ON CONFLICT (email) DO NOTHING`);
    for (const [email, account] of await emailAccounts(
      tx,
      unique.map((c) => c.email),
    ))
      held.set(email, account);
  }

  const assignments = pending.flatMap((p) => {
    const account = p.email ? held.get(p.email) : accountOfKey.get(targetOf.get(groupKey(p))?.key ?? "");
    return account === undefined ? [] : [{ id: p.id, account_id: account }];
  });
  if (assignments.length > 0) {
    await tx.execute(sql`
      UPDATE magento_customers c SET account_id = a.account_id
      FROM ${recordset(assignments, "a", { id: "bigint", account_id: "bigint" })}
      WHERE c.id = a.id AND c.account_id IS NULL`);
  }
  // An account this page created and lost a race for (its email went to another page's account)
  // holds nobody: it goes.
  if (created.length > 0) {
    await tx.execute(sql`
      DELETE FROM accounts a WHERE a.id = ANY(${idArray(created)})
        AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM account_emails e WHERE e.account_id = a.id)`);
  }
  return assignments.length;
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
