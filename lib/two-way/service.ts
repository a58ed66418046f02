import type { Db } from "@/db/client";

// Two-way sync (issue 7 §4): portal edits of a customer, its newsletter subscription and
// "Register in Magento" go to Magento through the outbox. This module is the one entry point the
// UI uses; every function takes the Db first and, where it writes, the acting user. Permission
// (`edit_customers`) is checked by the caller's server action; these functions still refuse when
// the channel has two-way sync off. See docs/two-way-sync.md.

/** Magento: 0 n/a, 1 male, 2 female, 3 not specified. */
export type Gender = 0 | 1 | 2 | 3;

export interface AddressValues {
  /** Magento's address id; null = a new address. */
  id: number | null;
  firstname: string;
  lastname: string;
  street: string[];
  city: string;
  postcode: string;
  countryId: string;
  regionId: number | null;
  region: string | null;
  telephone: string;
  company: string | null;
  defaultBilling: boolean;
  defaultShipping: boolean;
}

export interface CustomerValues {
  firstname: string;
  lastname: string;
  email: string;
  groupOriginId: number | null;
  /** YYYY-MM-DD */
  dob: string | null;
  gender: Gender | null;
  addresses: AddressValues[];
}

export type CustomerField = "firstname" | "lastname" | "email" | "groupOriginId" | "dob" | "gender" | "addresses";

/** Who acts (the signed-in user). */
export interface Actor {
  userId: number;
  /** Shown in the audit log; read from the user when absent. */
  email?: string;
  ip?: string | null;
}

/** What the edit form needs: the current local values (= the base the edit is built on), a base token, and whether it may be edited. */
export interface CustomerEditView {
  customerId: number;
  channelId: number;
  channelName: string;
  values: CustomerValues;
  /** Opaque; encodes the base values the form was built on; round-tripped by the form. */
  baseToken: string;
  editable: boolean;
  readOnlyReason: string | null;
  /** Guest with an email, two-way on. */
  canRegister: boolean;
  subscribed: boolean | null;
  canChangeSubscription: boolean;
  subscriptionReason: string | null;
  groups: { originId: number; name: string }[];
}

export type WriteResult<T> = ({ ok: true } & T) | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

export type SubscriptionResult = WriteResult<{ queued: number[]; refused: { customerId: number; reason: string }[] }>;

export type PushKind = "customer.update" | "customer.subscription" | "customer.register";
export type PushStatus = "pending" | "in_progress" | "done" | "failed" | "dead" | "reverted";

/** Pending, failed-for-good and overridden pushes of one customer, newest first, for the customer page. */
export interface PushSummary {
  id: number;
  kind: PushKind;
  status: PushStatus;
  createdAt: string;
  createdBy: string | null;
  fields: CustomerField[] | null;
  attempts: number;
  nextAttemptAt: string | null;
  /** Magento's reason, verbatim-ish. */
  error: string | null;
  /** Magento-wins conflicts: both values as display text. */
  overridden: { field: CustomerField; yours: string; magento: string }[];
}

export type PushFailure = PushSummary & { customerId: number; customerName: string; channelId: number; channelName: string };

export async function loadCustomerEdit(db: Db, customerId: number): Promise<CustomerEditView | null> {
  void db;
  void customerId;
  return null;
}

/** Validates (zod), writes the local change + one outbox row in one transaction, then kicks the pusher (after commit). */
export async function requestCustomerEdit(
  db: Db, actor: Actor, input: { customerId: number; baseToken: string; values: CustomerValues },
): Promise<WriteResult<{ pushId: number; changedFields: CustomerField[] }>> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

export async function requestSubscription(db: Db, actor: Actor, input: { customerIds: number[]; subscribed: boolean }): Promise<SubscriptionResult> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

/** Subscribers grid rows map to customers via magento_newsletter_subscribers.customer_id; guests are refused with a reason. */
export async function requestSubscriptionForSubscribers(
  db: Db, actor: Actor, input: { subscriberIds: number[]; subscribed: boolean },
): Promise<SubscriptionResult> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

export async function requestRegistration(db: Db, actor: Actor, input: { customerId: number }): Promise<WriteResult<{ pushId: number }>> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

export async function customerPushState(db: Db, customerId: number): Promise<{ pending: PushSummary[]; failed: PushSummary[]; overridden: PushSummary[] }> {
  void db;
  void customerId;
  return { pending: [], failed: [], overridden: [] };
}

/** failed/dead → pending now. */
export async function retryPush(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<Record<never, never>>> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

/** Local values back to Magento's current (read back), row → reverted. */
export async function revertPush(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<Record<never, never>>> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

export async function dismissOverride(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<Record<never, never>>> {
  void db;
  void actor;
  void input;
  return { ok: false, error: "Not available yet." };
}

/** For Sync History: failed-for-good pushes per channel, newest first. */
export async function listPushFailures(db: Db, input: { channelId?: number; limit?: number }): Promise<PushFailure[]> {
  void db;
  void input;
  return [];
}
