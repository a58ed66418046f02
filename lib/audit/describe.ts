// Audit entries in words: the action's label and the details' changes ("role: agent → manager").
// Details are written by our own code, but they are shown to people and exported, so anything
// that could be a secret is redacted here once more, whatever the writer did.

import { formatDateTime } from "@/lib/dates";
import { countOf } from "@/lib/format/count";
import { formatMoney } from "@/lib/format/money";

export const REDACTED = "[redacted]";

const ACTION_LABELS: Record<string, string> = {
  "user.created": "User created",
  "user.role_changed": "Role changed",
  "user.deactivated": "User deactivated",
  "user.reactivated": "User reactivated",
  "user.password_reset": "Password reset",
  "user.password_changed": "Password chosen",
  "user.signed_in": "Signed in",
  "user.sign_in_failed": "Sign-in failed",
  "user.locked_out": "Locked out",
  "user.unlocked": "User unlocked",
  "address.locked_out": "Address locked out",
  "channel.created": "Channel created",
  "channel.updated": "Channel settings changed",
  "channel.deleted": "Channel deleted",
  "channel.connection_checked": "Connection checked",
  "sync.started": "Sync started",
  "sync.canceled": "Sync canceled",
  "sync.retried": "Failed records retried",
  "record.synced": "Record synced from Magento",
  "export.csv": "CSV export",
  "account.merge": "Accounts merged",
  "account.move": "Customer moved to another account",
  "account.undo": "Account change undone",
  "account.owner": "Account owner changed",
};

/** "user.role_changed" → "Role changed"; an action we have no label for reads "Cart converted". */
export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : action;
}

// Keys whose values are never shown (credentials, tokens, keys, passwords)…
const SECRET_KEY = /token|secret|password|passwd|credential|api[_-]?key|private|signature|authorization|cookie/i;
// …except these markers, which say what happened without the value.
const SAFE_MARKERS: Record<string, (value: unknown) => string | null> = {
  oneTimePassword: (v) => (v === "generated" ? "one-time password generated" : null),
  replacedOneTimePassword: (v) => (v === true ? "replaced a one-time password" : null),
  unlocked: (v) => (v === true ? "lockout lifted" : null),
  lockedUntil: (v) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? `locked until ${formatDateTime(v)}` : null),
};

/** A string that looks like a token or key (long, no spaces, letters and digits mixed). */
export function looksLikeSecret(value: string): boolean {
  if (/^bearer\s/i.test(value)) return true;
  if (value.length < 20 || /\s/.test(value) || /[@/]/.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) return false;
  return /^[A-Za-z0-9_\-.+=]+$/.test(value) && /[A-Za-z]/.test(value) && /\d/.test(value);
}

function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(none)";
  if (typeof value === "string") return looksLikeSecret(value) ? REDACTED : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length ? value.map(valueText).join(", ") : "(none)";
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return "(none)";
    if ("currency" in value) return amountsText(entries);
    return `{${entries.map(([k, v]) => `${fieldLabel(k)}: ${SECRET_KEY.test(k) ? REDACTED : valueText(v)}`).join(", ")}}`;
  }
  return REDACTED;
}

/**
 * Amounts written with their currency (a conversion's totals: `{ subtotal: 88, …, currency: "EUR" }`)
 * read as money, "subtotal €88.00, grand total €93.00", not as bare numbers beside a code.
 */
function amountsText(entries: [string, unknown][]): string {
  const code = entries.find(([k]) => k === "currency")?.[1];
  const currency = typeof code === "string" ? code : null;
  return entries
    .filter(([k]) => k !== "currency")
    .map(([k, v]) => {
      const amount =
        typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) ? formatMoney(String(v), currency) : valueText(v);
      return `${fieldLabel(k)} ${amount}`;
    })
    .join(", ");
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value as object).length === 0;
}

function isFromTo(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "from" in value && "to" in value;
}

function pair(label: string, from: unknown, to: unknown, secret: boolean): string {
  if (secret) return `${label}: replaced`;
  return `${label}: ${valueText(from)} → ${valueText(to)}`;
}

const FIRST_KEYS = ["changes", "name", "role", "reason", "oneTimePassword", "replacedOneTimePassword", "sessionsEnded"];

