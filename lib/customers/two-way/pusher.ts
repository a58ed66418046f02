import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoCustomers, outbox } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import type { MagentoClient } from "@/lib/magento/client";
import { MagentoHttpError, MagentoNetworkError, MagentoResponseError, MagentoSchemaError } from "@/lib/magento/errors";
import type { MagentoCustomer } from "@/lib/magento/schemas/customer";
import { withSubscription } from "@/lib/magento/newsletter";
import { createChannelClient } from "@/lib/sync/channel-client";
import type { ChannelRow } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { type CustomerRow, PUSH_KINDS, readRegisterPayload, readUpdatePayload, recomputePending, writeReadback } from "./local";
import type { CustomerField, CustomerValues } from "./types";
import { applyToWire, displayValue, newCustomerWire, type RegionLookup, sameField, valuesFromWire } from "./values";
import { safeErrorMessage } from "@/db/errors";

// The pusher: takes due two-way pushes from the outbox and sends them to Magento, one at a time
// per customer (a PUT replaces the whole customer, so two at once would undo each other).
// Each push reads the customer first (GET), resolves conflicts field by field against the base
// the edit was made on, PUTs the whole record with the winning fields, then confirms by reading it
// back and writes that record locally as a sync would. Transient failures (network, 5xx, 429,
// timeouts) wait with exponential backoff; Magento's refusals (4xx) are final ("dead") until the
// user retries, edits or reverts. The Inngest function and the in-process runner both call
// runDuePushes; the outbox claim (FOR UPDATE SKIP LOCKED) keeps them from doing a push twice.

export type ClientFactory = (channel: ChannelRow) => MagentoClient;

export interface RunDuePushesOptions {
  channelId?: number;
  /** Pushes taken in this call (default 50). */
  limit?: number;
  /** Default: the channel's client without transport retries (the outbox retries, with its backoff). */
  client?: ClientFactory;
  /**
   * Tests move the clock to make a backed-off push due (read at each claim; default the current
   * time then). Claims are locked in the database's time, never this clock.
   */
  now?: Date;
}

export interface RunDuePushesResult {
  claimed: number;
  done: number;
  retrying: number;
  dead: number;
  failed: number;
}

/** Attempts before a transient failure is given up on (status failed, shown like dead). */
export const MAX_ATTEMPTS = 8;
const LOCK_MS = 120_000;
const BASE_DELAY_MS = 15_000;
const MAX_DELAY_MS = 30 * 60_000;

/** Wait before attempt n+1 after n failed attempts: 15 s, 30 s, 1 min … capped at 30 min, ±20 %. */
export function pushBackoffMs(attempts: number, random: () => number = Math.random): number {
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(cap * (0.8 + 0.4 * random()));
}

export const pushClient: ClientFactory = (channel) => createChannelClient(channel, { maxRetries: 0, timeoutMs: 20_000 });

type Claimed = {
  id: number;
  channel_id: number;
  kind: string;
  entity_id: number;
  payload: Record<string, unknown>;
  attempts: number;
  result: Record<string, unknown> | null;
  created_by_user_id: number | null;
};

type Outcome =
  | { status: "done"; result: Record<string, unknown>; readback: MagentoCustomer | null; overridden?: Overridden[] }
  | { status: "retry"; error: string }
  | { status: "dead"; error: string };

type Overridden = { field: CustomerField; yours: string; magento: string };

/** Takes due pushes (all channels, or one) and sends each; answers what became of them. */
export async function runDuePushes(db: Db, options: RunDuePushesOptions = {}): Promise<RunDuePushesResult> {
  // Read when used, not once per run: a run can last longer than a lock.
  const clock = () => options.now ?? new Date();
  const out: RunDuePushesResult = { claimed: 0, done: 0, retrying: 0, dead: 0, failed: 0 };
  const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
  // Claimed one at a time, so a customer's next push becomes due as soon as the previous ended.
  for (let i = 0; i < limit; i++) {
    const row = await claimNext(db, clock(), options.channelId);
    if (!row) break;
    out.claimed++;
    const ended = await pushOne(db, row, options.client ?? pushClient, clock);
    out[ended === "pending" ? "retrying" : ended]++;
  }
  return out;
}

