import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { DEMO_CHANNEL_NAME, ensureDemoChannel } from "@/lib/channels/demo";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The demo's channel (npm start): it shows the product, so a manager can edit a customer on the
// first start; a later start keeps what an admin chose since.

let testDb: TestDatabase;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.drop();
});

const demo = async () => (await testDb.db.select().from(channels).where(eq(channels.name, DEMO_CHANNEL_NAME)))[0]!;

describe("ensureDemoChannel", () => {
  it("creates the demo channel with two-way sync on (Magento wins conflicts)", async () => {
    const made = await ensureDemoChannel(testDb.db, { baseUrl: "http://127.0.0.1:9001", token: "t1" });
    expect(made.created).toBe(true);
    expect(await demo()).toMatchObject({ twoWaySync: true, syncPriority: "magento" });
  });

  it("a later start updates the URL but keeps two-way sync as an admin left it", async () => {
    await testDb.db.update(channels).set({ twoWaySync: false }).where(eq(channels.name, DEMO_CHANNEL_NAME));
    const again = await ensureDemoChannel(testDb.db, { baseUrl: "http://127.0.0.1:9002", token: "t2" });
    expect(again.created).toBe(false);
    expect(await demo()).toMatchObject({ twoWaySync: false, baseUrl: "http://127.0.0.1:9002" });
  });
});
