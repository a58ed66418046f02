import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import { sealCredentials } from "@/lib/secrets/channel-credentials";

export const DEMO_CHANNEL_NAME = "Demo store (simulator)";

/**
 * The demo's channel, pointing at the local Magento simulator that `npm start` runs. It is made
 * with two-way sync on (Magento wins conflicts), so the demo shows what managers do: edit a
 * customer and see Magento take it. Re-running updates its URL and token (the simulator's token
 * may change between runs) and keeps every setting an admin has changed since, two-way sync included.
 */
export async function ensureDemoChannel(db: Db, options: { baseUrl: string; token: string }): Promise<{ id: number; created: boolean }> {
  const credentialsEncrypted = sealCredentials({ type: "bearer", token: options.token });
  const [existing] = await db.select({ id: channels.id }).from(channels).where(eq(channels.name, DEMO_CHANNEL_NAME)).limit(1);
  if (existing) {
    await db
      .update(channels)
      .set({ baseUrl: options.baseUrl, credentialsEncrypted, authType: "bearer", updatedAt: new Date() })
      .where(eq(channels.id, existing.id));
    return { id: existing.id, created: false };
  }
  const twoYearsAgo = new Date();
  twoYearsAgo.setUTCFullYear(twoYearsAgo.getUTCFullYear() - 2);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(channels)
      .values({
        name: DEMO_CHANNEL_NAME,
        baseUrl: options.baseUrl,
        storeCode: "default",
        authType: "bearer",
        credentialsEncrypted,
        syncStartDate: twoYearsAgo.toISOString().slice(0, 10),
        cartExpirationDays: 30,
        twoWaySync: true,
        syncPriority: "magento",
      })
      .returning({ id: channels.id });
    await writeAudit(tx, {
      userId: null,
      actor: "demo-setup",
      action: "channel.created",
      entityType: "channel",
      entityId: row!.id,
      channelId: row!.id,
      details: { name: DEMO_CHANNEL_NAME, baseUrl: options.baseUrl, twoWaySync: true },
    });
    return { id: row!.id, created: true };
  });
}
