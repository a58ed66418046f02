import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { magentoCustomerAddresses, magentoCustomers, magentoNewsletterSubscribers, outbox } from "@/db/schema";
import type { MagentoCustomer } from "@/lib/magento/schemas/customer";
import { writeCustomers } from "@/lib/sync/connectors/customers";
import { writeSubscribers } from "@/lib/sync/connectors/newsletter_subscribers";
import type { ChannelRow } from "@/lib/sync/types";
import type { CustomerField, CustomerValues, Gender } from "./types";
import { storedValuesSchema } from "./values";

// The portal side of two-way sync: the customer's local values, which fields wait for Magento
// (magento_customers.pending_fields, honoured by the customers and subscribers connectors), and
// writing a record read back from Magento exactly as a sync writes it.

export const PUSH_KINDS = ["customer.update", "customer.subscription", "customer.register"] as const;
/** Pushes still owed to Magento: their fields stay "not saved in Magento" locally. */
export const UNFINISHED = ["pending", "in_progress", "failed", "dead"] as const;
export const SUBSCRIPTION_FIELD = "subscription";

type Tx = DbTx | Db;

export type CustomerRow = typeof magentoCustomers.$inferSelect;

export interface UpdatePayload {
  customerOriginId: number;
  base: CustomerValues;
  values: CustomerValues;
  fields: CustomerField[];
}
export interface SubscriptionPayload {
  customerOriginId: number;
  subscribed: boolean;
  base: boolean | null;
}
export interface RegisterPayload {
  values: CustomerValues;
  websiteOriginId: number | null;
  storeOriginId: number | null;
}

/** An update payload from the outbox (jsonb), checked. */
export function readUpdatePayload(payload: Record<string, unknown>): UpdatePayload | null {
  const base = storedValuesSchema.safeParse(payload.base);
  const values = storedValuesSchema.safeParse(payload.values);
  if (!base.success || !values.success || !Array.isArray(payload.fields)) return null;
  return {
    customerOriginId: Number(payload.customerOriginId),
    base: base.data,
    values: values.data,
    fields: payload.fields as CustomerField[],
  };
}

export function readRegisterPayload(payload: Record<string, unknown>): RegisterPayload | null {
  const values = storedValuesSchema.safeParse(payload.values);
  if (!values.success) return null;
  const num = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
  return { values: values.data, websiteOriginId: num(payload.websiteOriginId), storeOriginId: num(payload.storeOriginId) };
}

/** The customer's values as the portal holds them (row + synced address book). */
export async function localValues(db: Tx, row: CustomerRow): Promise<CustomerValues> {
  const addresses = await db
    .select()
    .from(magentoCustomerAddresses)
    .where(and(eq(magentoCustomerAddresses.customerId, row.id), isNull(magentoCustomerAddresses.removedAt)))
    .orderBy(asc(magentoCustomerAddresses.originId));
  const gender = row.gender;
  return {
    firstname: row.firstName ?? "",
    lastname: row.lastName ?? "",
    email: row.email,
    groupOriginId: row.groupOriginId,
    dob: row.dob,
    gender: gender === 0 || gender === 1 || gender === 2 || gender === 3 ? (gender as Gender) : null,
    addresses: addresses.map((a) => ({
      id: a.originId,
      firstname: a.firstName ?? "",
      lastname: a.lastName ?? "",
      street: a.street ?? [],
      city: a.city ?? "",
      postcode: a.postcode ?? "",
      countryId: a.countryId ?? "",
      regionId: a.regionOriginId || null,
      region: a.region,
      telephone: a.telephone ?? "",
      company: a.company,
      defaultBilling: a.isDefaultBilling,
      defaultShipping: a.isDefaultShipping,
    })),
  };
}

/**
 * Recomputes the customer's pending fields from its unfinished pushes (optionally leaving one
 * out: the push being completed or reverted right now).
 */
export async function recomputePending(tx: Tx, customerId: number, exceptPushId?: number): Promise<string[]> {
  const rows = await tx
    .select({ id: outbox.id, kind: outbox.kind, payload: outbox.payload })
    .from(outbox)
    .where(
      and(
        eq(outbox.entityType, "customer"),
        eq(outbox.entityId, customerId),
        inArray(outbox.kind, [...PUSH_KINDS]),
        inArray(outbox.status, [...UNFINISHED]),
      ),
    );
  const fields = new Set<string>();
  for (const row of rows) {
    if (row.id === exceptPushId) continue;
    if (row.kind === "customer.subscription") fields.add(SUBSCRIPTION_FIELD);
    if (row.kind === "customer.update" && Array.isArray(row.payload.fields)) for (const f of row.payload.fields) fields.add(String(f));
  }
  const list = [...fields].sort();
  await tx.update(magentoCustomers).set({ pendingFields: list }).where(eq(magentoCustomers.id, customerId));
  return list;
}

/**
 * Writes a customer read back from Magento through the sync's own writers (customers, and the
 * subscriber row when the channel syncs subscribers or already has one), in the transaction.
 */
export async function writeReadback(tx: DbTx, db: Db, channel: ChannelRow, customer: MagentoCustomer): Promise<void> {
  const ctx = { db, channel, client: null as never, runId: 0 };
  await writeCustomers(tx, ctx, [customer]);
  const hasRow =
    customer.id != null &&
    (
      await tx
        .select({ id: magentoNewsletterSubscribers.id })
        .from(magentoNewsletterSubscribers)
        .where(and(eq(magentoNewsletterSubscribers.channelId, channel.id), eq(magentoNewsletterSubscribers.originId, customer.id)))
        .limit(1)
    ).length > 0;
  if (channel.entities.includes("newsletter_subscribers") || hasRow) await writeSubscribers(tx, ctx, [customer]);
}

/** Local columns of the scalar fields (addresses are written by the readback only: new ones have no Magento id yet). */
export function scalarColumns(values: CustomerValues, fields: readonly CustomerField[]): Partial<typeof magentoCustomers.$inferInsert> {
  const out: Partial<typeof magentoCustomers.$inferInsert> = {};
  for (const field of fields) {
    if (field === "firstname") out.firstName = values.firstname;
    if (field === "lastname") out.lastName = values.lastname;
    if (field === "email") out.email = values.email;
    if (field === "dob") out.dob = values.dob;
    if (field === "gender") out.gender = values.gender;
    if (field === "groupOriginId" && values.groupOriginId !== null) {
      out.groupOriginId = values.groupOriginId;
      out.groupId =
        sql`(SELECT g.id FROM magento_customer_groups g WHERE g.channel_id = ${magentoCustomers.channelId} AND g.origin_id = ${values.groupOriginId})` as never;
    }
  }
  return out;
}