// The lock is the database's now() at the claim plus LOCK_MS, and locks are compared with the
// database's now(): a lock computed from a clock read earlier (the run's start) would be born
// expired in a run that lasted longer than LOCK_MS, and a second pusher would take the customer.
async function claimNext(db: Db, now: Date, channelId?: number): Promise<Claimed | null> {
  const kinds = sql.join(
    PUSH_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<Claimed>(
    db,
    sql`
    UPDATE outbox SET status = 'in_progress', attempts = attempts + 1, locked_until = now() + ${sql.raw(String(LOCK_MS))} * interval '1 millisecond', updated_at = now()
    WHERE id = (
      SELECT o.id FROM outbox o JOIN channels c ON c.id = o.channel_id
      WHERE o.kind IN (${kinds}) AND o.entity_type = 'customer'
        AND (o.status = 'pending' OR (o.status = 'in_progress' AND o.locked_until < now()))
        AND o.next_attempt_at <= ${at}
        AND c.two_way_sync AND c.active AND c.deleting_at IS NULL
        ${channelId === undefined ? sql`` : sql`AND o.channel_id = ${channelId}`}
        -- one push per customer at a time, oldest first
        AND NOT EXISTS (
          SELECT 1 FROM outbox p WHERE p.entity_type = 'customer' AND p.entity_id = o.entity_id AND p.id <> o.id AND p.kind IN (${kinds})
            AND ((p.status = 'in_progress' AND p.locked_until >= now()) OR (p.status = 'pending' AND p.id < o.id)))
      ORDER BY o.next_attempt_at, o.id
      LIMIT 1
      FOR UPDATE OF o SKIP LOCKED)
    RETURNING id, channel_id, kind, entity_id, payload, attempts, result, created_by_user_id`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    id: Number(row.id),
    channel_id: Number(row.channel_id),
    entity_id: Number(row.entity_id),
    attempts: Number(row.attempts),
  };
}

async function pushOne(db: Db, row: Claimed, clientFor: ClientFactory, clock: () => Date): Promise<"done" | "pending" | "dead" | "failed"> {
  const [channel] = await db.select().from(channels).where(eq(channels.id, row.channel_id));
  const [customer] = await db.select().from(magentoCustomers).where(eq(magentoCustomers.id, row.entity_id));
  let outcome: Outcome;
  if (!channel || !customer) {
    outcome = { status: "dead", error: "This customer is no longer in the portal." };
  } else {
    try {
      const client = clientFor(channel as ChannelRow);
      if (row.kind === "customer.update") outcome = await pushUpdate(client, row, customer, channel as ChannelRow);
      else if (row.kind === "customer.subscription") outcome = await pushSubscription(client, row, customer);
      else outcome = await pushRegistration(db, client, row);
    } catch (error) {
      outcome = failure(error);
    }
  }
  return finish(db, row, channel as ChannelRow | undefined, outcome, clock());
}

/** Magento's refusals are final; anything unclear is worth another try later. */
function failure(error: unknown): Outcome {
  if (error instanceof MagentoHttpError) {
    if (error.status === 404) return { status: "dead", error: `Magento no longer has this customer (${error.magentoMessage})` };
    if (error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429) {
      return { status: "dead", error: error.magentoMessage };
    }
    return { status: "retry", error: `Magento answered ${error.status}: ${error.magentoMessage}` };
  }
  if (error instanceof MagentoSchemaError) return { status: "retry", error: "Magento sent a customer the portal cannot read." };
  if (error instanceof MagentoNetworkError || error instanceof MagentoResponseError) return { status: "retry", error: error.message };
  return { status: "retry", error: safeErrorMessage(error) };
}

async function regionLookup(client: MagentoClient, values: CustomerValues): Promise<RegionLookup> {
  const countries = [...new Set(values.addresses.filter((a) => a.regionId).map((a) => a.countryId))];
  const found = new Map<string, Map<number, { code: string; name: string }>>();
  await Promise.all(
    countries.map(async (id) => {
      try {
        const country = await client.getCountry(id);
        found.set(id, new Map((country.available_regions ?? []).map((r) => [Number(r.id), { code: r.code ?? "", name: r.name ?? "" }])));
      } catch {
        // Without the directory the region goes as the form had it; Magento still validates it.
      }
    }),
  );
  return (countryId, regionId) => found.get(countryId)?.get(regionId);
}

async function pushUpdate(client: MagentoClient, row: Claimed, customer: CustomerRow, channel: ChannelRow): Promise<Outcome> {
  const payload = readUpdatePayload(row.payload);
  if (!payload || customer.originId === null)
    return { status: "dead", error: "This change cannot be read any more; edit the customer again." };
  const current = await client.getCustomerWire(customer.originId);
  const theirs = valuesFromWire(current);
  const winners: CustomerField[] = [];
  const lostFields: CustomerField[] = [];
  for (const field of payload.fields) {
    if (sameField(theirs, payload.values, field)) continue; // Magento already has it
    if (sameField(theirs, payload.base, field) || channel.syncPriority === "portal") {
      winners.push(field); // changed here only, or on both sides with "Portal wins"
    } else {
      lostFields.push(field); // changed on both sides, "Magento wins": Magento's value stays
    }
  }
  // The user is shown both values of each overridden field (group names only when a group lost).
  const groupName = lostFields.includes("groupOriginId") ? await groupNames(client) : () => undefined;
  const overridden: Overridden[] = lostFields.map((field) => ({
    field,
    yours: displayValue(payload.values, field, groupName),
    magento: displayValue(theirs, field, groupName),
  }));
  let readback: MagentoCustomer;
  if (winners.length > 0) {
    const regions = winners.includes("addresses") ? await regionLookup(client, payload.values) : () => undefined;
    await client.putCustomer(customer.originId, applyToWire(current, payload.values, winners, regions));
    readback = await client.getCustomer(customer.originId);
    const kept = valuesFromWire(readback);
    const lost = winners.filter((f) => !sameField(kept, payload.values, f));
    if (lost.length > 0) return { status: "dead", error: `Magento accepted the change but did not keep: ${lost.join(", ")}.` };
  } else {
    readback = await client.getCustomer(customer.originId);
  }
  return { status: "done", result: { pushed: winners, overridden, confirmedAt: new Date().toISOString() }, readback, overridden };
}

async function groupNames(client: MagentoClient): Promise<(id: number) => string | undefined> {
  try {
    const page = await client.searchCustomerGroups({ pageSize: 100, currentPage: 1 });
    const names = new Map(page.items.flatMap((g) => (g.id == null ? [] : [[g.id, g.code ?? undefined] as const])));
    return (id) => names.get(id);
  } catch {
    return () => undefined;
  }
}

async function pushSubscription(client: MagentoClient, row: Claimed, customer: CustomerRow): Promise<Outcome> {
  const subscribed = row.payload.subscribed === true;
  if (customer.originId === null)
    return { status: "dead", error: "Guests have no Magento account: register the customer in Magento first." };
  const current = await client.getCustomerWire(customer.originId);
  const was = current.extension_attributes?.is_subscribed === true;
  if (was !== subscribed) {
    // Fact 13: no newsletter route; the flag travels on the whole customer object.
    await client.putCustomer(customer.originId, withSubscription(current, subscribed));
  }
  const readback = await client.getCustomer(customer.originId);
  if ((readback.extension_attributes?.is_subscribed === true) !== subscribed) {
    return { status: "dead", error: `Magento accepted the change but the customer is still ${was ? "subscribed" : "not subscribed"}.` };
  }
  return { status: "done", result: { subscribed, changed: was !== subscribed, confirmedAt: new Date().toISOString() }, readback };
}

async function pushRegistration(db: Db, client: MagentoClient, row: Claimed): Promise<Outcome> {
  const payload = readRegisterPayload(row.payload);
  if (!payload) return { status: "dead", error: "This registration cannot be read any more; start it again." };
  const email = payload.values.email;
  const inWebsite = (c: MagentoCustomer) => payload.websiteOriginId === null || c.website_id === payload.websiteOriginId;
  let created: MagentoCustomer | undefined;
  if (row.result?.postSentAt) {
    // An earlier attempt sent the POST and heard nothing back: the account may exist already.
    created = (await client.findCustomersByEmail(email))
      .filter(inWebsite)
      .find((c) => c.created_at && c.created_at.getTime() >= Date.parse(String(row.result!.postSentAt)) - 60_000);
  }
  if (!created) {
    await db
      .update(outbox)
      .set({ result: { ...(row.result ?? {}), postSentAt: new Date().toISOString() }, updatedAt: new Date() })
      .where(eq(outbox.id, row.id));
    const regions = await regionLookup(client, payload.values);
    created = await client.createCustomer(
      newCustomerWire(payload.values, { websiteId: payload.websiteOriginId, storeId: payload.storeOriginId }, regions),
    );
  }
  if (created.id == null) return { status: "retry", error: "Magento created the customer but sent no id." };
  const readback = await client.getCustomer(created.id);
  return { status: "done", result: { customerOriginId: created.id, confirmedAt: new Date().toISOString() }, readback };
}

async function finish(
  db: Db,
  row: Claimed,
  channel: ChannelRow | undefined,
  outcome: Outcome,
  now: Date,
): Promise<"done" | "pending" | "dead" | "failed"> {
  const stillMine = and(eq(outbox.id, row.id), eq(outbox.status, "in_progress"));
  if (outcome.status === "retry") {
    const giveUp = row.attempts >= MAX_ATTEMPTS;
    const error = giveUp ? `Gave up after ${row.attempts} attempts: ${outcome.error}` : outcome.error;
    await db
      .update(outbox)
      .set({
        status: giveUp ? "failed" : "pending",
        lockedUntil: null,
        lastError: error,
        updatedAt: new Date(),
        nextAttemptAt: new Date(now.getTime() + pushBackoffMs(row.attempts)),
      })
      .where(stillMine);
    if (giveUp) await auditOutcome(db, row, "customer.push_failed", { error });
    return giveUp ? "failed" : "pending";
  }
  if (outcome.status === "dead") {
    await db.update(outbox).set({ status: "dead", lockedUntil: null, lastError: outcome.error, updatedAt: new Date() }).where(stillMine);
    await auditOutcome(db, row, "customer.push_failed", { error: outcome.error });
    return "dead";
  }
  let localCustomerId: number | null = null;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(outbox)
      .set({
        status: "done",
        lockedUntil: null,
        lastError: null,
        completedAt: new Date(),
        updatedAt: new Date(),
        result: { ...(row.result ?? {}), ...outcome.result },
      })
      .where(stillMine)
      .returning({ id: outbox.id });
    if (updated.length === 0) return; // reverted or taken over meanwhile: its state is someone else's now
    await recomputePending(tx, row.entity_id, row.id);
    if (channel && outcome.readback) {
      await writeReadback(tx, db, channel, outcome.readback);
      if (row.kind === "customer.register" && outcome.readback.id != null) {
        const [registered] = await tx
          .select({ id: magentoCustomers.id })
          .from(magentoCustomers)
          .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.originId, outcome.readback.id)));
        localCustomerId = registered?.id ?? null;
        await tx
          .update(outbox)
          .set({ result: { ...(row.result ?? {}), ...outcome.result, localCustomerId } })
          .where(eq(outbox.id, row.id));
      }
    }
    if (outcome.overridden?.length) await auditOutcome(tx, row, "customer.push_overridden", { overridden: outcome.overridden });
    if (row.kind === "customer.register")
      await auditOutcome(tx, row, "customer.registered", { customerOriginId: outcome.result.customerOriginId, localCustomerId });
  });
  return "done";
}

