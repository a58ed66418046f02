import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbTx } from "@/db/client";
import {
  channels,
  magentoCarts,
  magentoCustomerGroups,
  magentoCustomers,
  magentoNewsletterSubscribers,
  magentoOrders,
  magentoStores,
  outbox,
  users,
} from "@/db/schema";
import { writeAudit, type Actor } from "@/lib/audit/log";
import { can } from "@/lib/auth/permissions";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { customerName } from "@/lib/customers/name";
import { createChannelClient } from "@/lib/sync/channel-client";
import type { ChannelRow } from "@/lib/sync/types";
import { kickPushes } from "./kick";
import {
  type CustomerRow,
  localValues,
  PUSH_KINDS,
  readUpdatePayload,
  recomputePending,
  scalarColumns,
  UNFINISHED,
  type UpdatePayload,
  writeReadback,
} from "./local";
import type {
  CustomerEditView,
  CustomerField,
  CustomerValues,
  PushFailure,
  PushKind,
  PushStatus,
  PushSummary,
  SubscriptionResult,
  WriteResult,
} from "./types";
import { customerValuesSchema, decodeBaseToken, displayValue, encodeBaseToken, fieldErrorsOf, sameField, CUSTOMER_FIELDS } from "./values";

// Two-way sync (issue 7 §4): portal edits of a customer, its newsletter subscription and
// "Register in Magento" go to Magento through the outbox. This module is the one entry point the
// UI uses; every function takes the Db first and, where it writes, the acting user. Permission
// (`edit_customers`) is checked by the caller's server action; these functions still refuse when
// the channel has two-way sync off. The reads pages show take the signed-in user and check its
// permission themselves (view_sales; Sync History's failures: run_syncs). See docs/two-way-sync.md.

export type {
  AddressValues,
  CustomerEditView,
  CustomerField,
  CustomerValues,
  Gender,
  PushFailure,
  PushKind,
  PushStatus,
  PushSummary,
  SubscriptionResult,
  WriteResult,
} from "./types";
export { runDuePushes, type RunDuePushesOptions, type RunDuePushesResult } from "./pusher";

type Empty = Record<never, never>;
type Fail = { ok: false; error: string; fieldErrors?: Record<string, string[]> };
const fail = (error: string, fieldErrors?: Record<string, string[]>): Fail => ({
  ok: false,
  error,
  ...(fieldErrors ? { fieldErrors } : {}),
});

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Why a channel's customers cannot be changed from the portal, or null when they can. */
function channelRefusal(channel: Pick<ChannelRow, "name" | "twoWaySync" | "active" | "deletingAt"> | undefined): string | null {
  if (!channel || channel.deletingAt) return "This customer's channel no longer exists.";
  if (!channel.twoWaySync) {
    return `Two-way sync is off for channel ${channel.name}: Magento is the only place to change this customer. An admin can turn it on in Integrations.`;
  }
  if (!channel.active) return `The channel ${channel.name} is inactive; activate it to send changes to its store.`;
  return null;
}

type ActingUser = { userId: number; email: string; ip: string | null };

/**
 * The acting user, re-read: gone, deactivated or without `edit_customers` is refused (defense in
 * depth), and so is a process with no user (only people edit customers).
 */
async function actingUser(db: Db, actor: Actor): Promise<ActingUser | Fail> {
  if (actor.userId === null) return fail("Your session has ended. Sign in again.");
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!user || !user.active) return fail("Your session has ended. Sign in again.");
  if (!can(user.role, "edit_customers")) return fail("Your role does not allow editing customers.");
  return { userId: user.id, email: actor.actor, ip: actor.ip ?? null };
}

const isFail = (v: unknown): v is Fail => typeof v === "object" && v !== null && (v as { ok?: unknown }).ok === false;

async function channelOf(db: Db | DbTx, channelId: number): Promise<ChannelRow | undefined> {
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId));
  return channel as ChannelRow | undefined;
}

/** Unfinished pushes of one kind for a customer, newest first. */
async function unfinishedPushes(db: Db | DbTx, customerId: number, kind: PushKind) {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.entityType, "customer"),
        eq(outbox.entityId, customerId),
        eq(outbox.kind, kind),
        inArray(outbox.status, [...UNFINISHED]),
      ),
    )
    .orderBy(desc(outbox.id));
}

