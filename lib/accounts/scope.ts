import { sql, type SQL } from "drizzle-orm";

// An account spans channels and websites (the same buyer in two stores), so "this channel" or
// "this website" means: the account has a customer there. Its figures stay the whole account's.

/** The account `a` has a customer (not removed) in the channel. */
export function accountInChannel(channelId: number, alias = "a"): SQL {
  return sql`EXISTS (SELECT 1 FROM magento_customers cc WHERE cc.account_id = ${sql.raw(alias)}.id AND cc.channel_id = ${channelId} AND cc.removed_at IS NULL)`;
}

/** The account `a` has a customer (not removed) on the website. */
export function accountInWebsite(websiteId: number, alias = "a"): SQL {
  return sql`EXISTS (SELECT 1 FROM magento_customers cc WHERE cc.account_id = ${sql.raw(alias)}.id AND cc.website_id = ${websiteId} AND cc.removed_at IS NULL)`;
}