async function auditOutcome(db: Pick<Db, "insert">, row: Claimed, action: string, details: Record<string, unknown>): Promise<void> {
  await writeAudit(db, {
    userId: null,
    actor: "Two-way sync",
    action,
    entityType: "customer",
    entityId: row.entity_id,
    channelId: row.channel_id,
    details: { pushId: row.id, kind: row.kind, attempts: row.attempts, ...details },
  });
}

/** Channels (two-way on) with at least one push due now: the minute sweep sends one event each. */
export async function channelsWithDuePushes(db: Db, now: Date = new Date()): Promise<number[]> {
  const kinds = sql.join(
    PUSH_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<{ channel_id: unknown }>(
    db,
    sql`
    SELECT DISTINCT o.channel_id FROM outbox o JOIN channels c ON c.id = o.channel_id
    WHERE o.kind IN (${kinds}) AND o.next_attempt_at <= ${at}
      AND (o.status = 'pending' OR (o.status = 'in_progress' AND o.locked_until < now()))
      AND c.two_way_sync AND c.active AND c.deleting_at IS NULL
    ORDER BY o.channel_id`,
  );
  return rows.map((r) => Number(r.channel_id));
}

/**
 * When the channel's next push falls due (a retry's backoff ends, or a claimed push's lock runs out),
 * or null when nothing is waiting. Lets the Inngest function wake exactly then instead of a sweep
 * every minute.
 */
export async function nextPushDueAt(db: Db, channelId: number): Promise<Date | null> {
  const kinds = sql.join(
    PUSH_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const rows = await queryRows<{ at: unknown }>(
    db,
    sql`
    SELECT min(CASE WHEN o.status = 'pending' THEN o.next_attempt_at ELSE greatest(o.next_attempt_at, o.locked_until) END) AS at
    FROM outbox o JOIN channels c ON c.id = o.channel_id
    WHERE o.channel_id = ${channelId} AND o.kind IN (${kinds}) AND o.status IN ('pending', 'in_progress')
      AND c.two_way_sync AND c.active AND c.deleting_at IS NULL`,
  );
  const at = rows[0]?.at;
  return at == null ? null : new Date(at as string | Date);
}