/**
 * Queues a push of `kind` for a customer and returns its id. One waiting push per customer and
 * kind: when `waiting` names an unfinished row that is not under way, that row takes the new
 * payload and starts again from scratch (a failed one is tried again), or is withdrawn with
 * `waitingStatus: "reverted"` when the new payload leaves nothing to send; otherwise a new row is
 * inserted.
 */
async function queuePush(
  tx: DbTx,
  push: { kind: PushKind; channelId: number; customerId: number; payload: Record<string, unknown>; userId: number; now: Date },
  waiting: { id: number } | undefined,
  waitingStatus: "pending" | "reverted" = "pending",
): Promise<number> {
  if (waiting) {
    await tx
      .update(outbox)
      .set({
        payload: push.payload,
        status: waitingStatus,
        attempts: 0,
        nextAttemptAt: push.now,
        lockedUntil: null,
        lastError: null,
        updatedAt: push.now,
        createdByUserId: push.userId,
      })
      .where(eq(outbox.id, waiting.id));
    return waiting.id;
  }
  const [inserted] = await tx
    .insert(outbox)
    .values({
      channelId: push.channelId,
      kind: push.kind,
      idempotencyKey: `${push.kind}:${push.customerId}:${randomUUID()}`,
      entityType: "customer",
      entityId: push.customerId,
      payload: push.payload,
      createdByUserId: push.userId,
    })
    .returning({ id: outbox.id });
  return inserted!.id;
}

/** The local values with the newest unfinished edit laid over (addresses wait for the readback locally). */
async function shownValues(db: Db | DbTx, row: CustomerRow): Promise<CustomerValues> {
  const values = await localValues(db, row);
  const [latest] = await unfinishedPushes(db, row.id, "customer.update");
  const payload = latest ? readUpdatePayload(latest.payload) : null;
  if (!payload) return values;
  const out = { ...values };
  for (const field of payload.fields) (out as Record<CustomerField, unknown>)[field] = payload.values[field];
  return out;
}

// ── the edit form ─────────────────────────────────────────────────────────────────────────────

export async function loadCustomerEdit(db: Db, user: SessionUser | null, customerId: number): Promise<CustomerEditView | null> {
  requirePermission(user, "view_sales");
  const id = idSchema.safeParse(customerId);
  if (!id.success) return null;
  const [row] = await db.select().from(magentoCustomers).where(eq(magentoCustomers.id, id.data));
  if (!row) return null;
  const channel = await channelOf(db, row.channelId);
  const values = await shownValues(db, row);
  const groups = await db
    .select({ originId: magentoCustomerGroups.originId, name: magentoCustomerGroups.code })
    .from(magentoCustomerGroups)
    .where(
      and(
        eq(magentoCustomerGroups.channelId, row.channelId),
        isNull(magentoCustomerGroups.removedAt),
        sql`${magentoCustomerGroups.originId} <> 0`,
      ),
    )
    .orderBy(magentoCustomerGroups.originId);
  const refusal = channelRefusal(channel);
  const registering = row.isGuest
    ? (
        await db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(
              eq(outbox.entityType, "customer"),
              eq(outbox.entityId, row.id),
              eq(outbox.kind, "customer.register"),
              inArray(outbox.status, ["pending", "in_progress"]),
            ),
          )
          .limit(1)
      ).length > 0
    : false;
  let readOnlyReason: string | null = refusal;
  if (!readOnlyReason && row.removedAt) readOnlyReason = "This customer was deleted in Magento; there is nothing left to change.";
  if (!readOnlyReason && row.isGuest) {
    readOnlyReason = row.mergedIntoId
      ? "This guest has since registered: edit the registered customer instead."
      : registering
        ? "Guest: the registration in Magento is under way."
        : "Guest: register in Magento first.";
  }
  const subscriptionReason =
    refusal ??
    (row.removedAt
      ? "This customer was deleted in Magento."
      : row.isGuest
        ? "Guests have no Magento account: register them in Magento first."
        : null);
  return {
    customerId: row.id,
    channelId: row.channelId,
    channelName: channel?.name ?? "",
    values,
    baseToken: encodeBaseToken(row.id, values),
    editable: readOnlyReason === null,
    readOnlyReason,
    canRegister: refusal === null && row.isGuest && !row.mergedIntoId && !row.removedAt && Boolean(row.email) && !registering,
    subscribed: row.isSubscribed,
    canChangeSubscription: subscriptionReason === null,
    subscriptionReason,
    groups: groups.map((g) => ({ originId: g.originId, name: g.name })),
    pendingFields: row.pendingFields as CustomerEditView["pendingFields"],
    registeredCustomerId: row.mergedIntoId,
  };
}