/** What an entry's details say, as short phrases ("role: agent → manager"). */
export function describeDetails(action: string, raw: unknown): string[] {
  let details: unknown = raw;
  if (typeof raw === "string") {
    try {
      details = JSON.parse(raw);
    } catch {
      return [looksLikeSecret(raw) ? REDACTED : raw];
    }
  }
  if (typeof details !== "object" || details === null || Array.isArray(details)) return [];
  const record = details as Record<string, unknown>;
  const accountChange = describeAccountChange(action, record);
  if (accountChange) return accountChange;
  const out: string[] = [];
  // A top-level from/to pair is the entry's one change: a role for user.role_changed.
  if ("from" in record && "to" in record) {
    out.push(pair(action === "user.role_changed" ? "role" : "value", record.from, record.to, false));
  }
  // Postgres keeps jsonb keys in its own order; these read best first, in this order.
  const rank = (key: string) => (FIRST_KEYS.includes(key) ? FIRST_KEYS.indexOf(key) : FIRST_KEYS.length);
  const entries = Object.entries(record).sort(([a], [b]) => rank(a) - rank(b));
  for (const [key, value] of entries) {
    if (key === "from" || key === "to") continue;
    // The user an entry is about is already named in the What column.
    if (key === "email" && action.startsWith("user.")) continue;
    const marker = SAFE_MARKERS[key]?.(value);
    if (marker) {
      out.push(marker);
      continue;
    }
    if (key === "sessionsEnded") {
      if (value === true) out.push("signed out everywhere");
      continue;
    }
    if (key === "changes" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [field, change] of Object.entries(value as Record<string, unknown>)) {
        const secret = SECRET_KEY.test(field);
        out.push(
          isFromTo(change)
            ? pair(fieldLabel(field), change.from, change.to, secret)
            : `${fieldLabel(field)}: ${secret ? REDACTED : valueText(change)}`,
        );
      }
      continue;
    }
    if (SECRET_KEY.test(key)) {
      // Credentials: say whether they were replaced and which fields, never the values.
      if (value === "unchanged") continue;
      const fields =
        typeof value === "object" && value !== null && Array.isArray((value as { fields?: unknown }).fields)
          ? ((value as { fields: unknown[] }).fields.filter((f) => typeof f === "string" && !looksLikeSecret(f)) as string[])
          : [];
      out.push(`${fieldLabel(key)}: replaced${fields.length ? ` (${fields.map(fieldLabel).join(", ")})` : ""}`);
      continue;
    }
    if (isFromTo(value)) {
      out.push(pair(fieldLabel(key), value.from, value.to, false));
      continue;
    }
    // Unset values (no search, no selection) say nothing worth a phrase.
    if (isEmpty(value)) continue;
    out.push(`${fieldLabel(key)}: ${valueText(value)}`);
  }
  return out;
}

const accountText = (value: unknown): string => {
  const ref = value as { id?: unknown; name?: unknown } | null;
  if (!ref || typeof ref !== "object") return "an account";
  const name = typeof ref.name === "string" ? valueText(ref.name) : "an account";
  return typeof ref.id === "number" ? `${name} (#${ref.id})` : name;
};
const listLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/** Merges, moves and their undos (lib/accounts/manage.ts) read as sentences, not as their ids. */
function describeAccountChange(action: string, d: Record<string, unknown>): string[] | null {
  if (action === "account.merge") {
    const out = [
      `${accountText(d.source)} merged into ${accountText(d.target)}`,
      `${countOf(listLength(d.customerIds), "customer")} and ${countOf(listLength(d.emails), "email")} moved`,
    ];
    if (listLength(d.repointedAccountIds))
      out.push(`${countOf(listLength(d.repointedAccountIds), "account")} merged into it before now point at the target`);
    return out;
  }
  if (action === "account.move") {
    const customer = d.customer as { name?: unknown; email?: unknown } | undefined;
    const who = typeof customer?.name === "string" ? valueText(customer.name) : "a customer";
    const guests = listLength(d.customerIds) - 1;
    const out = [`${who} moved from ${accountText(d.from)} to ${d.createdAccount === true ? "the new account " : ""}${accountText(d.to)}`];
    if (guests > 0) out.push(`with ${countOf(guests, "guest checkout")} merged into it`);
    if (listLength(d.emails)) out.push(`email ${strings(d.emails).join(", ")} now joins the new account`);
    return out;
  }
  if (action === "account.undo") {
    const what = d.undid === "account.merge" ? "merge" : "move";
    const out = [`undid ${what} entry #${valueText(d.auditId)}`];
    if (what === "merge") out.push(`${accountText(d.source)} restored with ${countOf(Number(d.customersBack) || 0, "customer")}`);
    else out.push(`back in ${accountText(d.from)}`);
    if (Number(d.customersLeft) > 0) out.push(`${countOf(Number(d.customersLeft), "customer")} moved on since and stayed`);
    if (d.removedAccount === true) out.push(`the account made for the move was removed`);
    return out;
  }
  return null;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** The cell of the audit grid's Changes column: `{ action, details }` as one line. */
export function describeAuditCell(raw: unknown): string {
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return "";
    }
  }
  if (typeof value !== "object" || value === null) return "";
  const { action, details } = value as { action?: unknown; details?: unknown };
  return describeDetails(typeof action === "string" ? action : "", details).join(" · ");
}
