import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, magentoWebsites } from "@/db/schema";
import { ensureDemoChannel } from "@/lib/channels/demo";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The dashboard's and the reports' scope from the link: a channel or website that does not exist
// (an old bookmark: /dashboard?channel=999) is not used, and a notice says so, instead of zeros
// under "All channels".

let testDb: TestDatabase;
let channelId: number;
let websiteId: number;
const NOW = new Date("2026-05-17T12:00:00Z");

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  channelId = (await ensureDemoChannel(testDb.db, { baseUrl: "http://127.0.0.1:9001", token: "t" })).id;
  const [w] = await testDb.db
    .insert(magentoWebsites)
    .values({ channelId, originId: 1, code: "base", name: "Main Website" })
    .returning({ id: magentoWebsites.id });
  websiteId = w!.id;
});

/** A second channel, inserted directly (the demo helper makes only the demo's). */
async function ensureDemoChannelNamed(name: string) {
  const [row] = await testDb.db
    .insert(channels)
    .values({ name, baseUrl: "http://127.0.0.1:9009", storeCode: "default", authType: "bearer" })
    .returning({ id: channels.id });
  return row!;
}

afterAll(async () => {
  await testDb?.drop();
});

describe("zonedReportFilters", () => {
  it("keeps a channel and a website that exist, with nothing to say", async () => {
    const read = await zonedReportFilters(testDb.db, { channel: String(channelId), website: String(websiteId) }, NOW);
    expect(read.filters).toMatchObject({ channelId, websiteId });
    expect(read.notices).toEqual([]);
  });

  it("an unknown channel is not used: every channel is shown, and a notice says why", async () => {
    const read = await zonedReportFilters(testDb.db, { channel: "999" }, NOW);
    expect(read.filters.channelId).toBeNull();
    expect(read.notices).toEqual([{ param: "channel", message: "There is no channel 999; showing every channel." }]);
  });

  it("an unknown website, or one of another channel, is not used either", async () => {
    const unknown = await zonedReportFilters(testDb.db, { website: "4242" }, NOW);
    expect(unknown.filters.websiteId).toBeNull();
    expect(unknown.notices.map((n) => n.message)).toEqual(["There is no website 4242; showing every website."]);
    const other = await zonedReportFilters(testDb.db, { channel: String(channelId + 1000), website: String(websiteId) }, NOW);
    expect(other.filters).toMatchObject({ channelId: null, websiteId });
    const second = (await ensureDemoChannelNamed("Second store")).id;
    const mismatch = await zonedReportFilters(testDb.db, { channel: String(second), website: String(websiteId) }, NOW);
    expect(mismatch.filters).toMatchObject({ channelId: second, websiteId: null });
    expect(mismatch.notices.map((n) => n.message)).toEqual([
      `Website ${websiteId} is not one of channel ${second}'s; showing the whole channel.`,
    ]);
  });

  it("impossible dates come with their notice too", async () => {
    const read = await zonedReportFilters(testDb.db, { range: "custom", from: "2025-02-30", to: "2025-03-02" }, NOW);
    expect(read.notices.map((n) => n.param)).toEqual(["from"]);
  });
});