// ── edit ──────────────────────────────────────────────────────────────────────────────────────

/** The form's base failed its signature: altered in the browser, another customer's, or from before AUTH_SECRET changed. */
export const FORM_NOT_VERIFIED =
  "This form could not be verified: it was changed outside the portal or is too old. Nothing was saved; reload the page and make your change again.";

const editInputSchema = z.object({ customerId: idSchema, baseToken: z.string().min(1).max(200_000), values: z.unknown() });

/** Validates (zod), writes the local change + one outbox row in one transaction, then kicks the pusher (after commit). */
export async function requestCustomerEdit(
  db: Db,
  actor: Actor,
  input: { customerId: number; baseToken: string; values: CustomerValues },
): Promise<WriteResult<{ pushId: number; changedFields: CustomerField[] }>> {
  const user = await actingUser(db, actor);
  if (isFail(user)) return user;
  const outer = editInputSchema.safeParse(input);
  if (!outer.success) return fail("This form has expired; reload the page.");
  const parsed = customerValuesSchema.safeParse(outer.data.values);
  if (!parsed.success) return fail("Please correct the highlighted fields.", fieldErrorsOf(parsed.error));
  const values: CustomerValues = parsed.data;
  const customerId = outer.data.customerId;
  const tokenBase = decodeBaseToken(outer.data.baseToken, customerId);
  if (!tokenBase) return fail(FORM_NOT_VERIFIED);

  type Done = { pushId: number; changedFields: CustomerField[]; channelId: number; queued: boolean };
  const outcome = await db.transaction(async (tx): Promise<Done | Fail> => {
    // The row lock orders concurrent edits of one customer (two users, a double submit).
    const [row] = await tx.select().from(magentoCustomers).where(eq(magentoCustomers.id, customerId)).for("update");
    if (!row) return fail("This customer is no longer in the portal.");
    const channel = await channelOf(tx, row.channelId);
    const refusal = channelRefusal(channel);
    if (refusal) return fail(refusal);
    if (row.isGuest || row.originId === null) return fail("Guests have no Magento account: register the customer in Magento first.");
    if (row.removedAt) return fail("This customer was deleted in Magento; there is nothing left to change.");

    const unfinished = await unfinishedPushes(tx, row.id, "customer.update");
    const inProgress = unfinished.find((r) => r.status === "in_progress");
    const mergeable = unfinished.find((r) => r.status !== "in_progress");
    const mergePayload = mergeable ? readUpdatePayload(mergeable.payload) : null;
    const progressPayload = inProgress ? readUpdatePayload(inProgress.payload) : null;
    // The base per field: what Magento had when the change now waiting was made, or what it will
    // have once the push under way lands; otherwise what the form was built on.
    const base: CustomerValues = { ...tokenBase };
    const setBase = (field: CustomerField, from: CustomerValues) => ((base as Record<CustomerField, unknown>)[field] = from[field]);
    for (const f of progressPayload?.fields ?? []) setBase(f, progressPayload!.values);
    for (const f of mergePayload?.fields ?? []) setBase(f, mergePayload!.base);
    const changed = CUSTOMER_FIELDS.filter((f) => !sameField(base, values, f));

    if (changed.includes("groupOriginId") && values.groupOriginId !== null) {
      const [group] = await tx
        .select({ id: magentoCustomerGroups.id })
        .from(magentoCustomerGroups)
        .where(and(eq(magentoCustomerGroups.channelId, row.channelId), eq(magentoCustomerGroups.originId, values.groupOriginId)));
      if (!group || values.groupOriginId === 0)
        return fail("Please correct the highlighted fields.", { groupOriginId: ["Choose one of the channel's customer groups."] });
    }
    if (changed.length === 0 && !mergeable) return fail("Nothing to save: no field differs from Magento's values.");

    // Local columns: every changed field, and waiting fields the user set back to Magento's value.
    const written = [...new Set([...changed, ...(mergePayload?.fields ?? [])])];
    const now = new Date();
    await tx
      .update(magentoCustomers)
      .set({ ...scalarColumns(values, written), portalUpdatedAt: now })
      .where(eq(magentoCustomers.id, row.id));

    const payload: UpdatePayload = { customerOriginId: row.originId, base, values, fields: changed };
    // One waiting change per customer: a new edit (or a double submit) replaces it, and a failed one is tried again.
    const pushId = await queuePush(
      tx,
      { kind: "customer.update", channelId: row.channelId, customerId: row.id, payload: { ...payload }, userId: user.userId, now },
      mergeable,
      changed.length === 0 ? "reverted" : "pending",
    );
    await recomputePending(tx, row.id);
    await writeAudit(tx, {
      userId: user.userId,
      actor: user.email,
      action: "customer.edited",
      entityType: "customer",
      entityId: row.id,
      channelId: row.channelId,
      ip: user.ip,
      details: {
        pushId,
        fields: changed,
        changes: Object.fromEntries(changed.map((f) => [f, { from: displayValue(base, f), to: displayValue(values, f) }])),
      },
    });
    return { pushId, changedFields: changed, channelId: row.channelId, queued: changed.length > 0 };
  });
  if (isFail(outcome)) return outcome;
  if (outcome.queued) await kickPushes(db, outcome.channelId);
  return { ok: true, pushId: outcome.pushId, changedFields: outcome.changedFields };
}

