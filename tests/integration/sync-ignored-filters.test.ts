import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createChannelClient } from "@/lib/sync/channel-client";
import { runChannelSync } from "@/lib/sync/runner";
import { statsOf } from "@/lib/sync/runs";
import type { ChannelRow } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// A Magento whose search ignores searchCriteria filters (an extension overriding the list, a
// proxy dropping the query) answers every keyset request with the same first page. The sync must
// notice that a page brought nothing new and fail the run with the reason, not page forever.

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;

/** fetch that drops every searchCriteria filter from the URL before Magento sees it. */
const ignoringFilters: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  for (const key of [...url.searchParams.keys()]) if (key.startsWith("searchCriteria[filter_groups]")) url.searchParams.delete(key);
  return fetch(url, init);
};

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 515, customers: 40, orders: 60 });
  testDb = await createTestDatabase();
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "ignores-filters",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
      entities: ["orders"],
    })
    .returning()) as [ChannelRow];
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("a Magento that ignores the updated_at filter", () => {
  it("fails the run quickly with the reason instead of fetching the same page forever", async () => {
    const client = createChannelClient(channel, { fetch: ignoringFilters, maxRetries: 0 });
    const stop = new AbortController();
    // Before the guard this sync never ended: give up (and stop it) after 20 s.
    const timer = setTimeout(() => stop.abort(), 20_000);
    const started = Date.now();
    try {
      const run = await runChannelSync({
        db: testDb.db,
        channelId: channel.id,
        mode: "initial",
        trigger: "cli",
        client,
        pageSize: 10,
        signal: stop.signal,
      });
      expect(stop.signal.aborted, "the sync was still paging after 20 s").toBe(false);
      expect(run.status).toBe("failed");
      expect(run.errorMessage).toMatch(/^Magento ignored the updated_at filter/);
      expect(run.errorMessage).toContain("orders");
      expect(statsOf(run, "orders").pages).toBeLessThanOrEqual(2);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      clearTimeout(timer);
    }
  });
});
