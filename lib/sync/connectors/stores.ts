import type { MagentoCustomerGroup } from "@/lib/magento/schemas/customer";
import type { MagentoStoreConfig, MagentoStoreGroup, MagentoStoreView, MagentoWebsite } from "@/lib/magento/schemas/store";
import type { DbTx } from "@/db/client";
import { knownZone } from "@/lib/dates";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { upsertRows } from "@/lib/sync/write/upsert";
import { websiteFilter } from "./common";

// Reference data fetched whole (one "page"): websites, store groups, store views (+ config) and
// customer groups.

export interface StoreSnapshot {
  websites: MagentoWebsite[];
  groups: MagentoStoreGroup[];
  views: MagentoStoreView[];
  configs: MagentoStoreConfig[];
  customerGroups: MagentoCustomerGroup[];
}

async function fetchCustomerGroups(ctx: SyncContext): Promise<MagentoCustomerGroup[]> {
  const groups: MagentoCustomerGroup[] = [];
  for await (const page of ctx.client.searchAll("customerGroups", { pageSize: 300 })) groups.push(...page.records);
  return groups;
}

export const storesConnector: Connector<StoreSnapshot> = {
  name: "stores",
  windowed: false,
  async fetchPage(ctx, { page }) {
    const [websites, groups, views, configs, customerGroups] = await Promise.all([
      ctx.client.listWebsites(),
      ctx.client.listStoreGroups(),
      ctx.client.listStoreViews(),
      ctx.client.listStoreConfigs(),
      fetchCustomerGroups(ctx),
    ]);
    const allowed = websiteFilter(ctx.channel);
    const inChannel = (websiteId: number) => !allowed || allowed.has(websiteId);
    return {
      page,
      records: [
        {
          websites: websites.filter((w) => inChannel(w.id)),
          groups: groups.filter((g) => inChannel(g.website_id)),
          views: views.filter((v) => inChannel(v.website_id)),
          configs,
          customerGroups,
        },
      ],
      invalid: [],
      totalCount: 1,
      done: true,
    };
  },
  async writePage(tx: DbTx, ctx, records): Promise<WriteResult> {
    const channelId = ctx.channel.id;
    let created = 0,
      updated = 0,
      sent = 0;
    for (const snapshot of records) {
      const websites = await upsertRows(
        tx,
        {
          table: "magento_websites",
          input: { channel_id: "bigint", origin_id: "bigint", code: "text", name: "text", default_group_origin_id: "bigint" },
          columns: {
            channel_id: "r.channel_id",
            origin_id: "r.origin_id",
            code: "r.code",
            name: "r.name",
            default_group_origin_id: "r.default_group_origin_id",
          },
        },
        snapshot.websites.map((w) => ({
          channel_id: channelId,
          origin_id: w.id,
          code: w.code,
          name: w.name,
          default_group_origin_id: w.default_group_id,
        })),
      );
      const configs = new Map(snapshot.configs.map((c) => [c.id, c]));
      const stores = await upsertRows(
        tx,
        {
          table: "magento_stores",
          input: {
            channel_id: "bigint",
            origin_id: "bigint",
            code: "text",
            name: "text",
            website_origin_id: "bigint",
            store_group_origin_id: "bigint",
            is_active: "boolean",
            locale: "text",
            timezone: "text",
            base_currency_code: "text",
            default_display_currency_code: "text",
            base_url: "text",
          },
          columns: {
            channel_id: "r.channel_id",
            origin_id: "r.origin_id",
            code: "r.code",
            name: "r.name",
            website_id: "(SELECT w.id FROM magento_websites w WHERE w.channel_id = r.channel_id AND w.origin_id = r.website_origin_id)",
            website_origin_id: "r.website_origin_id",
            store_group_origin_id: "r.store_group_origin_id",
            is_active: "r.is_active",
            locale: "r.locale",
            timezone: "r.timezone",
            base_currency_code: "r.base_currency_code",
            default_display_currency_code: "r.default_display_currency_code",
            base_url: "r.base_url",
          },
        },
        snapshot.views.map((v) => {
          const config = configs.get(v.id);
          return {
            channel_id: channelId,
            origin_id: v.id,
            code: v.code,
            name: v.name,
            website_origin_id: v.website_id,
            store_group_origin_id: v.store_group_id,
            is_active: v.is_active === 1,
            locale: config?.locale ?? null,
            timezone: knownZone(config?.timezone),
            base_currency_code: config?.base_currency_code ?? null,
            default_display_currency_code: config?.default_display_currency_code ?? null,
            base_url: config?.base_url ?? null,
          };
        }),
      );
      const groups = await upsertRows(
        tx,
        {
          table: "magento_customer_groups",
          input: { channel_id: "bigint", origin_id: "bigint", code: "text", tax_class_origin_id: "bigint", tax_class_name: "text" },
          columns: {
            channel_id: "r.channel_id",
            origin_id: "r.origin_id",
            code: "r.code",
            tax_class_origin_id: "r.tax_class_origin_id",
            tax_class_name: "r.tax_class_name",
          },
        },
        snapshot.customerGroups
          .filter((g) => g.id !== null && g.id !== undefined)
          .map((g) => ({
            channel_id: channelId,
            origin_id: g.id,
            code: g.code,
            tax_class_origin_id: g.tax_class_id,
            tax_class_name: g.tax_class_name ?? null,
          })),
      );
      for (const part of [websites, stores, groups]) {
        created += part.created;
        updated += part.updated;
      }
      sent += snapshot.websites.length + snapshot.views.length + snapshot.customerGroups.length;
    }
    return { created, updated, unchanged: sent - created - updated, failed: [], maxUpdatedAt: null };
  },
};