// ── subscription ──────────────────────────────────────────────────────────────────────────────

const subscriptionInputSchema = z.object({
  customerIds: z.array(idSchema).min(1, "Choose at least one customer.").max(500, "At most 500 customers at once."),
  subscribed: z.boolean(),
});

export async function requestSubscription(
  db: Db,
  actor: Actor,
  input: { customerIds: number[]; subscribed: boolean },
): Promise<SubscriptionResult> {
  const user = await actingUser(db, actor);
  if (isFail(user)) return user;
  const parsed = subscriptionInputSchema.safeParse(input);
  if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? "Invalid request.", fieldErrorsOf(parsed.error));
  return queueSubscriptions(db, user, [...new Set(parsed.data.customerIds)], parsed.data.subscribed, []);
}

const subscriberInputSchema = z.object({
  subscriberIds: z.array(idSchema).min(1, "Choose at least one subscriber.").max(500, "At most 500 subscribers at once."),
  subscribed: z.boolean(),
});

/** Subscribers grid rows map to customers via magento_newsletter_subscribers.customer_id; guests are refused with a reason. */
export async function requestSubscriptionForSubscribers(
  db: Db,
  actor: Actor,
  input: { subscriberIds: number[]; subscribed: boolean },
): Promise<SubscriptionResult> {
  const user = await actingUser(db, actor);
  if (isFail(user)) return user;
  const parsed = subscriberInputSchema.safeParse(input);
  if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? "Invalid request.", fieldErrorsOf(parsed.error));
  const ids = [...new Set(parsed.data.subscriberIds)];
  const rows = await db
    .select({ id: magentoNewsletterSubscribers.id, customerId: magentoNewsletterSubscribers.customerId })
    .from(magentoNewsletterSubscribers)
    .where(inArray(magentoNewsletterSubscribers.id, ids));
  const refused: { customerId: number; subscriberId?: number; reason: string }[] = [];
  const customerIds: number[] = [];
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (!row) refused.push({ customerId: 0, subscriberId: id, reason: "This subscriber is no longer in the portal." });
    else if (row.customerId === null)
      refused.push({ customerId: 0, subscriberId: id, reason: "Guest subscriber: there is no Magento customer account to change." });
    else customerIds.push(row.customerId);
  }
  return queueSubscriptions(db, user, [...new Set(customerIds)], parsed.data.subscribed, refused);
}

