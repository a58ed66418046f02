import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { MagentoCountry } from "@/lib/magento/schemas/directory";
import { createChannelClient } from "@/lib/sync/channel-client";

// Magento's countries and regions for a channel, for the customer address form and its check.
// Asked of Magento each time (as the conversion form does): the directory is its own.

export type CountryOption = { id: string; name: string; regions: { id: string; name: string }[] };

export type DirectoryLoad = { ok: true; countries: MagentoCountry[] } | { ok: false; error: string };

type ClientFor = (channel: typeof channels.$inferSelect) => { listCountries(): Promise<MagentoCountry[]> };

/** The channel's directory, or why it could not be read. Only for people who may edit customers (what it serves). */
export async function channelDirectory(
  db: Db,
  user: SessionUser | null,
  channelId: number,
  clientFor: ClientFor = createChannelClient,
): Promise<DirectoryLoad> {
  requirePermission(user, "edit_customers");
  const [channel] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), isNull(channels.deletingAt)));
  if (!channel) return { ok: false, error: "This customer's channel no longer exists." };
  try {
    return { ok: true, countries: await clientFor(channel).listCountries() };
  } catch {
    return {
      ok: false,
      error: `Magento (${channel.name}) did not send its list of countries, so addresses cannot be checked right now. Try again in a moment.`,
    };
  }
}

/** Countries by name, for a select. */
export function countryOptions(countries: readonly MagentoCountry[]): CountryOption[] {
  return countries
    .map((c) => ({
      id: c.id,
      name: c.full_name_english || c.id,
      regions: (c.available_regions ?? []).map((r) => ({ id: r.id, name: r.name })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
