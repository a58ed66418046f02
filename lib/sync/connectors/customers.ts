import { sql } from "drizzle-orm";
import type { MagentoCustomer } from "@/lib/magento/schemas/customer";
import type { DbTx } from "@/db/client";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { type AccountCandidate, accountIdFor, resolveAccounts, dropUnusedAccounts } from "@/lib/sync/rules/accounts";
import { linkRecordsToCustomers } from "@/lib/sync/rules/customer-links";
import { mergeGuests } from "@/lib/sync/rules/guests";
import { queryRows } from "@/db/rows";
import { idArray, recordset, streetArray, upsertRows } from "@/lib/sync/write/upsert";
import { type Failure, fetchWindowPage, iso, maxDate, result, websiteFilter } from "./common";

// Registered customers with their address book (addresses replaced in the same transaction).

export function customerInChannel(ctx: SyncContext, customer: MagentoCustomer): boolean {
  const websites = websiteFilter(ctx.channel);
  return !websites || (customer.website_id !== null && customer.website_id !== undefined && websites.has(customer.website_id));
}

/** Magento's region id; 0 means "no region" (a country without regions), kept as null. */
const regionId = (id: number | null | undefined): number | null => (id ? id : null);

function defaultBilling(customer: MagentoCustomer) {
  const addresses = customer.addresses ?? [];
  return (
    addresses.find((a) => a.default_billing) ??
    addresses.find((a) => a.id !== null && a.id !== undefined && String(a.id) === customer.default_billing) ??
    null
  );
}

// Two-way sync (lib/customers/two-way): a field edited in the portal and not yet confirmed by Magento is
// listed in pending_fields; the sync keeps the local value of such a field instead of writing
// Magento's older one over it (and flapping back after the push).
const SUBSCRIPTION = "subscription";
const keep = (field: string, columns: string[]) =>
  Object.fromEntries(columns.map((c) => [c, `CASE WHEN '${field}' = ANY(t.pending_fields) THEN t.${c} ELSE excluded.${c} END`]));
const keepPending: Record<string, string> = {
  ...keep("firstname", ["first_name"]),
  ...keep("lastname", ["last_name"]),
  ...keep("email", ["email"]),
  ...keep("groupOriginId", ["group_id", "group_origin_id"]),
  ...keep("dob", ["dob"]),
  ...keep("gender", ["gender"]),
  ...keep("addresses", ["default_billing_origin_id", "default_shipping_origin_id", "billing_country_id", "billing_region"]),
};

// A customer the portal pushed is written from Magento's read-back at once; a sync page fetched
// before that push must not put the older record back (only for rows the portal touched, whose
// read-back may be newer than what a running sync holds).
const STALE = "(t.portal_updated_at IS NOT NULL AND t.remote_updated_at > excluded.remote_updated_at)";
const guarded = (updates: Record<string, string>, columns: readonly string[]) =>
  Object.fromEntries(columns.map((c) => [c, `CASE WHEN ${STALE} THEN t.${c} ELSE ${updates[c] ?? `excluded.${c}`} END`]));

/** Customers of the page whose address book must stay: an edit of it waits for Magento, or the portal holds a newer read-back. */
async function addressBooksKept(tx: DbTx, channelId: number, records: readonly MagentoCustomer[]): Promise<Set<number>> {
  if (records.length === 0) return new Set();
  const rows = await queryRows<{ origin_id: unknown; waiting: unknown; remote_updated_at: unknown }>(
    tx,
    sql`
    SELECT origin_id, 'addresses' = ANY(pending_fields) AS waiting, remote_updated_at FROM magento_customers
    WHERE channel_id = ${channelId} AND origin_id = ANY(${idArray(records.map((c) => c.id as number))})
      AND ('addresses' = ANY(pending_fields) OR portal_updated_at IS NOT NULL)`,
  );
  const incoming = new Map(records.map((c) => [c.id as number, c.updated_at?.getTime() ?? null]));
  const kept = new Set<number>();
  for (const row of rows) {
    const id = Number(row.origin_id);
    const local = row.remote_updated_at === null ? null : new Date(row.remote_updated_at as string | Date).getTime();
    const theirs = incoming.get(id) ?? null;
    if (row.waiting === true || row.waiting === "t" || (local !== null && theirs !== null && local > theirs)) kept.add(id);
  }
  return kept;
}

/** The columns a customer upsert updates (every target column but channel_id, origin_id, is_guest). */
const CUSTOMER_UPDATED_COLUMNS = [
  "email",
  "prefix",
  "first_name",
  "middle_name",
  "last_name",
  "suffix",
  "dob",
  "gender",
  "taxvat",
  "group_id",
  "group_origin_id",
  "website_id",
  "website_origin_id",
  "store_id",
  "store_origin_id",
  "created_in",
  "is_subscribed",
  "default_billing_origin_id",
  "default_shipping_origin_id",
  "billing_country_id",
  "billing_region",
  "remote_created_at",
  "remote_updated_at",
] as const;