async function queueSubscriptions(
  db: Db,
  user: ActingUser,
  customerIds: number[],
  subscribed: boolean,
  refused: { customerId: number; subscriberId?: number; reason: string }[],
): Promise<SubscriptionResult> {
  const queued: number[] = [];
  const kickChannels = new Set<number>();
  await db.transaction(async (tx) => {
    const rows = customerIds.length
      ? await tx.select().from(magentoCustomers).where(inArray(magentoCustomers.id, customerIds)).orderBy(magentoCustomers.id).for("update")
      : [];
    const channelCache = new Map<number, ChannelRow | undefined>();
    for (const customerId of customerIds) {
      const row = rows.find((r) => r.id === customerId);
      if (!row) {
        refused.push({ customerId, reason: "This customer is no longer in the portal." });
        continue;
      }
      if (!channelCache.has(row.channelId)) channelCache.set(row.channelId, await channelOf(tx, row.channelId));
      const refusal = channelRefusal(channelCache.get(row.channelId));
      const reason =
        refusal ??
        (row.isGuest || row.originId === null ? "Guests have no Magento account: register them in Magento first." : null) ??
        (row.removedAt ? "This customer was deleted in Magento." : null);
      if (reason) {
        refused.push({ customerId, reason });
        continue;
      }
      const waiting = await unfinishedPushes(tx, row.id, "customer.subscription");
      const mergeable = waiting.find((r) => r.status !== "in_progress");
      if (!mergeable && waiting.length === 0 && row.isSubscribed === subscribed) {
        refused.push({ customerId, reason: subscribed ? "Already subscribed." : "Already not subscribed." });
        continue;
      }
      const now = new Date();
      // The waiting change keeps the base it was made on.
      const payload = {
        customerOriginId: row.originId,
        subscribed,
        base: mergeable ? (mergeable.payload.base ?? row.isSubscribed) : row.isSubscribed,
      };
      const pushId = await queuePush(
        tx,
        { kind: "customer.subscription", channelId: row.channelId, customerId: row.id, payload, userId: user.userId, now },
        mergeable,
      );
      await tx.update(magentoCustomers).set({ isSubscribed: subscribed, portalUpdatedAt: now }).where(eq(magentoCustomers.id, row.id));
      await tx
        .update(magentoNewsletterSubscribers)
        .set({ status: subscribed ? "subscribed" : "unsubscribed", portalUpdatedAt: now })
        .where(eq(magentoNewsletterSubscribers.customerId, row.id));
      await recomputePending(tx, row.id);
      await writeAudit(tx, {
        userId: user.userId,
        actor: user.email,
        action: subscribed ? "customer.subscribed" : "customer.unsubscribed",
        entityType: "customer",
        entityId: row.id,
        channelId: row.channelId,
        ip: user.ip,
        details: { pushId, from: row.isSubscribed, to: subscribed },
      });
      queued.push(row.id);
      kickChannels.add(row.channelId);
    }
  });
  for (const channelId of kickChannels) await kickPushes(db, channelId);
  return { ok: true, queued, refused };
}

// ── registration ──────────────────────────────────────────────────────────────────────────────

