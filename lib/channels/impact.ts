import type { ChannelEntity } from "@/db/schema/channels";

// What a change of a channel's websites, start date or entities does to the data, in words. Pure
// (types only from db/), so the settings form can show it before saving and the save after.

export type ImpactSettings = {
  websiteOriginIds: number[] | null;
  syncStartDate: string | null;
  entities: readonly string[];
};

export const ENTITY_LABELS: Record<ChannelEntity, string> = {
  customers: "Customers",
  carts: "Shopping carts",
  orders: "Orders",
  credit_memos: "Credit memos",
  newsletter_subscribers: "Newsletter subscribers",
};

// The labels' key order is the sync order (CHANNEL_ENTITIES), without importing the schema here.
const ENTITY_ORDER = Object.keys(ENTITY_LABELS) as ChannelEntity[];

function sameIds(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify([...a].sort((x, y) => x - y)) === JSON.stringify([...b].sort((x, y) => x - y));
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * What a change of websites or start date does to the data, in words, and the connectors whose
 * initial checkpoints must be reset so the next scheduled sync walks their history again.
 */
export function dataImpact(before: ImpactSettings | null, after: ImpactSettings): { notices: string[]; resetConnectors: ChannelEntity[] } {
  if (!before) return { notices: [], resetConnectors: [] };
  const entities = ENTITY_ORDER.filter((entity) => after.entities.includes(entity));
  const names = joinWords(entities.map((entity) => ENTITY_LABELS[entity].toLowerCase()));
  const notices: string[] = [];
  let reset = false;
  if (before.syncStartDate !== after.syncStartDate) {
    reset = true;
    const earlier = !before.syncStartDate || (after.syncStartDate !== null && after.syncStartDate < before.syncStartDate);
    notices.push(
      earlier || !after.syncStartDate
        ? `The next sync will load ${names} back to ${after.syncStartDate ?? "the store's first record"}.`
        : `The next sync will walk ${names} back to ${after.syncStartDate} only; records already synced from before that date stay in the portal.`,
    );
  }
  if (!sameIds(before.websiteOriginIds, after.websiteOriginIds)) {
    reset = true;
    notices.push(
      after.websiteOriginIds === null
        ? `The next sync will load ${names} of every website${after.syncStartDate ? ` back to ${after.syncStartDate}` : ""}.`
        : `The next sync will load ${names} of websites ${after.websiteOriginIds.join(", ")}${after.syncStartDate ? ` back to ${after.syncStartDate}` : ""}; records of other websites already synced stay in the portal.`,
    );
  }
  const added = entities.filter((entity) => !before.entities.includes(entity));
  if (added.length && !reset) {
    notices.push(`The next sync will load ${joinWords(added.map((e) => ENTITY_LABELS[e].toLowerCase()))} for the first time.`);
  }
  return { notices, resetConnectors: reset ? entities : added };
}