export async function writeCustomers(tx: DbTx, ctx: SyncContext, records: MagentoCustomer[]): Promise<WriteResult> {
  const channelId = ctx.channel.id;
  const failed: Failure[] = [];
  const valid = records.filter((c) => {
    if (c.id === null || c.id === undefined) {
      failed.push({ originId: null, field: "id", message: "customer without id", payload: c });
      return false;
    }
    return true;
  });
  // Each new customer row is written with its account (lib/sync/rules/accounts.ts); rows that have
  // one keep it.
  const accounts = await resolveAccounts(tx, ctx.channel, valid.map(accountCandidate));
  const rows = valid.map((c) => {
    const billing = defaultBilling(c);
    return {
      account_id: accountIdFor(accounts, accountCandidate(c)),
      // The column is NOT NULL (guests are keyed by email); a registered customer Magento sends
      // without one is still kept, with an empty email.
      channel_id: channelId,
      origin_id: c.id,
      email: c.email ?? "",
      prefix: c.prefix ?? null,
      first_name: c.firstname ?? null,
      middle_name: c.middlename ?? null,
      last_name: c.lastname ?? null,
      suffix: c.suffix ?? null,
      dob: c.dob ?? null,
      gender: c.gender ?? null,
      taxvat: c.taxvat ?? null,
      group_origin_id: c.group_id ?? null,
      website_origin_id: c.website_id ?? null,
      store_origin_id: c.store_id ?? null,
      created_in: c.created_in ?? null,
      is_subscribed: c.extension_attributes?.is_subscribed ?? null,
      default_billing_origin_id: c.default_billing ? Number(c.default_billing) : null,
      default_shipping_origin_id: c.default_shipping ? Number(c.default_shipping) : null,
      billing_country_id: billing?.country_id ?? null,
      billing_region: billing?.region?.region ?? null,
      remote_created_at: iso(c.created_at),
      remote_updated_at: iso(c.updated_at),
    };
  });
  const upserted = await upsertRows(
    tx,
    {
      table: "magento_customers",
      refuseReplaced: "customer",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        account_id: "bigint",
        email: "text",
        prefix: "text",
        first_name: "text",
        middle_name: "text",
        last_name: "text",
        suffix: "text",
        dob: "date",
        gender: "smallint",
        taxvat: "text",
        group_origin_id: "bigint",
        website_origin_id: "bigint",
        store_origin_id: "bigint",
        created_in: "text",
        is_subscribed: "boolean",
        default_billing_origin_id: "bigint",
        default_shipping_origin_id: "bigint",
        billing_country_id: "text",
        billing_region: "text",
        remote_created_at: "timestamptz",
        remote_updated_at: "timestamptz",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        is_guest: "false",
        account_id: "r.account_id",
        email: "r.email",
        prefix: "r.prefix",
        first_name: "r.first_name",
        middle_name: "r.middle_name",
        last_name: "r.last_name",
        suffix: "r.suffix",
        dob: "r.dob",
        gender: "r.gender",
        taxvat: "r.taxvat",
        group_id: "(SELECT g.id FROM magento_customer_groups g WHERE g.channel_id = r.channel_id AND g.origin_id = r.group_origin_id)",
        group_origin_id: "r.group_origin_id",
        website_id: "(SELECT w.id FROM magento_websites w WHERE w.channel_id = r.channel_id AND w.origin_id = r.website_origin_id)",
        website_origin_id: "r.website_origin_id",
        store_id: "(SELECT s.id FROM magento_stores s WHERE s.channel_id = r.channel_id AND s.origin_id = r.store_origin_id)",
        store_origin_id: "r.store_origin_id",
        created_in: "r.created_in",
        is_subscribed: "r.is_subscribed",
        default_billing_origin_id: "r.default_billing_origin_id",
        default_shipping_origin_id: "r.default_shipping_origin_id",
        billing_country_id: "r.billing_country_id",
        billing_region: "r.billing_region",
        remote_created_at: "r.remote_created_at",
        remote_updated_at: "r.remote_updated_at",
      },
      insertOnly: ["is_guest"],
      updates: guarded(
        {
          // A payload without the flag says nothing about the subscription: keep what we knew.
          is_subscribed: `CASE WHEN '${SUBSCRIPTION}' = ANY(t.pending_fields) THEN t.is_subscribed ELSE coalesce(excluded.is_subscribed, t.is_subscribed) END`,
          ...keepPending,
          // Never changed once set: staff's merges and moves stand.
          account_id: "coalesce(t.account_id, excluded.account_id)",
        },
        [...CUSTOMER_UPDATED_COLUMNS, "account_id"],
      ),
    },
    rows,
  );

  // Address book: drop what Magento no longer has, upsert the rest (not while an edit of it waits for Magento).
  const waiting = await addressBooksKept(tx, channelId, valid);
  const addresses = valid
    .filter((c) => !waiting.has(c.id as number))
    .flatMap((c) =>
      (c.addresses ?? [])
        .filter((a) => a.id !== null && a.id !== undefined)
        .map((a) => ({
          channel_id: channelId,
          origin_id: a.id,
          customer_origin_id: c.id,
          first_name: a.firstname ?? null,
          last_name: a.lastname ?? null,
          company: a.company ?? null,
          street: a.street ?? null,
          city: a.city ?? null,
          region: a.region?.region ?? null,
          region_code: a.region?.region_code ?? null,
          region_origin_id: regionId(a.region_id) ?? regionId(a.region?.region_id),
          postcode: a.postcode ?? null,
          country_id: a.country_id ?? null,
          telephone: a.telephone ?? null,
          is_default_billing:
            a.default_billing === true ||
            (c.default_billing !== undefined && c.default_billing !== null && String(a.id) === c.default_billing),
          is_default_shipping:
            a.default_shipping === true ||
            (c.default_shipping !== undefined && c.default_shipping !== null && String(a.id) === c.default_shipping),
        })),
    );
  const owners = valid.filter((c) => !waiting.has(c.id as number)).map((c) => ({ origin_id: c.id }));
  await tx.execute(sql`
    DELETE FROM magento_customer_addresses a
    USING magento_customers c, ${recordset(owners, "o", { origin_id: "bigint" })}
    WHERE a.customer_id = c.id AND c.channel_id = ${channelId} AND c.origin_id = o.origin_id
      AND NOT EXISTS (SELECT 1 FROM ${recordset(addresses, "k", { origin_id: "bigint" })} WHERE k.origin_id = a.origin_id)`);
  await upsertRows(
    tx,
    {
      table: "magento_customer_addresses",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        customer_origin_id: "bigint",
        first_name: "text",
        last_name: "text",
        company: "text",
        street: "jsonb",
        city: "text",
        region: "text",
        region_code: "text",
        region_origin_id: "bigint",
        postcode: "text",
        country_id: "text",
        telephone: "text",
        is_default_billing: "boolean",
        is_default_shipping: "boolean",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        customer_id: "(SELECT c.id FROM magento_customers c WHERE c.channel_id = r.channel_id AND c.origin_id = r.customer_origin_id)",
        customer_origin_id: "r.customer_origin_id",
        first_name: "r.first_name",
        last_name: "r.last_name",
        company: "r.company",
        street: streetArray("r.street"),
        city: "r.city",
        region: "r.region",
        region_code: "r.region_code",
        region_origin_id: "r.region_origin_id",
        postcode: "r.postcode",
        country_id: "r.country_id",
        telephone: "r.telephone",
        is_default_billing: "r.is_default_billing",
        is_default_shipping: "r.is_default_shipping",
      },
    },
    addresses,
  );

  // Carts/orders written before their customer get linked now.
  await linkRecordsToCustomers(
    tx,
    channelId,
    valid.map((c) => c.id as number),
  );
  // Guests who registered: merge their guest records into the customer (rule 3).
  await mergeGuests(
    tx,
    channelId,
    valid.flatMap((c) => (c.email ? [c.email] : [])),
  );
  await dropUnusedAccounts(tx, accounts, upserted.created === rows.length);
  return result(valid.length, upserted.created, upserted.updated, failed, maxDate(records.map((c) => c.updated_at)));
}

/** A B2B store's company id, read leniently (a number or a numeric string); anything else is no company. */
function b2bCompanyId(customer: MagentoCustomer): number | null {
  const value = customer.extension_attributes?.company_attributes?.company_id;
  const id = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : null;
  return id !== null && Number.isSafeInteger(id) && id > 0 ? id : null;
}

function accountCandidate(customer: MagentoCustomer): AccountCandidate {
  return {
    originId: customer.id as number,
    email: customer.email ?? null,
    firstName: customer.firstname ?? null,
    lastName: customer.lastname ?? null,
    company: defaultBilling(customer)?.company ?? null,
    b2bCompanyId: b2bCompanyId(customer),
  };
}

export const customersConnector: Connector<MagentoCustomer> = {
  name: "customers",
  windowed: true,
  fetchPage: (ctx, request, pageSize) => fetchWindowPage(ctx, "customers", request, pageSize, (c) => customerInChannel(ctx, c)),
  writePage: writeCustomers,
};