export async function requestRegistration(db: Db, actor: Actor, input: { customerId: number }): Promise<WriteResult<{ pushId: number }>> {
  const user = await actingUser(db, actor);
  if (isFail(user)) return user;
  const parsed = z.object({ customerId: idSchema }).safeParse(input);
  if (!parsed.success) return fail("Invalid request.");
  const outcome = await db.transaction(async (tx): Promise<{ pushId: number; channelId: number; fresh: boolean } | Fail> => {
    const [row] = await tx.select().from(magentoCustomers).where(eq(magentoCustomers.id, parsed.data.customerId)).for("update");
    if (!row) return fail("This customer is no longer in the portal.");
    const channel = await channelOf(tx, row.channelId);
    const refusal = channelRefusal(channel);
    if (refusal) return fail(refusal);
    if (!row.isGuest) return fail("This customer already has a Magento account.");
    if (row.mergedIntoId) return fail("This guest has since registered; open the registered customer.");
    if (!row.email) return fail("This guest has no email address; Magento needs one to register a customer.");
    const [earlier] = await unfinishedPushes(tx, row.id, "customer.register");
    // A double click is the same registration; one that failed is sent again.
    if (earlier && (earlier.status === "pending" || earlier.status === "in_progress")) {
      return { pushId: earlier.id, channelId: row.channelId, fresh: false };
    }
    const fieldErrors: Record<string, string[]> = {};
    if (!row.firstName?.trim()) fieldErrors.firstname = ["Magento needs a first name; none is known for this guest."];
    if (!row.lastName?.trim()) fieldErrors.lastname = ["Magento needs a last name; none is known for this guest."];
    if (Object.keys(fieldErrors).length) return fail("Magento needs the guest's first and last name.", fieldErrors);
    const scope = await guestScope(tx, row, channel!);
    const values: CustomerValues = { ...(await localValues(tx, row)), groupOriginId: null, dob: null, gender: null };
    const pushId = await queuePush(
      tx,
      {
        kind: "customer.register",
        channelId: row.channelId,
        customerId: row.id,
        payload: { values, ...scope },
        userId: user.userId,
        now: new Date(),
      },
      earlier,
    );
    await writeAudit(tx, {
      userId: user.userId,
      actor: user.email,
      action: "customer.registration_requested",
      entityType: "customer",
      entityId: row.id,
      channelId: row.channelId,
      ip: user.ip,
      details: { pushId, email: row.email, ...scope },
    });
    return { pushId, channelId: row.channelId, fresh: true };
  });
  if (isFail(outcome)) return outcome;
  if (outcome.fresh) await kickPushes(db, outcome.channelId);
  return { ok: true, pushId: outcome.pushId };
}

/** The website and store a guest shopped in (newest order, else newest cart); the channel's only website otherwise. */
async function guestScope(
  tx: DbTx,
  row: CustomerRow,
  channel: ChannelRow,
): Promise<{ websiteOriginId: number | null; storeOriginId: number | null }> {
  const [order] = await tx
    .select({ store: magentoOrders.storeOriginId })
    .from(magentoOrders)
    .where(and(eq(magentoOrders.customerId, row.id), sql`${magentoOrders.storeOriginId} IS NOT NULL`))
    .orderBy(desc(magentoOrders.id))
    .limit(1);
  const [cart] = order
    ? []
    : await tx
        .select({ store: magentoCarts.storeOriginId })
        .from(magentoCarts)
        .where(and(eq(magentoCarts.customerId, row.id), sql`${magentoCarts.storeOriginId} IS NOT NULL`))
        .orderBy(desc(magentoCarts.id))
        .limit(1);
  const storeOriginId = order?.store ?? cart?.store ?? null;
  if (storeOriginId !== null) {
    const [store] = await tx
      .select({ website: magentoStores.websiteOriginId })
      .from(magentoStores)
      .where(and(eq(magentoStores.channelId, channel.id), eq(magentoStores.originId, storeOriginId)));
    return { websiteOriginId: store?.website ?? null, storeOriginId };
  }
  const only = channel.websiteOriginIds?.length === 1 ? channel.websiteOriginIds[0]! : null;
  return { websiteOriginId: only, storeOriginId: null };
}

// ── state, retry, revert, dismiss ─────────────────────────────────────────────────────────────

type OutboxRow = typeof outbox.$inferSelect;

function summary(row: OutboxRow, createdBy: string | null): PushSummary {
  const fields = row.kind === "customer.update" && Array.isArray(row.payload.fields) ? (row.payload.fields as CustomerField[]) : null;
  const overridden = Array.isArray(row.result?.overridden) ? (row.result.overridden as PushSummary["overridden"]) : [];
  return {
    id: row.id,
    kind: row.kind as PushKind,
    status: row.status as PushStatus,
    createdAt: row.createdAt.toISOString(),
    createdBy,
    fields,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    error: row.lastError,
    overridden,
  };
}

/** Pending, failed-for-good and overridden pushes of one customer, newest first, for the customer page. */
export async function customerPushState(
  db: Db,
  user: SessionUser | null,
  customerId: number,
): Promise<{ pending: PushSummary[]; failed: PushSummary[]; overridden: PushSummary[] }> {
  requirePermission(user, "view_sales");
  const id = idSchema.safeParse(customerId);
  if (!id.success) return { pending: [], failed: [], overridden: [] };
  const rows = await db
    .select({ push: outbox, createdBy: users.email })
    .from(outbox)
    .leftJoin(users, eq(users.id, outbox.createdByUserId))
    .where(and(eq(outbox.entityType, "customer"), eq(outbox.entityId, id.data), inArray(outbox.kind, [...PUSH_KINDS])))
    .orderBy(desc(outbox.id));
  const all = rows.map((r) => ({ row: r.push, summary: summary(r.push, r.createdBy) }));
  return {
    pending: all.filter((r) => r.row.status === "pending" || r.row.status === "in_progress").map((r) => r.summary),
    failed: all.filter((r) => r.row.status === "failed" || r.row.status === "dead").map((r) => r.summary),
    overridden: all
      .filter((r) => r.row.status === "done" && r.summary.overridden.length > 0 && !r.row.overrideDismissedAt)
      .map((r) => r.summary),
  };
}

async function pushRow(db: Db, pushId: number): Promise<OutboxRow | undefined> {
  const [row] = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, pushId), inArray(outbox.kind, [...PUSH_KINDS])));
  return row;
}

/** The acting user (re-checked) and the push a retry / revert / dismiss names (row null when gone). */
async function actorAndPush(db: Db, actor: Actor, input: { pushId: number }) {
  const user = await actingUser(db, actor);
  if (isFail(user)) return user;
  const parsed = z.object({ pushId: idSchema }).safeParse(input);
  if (!parsed.success) return fail("Invalid request.");
  return { user, row: await pushRow(db, parsed.data.pushId) };
}

/** failed/dead → pending now. */
export async function retryPush(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<Empty>> {
  const found = await actorAndPush(db, actor, input);
  if (isFail(found)) return found;
  const { user, row } = found;
  if (!row) return fail("This change is no longer in the portal.");
  const refusal = channelRefusal(await channelOf(db, row.channelId));
  if (refusal) return fail(refusal);
  const done = await db.transaction(async (tx) => {
    const updated = await tx
      .update(outbox)
      .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, lastError: null, updatedAt: new Date() })
      .where(and(eq(outbox.id, row.id), inArray(outbox.status, ["failed", "dead"])))
      .returning({ id: outbox.id });
    if (updated.length === 0) return false;
    await writeAudit(tx, {
      userId: user.userId,
      actor: user.email,
      action: "customer.push_retried",
      entityType: "customer",
      entityId: row.entityId ?? undefined,
      channelId: row.channelId,
      ip: user.ip,
      details: { pushId: row.id, kind: row.kind, lastError: row.lastError },
    });
    return true;
  });
  if (!done) return fail("Only a change that failed can be retried.");
  await kickPushes(db, row.channelId);
  return { ok: true };
}

/** Local values back to Magento's current (read back), row → reverted. */
export async function revertPush(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<{ message?: string }>> {
  const found = await actorAndPush(db, actor, input);
  if (isFail(found)) return found;
  const { user, row } = found;
  if (!row) return fail("This change is no longer in the portal.");
  const now = new Date();
  // A claim that lapsed (its pusher died) may be withdrawn too; a live one is being sent right now.
  const live = row.status === "in_progress" && row.lockedUntil !== null && row.lockedUntil > now;
  if (live) return fail("This change is being sent to Magento right now; try again in a moment.");
  const reverted = await db.transaction(async (tx) => {
    const updated = await tx
      .update(outbox)
      .set({ status: "reverted", lockedUntil: null, updatedAt: now })
      .where(
        and(
          eq(outbox.id, row.id),
          or(inArray(outbox.status, ["pending", "failed", "dead"]), and(eq(outbox.status, "in_progress"), lt(outbox.lockedUntil, now))),
        ),
      )
      .returning({ id: outbox.id });
    if (updated.length === 0) return false;
    if (row.entityId !== null) await recomputePending(tx, row.entityId);
    await writeAudit(tx, {
      userId: user.userId,
      actor: user.email,
      action: "customer.push_reverted",
      entityType: "customer",
      entityId: row.entityId ?? undefined,
      channelId: row.channelId,
      ip: user.ip,
      details: { pushId: row.id, kind: row.kind, fields: row.payload.fields ?? null, lastError: row.lastError },
    });
    return true;
  });
  if (!reverted) return fail("Only a change that is waiting or failed can be reverted.");
  // Magento's current record becomes the local one (its fields are no longer pending).
  const [customer] = row.entityId === null ? [] : await db.select().from(magentoCustomers).where(eq(magentoCustomers.id, row.entityId));
  const channel = await channelOf(db, row.channelId);
  if (customer?.originId != null && channel && row.kind !== "customer.register") {
    try {
      const current = await createChannelClient(channel).getCustomer(customer.originId);
      await db.transaction((tx) => writeReadback(tx, db, channel, current));
    } catch {
      return { ok: true, message: "Reverted. Magento did not answer just now; the portal shows Magento's values after the next sync." };
    }
  }
  return { ok: true };
}

export async function dismissOverride(db: Db, actor: Actor, input: { pushId: number }): Promise<WriteResult<Empty>> {
  const found = await actorAndPush(db, actor, input);
  if (isFail(found)) return found;
  const { user, row } = found;
  if (!row || row.status !== "done") return fail("This change is no longer shown.");
  await db.transaction(async (tx) => {
    await tx.update(outbox).set({ overrideDismissedAt: new Date(), updatedAt: new Date() }).where(eq(outbox.id, row.id));
    await writeAudit(tx, {
      userId: user.userId,
      actor: user.email,
      action: "customer.override_dismissed",
      entityType: "customer",
      entityId: row.entityId ?? undefined,
      channelId: row.channelId,
      ip: user.ip,
      details: { pushId: row.id },
    });
  });
  return { ok: true };
}

// ── Sync History ──────────────────────────────────────────────────────────────────────────────

/** For Sync History: failed-for-good pushes per channel, newest first. */
export async function listPushFailures(
  db: Db,
  user: SessionUser | null,
  input: { channelId?: number; limit?: number },
): Promise<PushFailure[]> {
  requirePermission(user, "run_syncs");
  const limit = Math.max(1, Math.min(Math.trunc(input.limit ?? 50) || 50, 500));
  const rows = await db
    .select({ push: outbox, createdBy: users.email, customer: magentoCustomers, channelName: channels.name })
    .from(outbox)
    .innerJoin(channels, eq(channels.id, outbox.channelId))
    .innerJoin(magentoCustomers, eq(magentoCustomers.id, outbox.entityId))
    .leftJoin(users, eq(users.id, outbox.createdByUserId))
    .where(
      and(
        eq(outbox.entityType, "customer"),
        inArray(outbox.kind, [...PUSH_KINDS]),
        inArray(outbox.status, ["failed", "dead"]),
        input.channelId === undefined ? undefined : eq(outbox.channelId, input.channelId),
      ),
    )
    .orderBy(desc(outbox.updatedAt), desc(outbox.id))
    .limit(limit);
  return rows.map((r) => ({
    ...summary(r.push, r.createdBy),
    customerId: r.customer.id,
    customerName: customerName({ firstName: r.customer.firstName, lastName: r.customer.lastName, email: r.customer.email }),
    channelId: r.push.channelId,
    channelName: r.channelName,
  }));
}

/** Pushes waiting and failed per channel (Sync History's counts). */
export async function pushCounts(
  db: Db,
  input: { channelId?: number } = {},
): Promise<{ channelId: number; waiting: number; failed: number }[]> {
  const rows = await db
    .select({
      channelId: outbox.channelId,
      waiting: sql<number>`count(*) filter (where ${outbox.status} in ('pending', 'in_progress'))::int`,
      failed: sql<number>`count(*) filter (where ${outbox.status} in ('failed', 'dead'))::int`,
    })
    .from(outbox)
    .where(
      and(
        eq(outbox.entityType, "customer"),
        inArray(outbox.kind, [...PUSH_KINDS]),
        input.channelId === undefined ? undefined : eq(outbox.channelId, input.channelId),
      ),
    )
    .groupBy(outbox.channelId);
  return rows.map((r) => ({ channelId: r.channelId, waiting: Number(r.waiting), failed: Number(r.failed) }));
}
