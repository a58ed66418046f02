import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { closeDb, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { channels, syncRuns } from "@/db/schema";
import journal from "@/db/migrations/meta/_journal.json";
import { healthReport } from "@/lib/health/report";
import proxy from "@/proxy";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// /api/health: public, reveals nothing but ids and ages, 200 only when the database answers and
// is migrated to this build, 503 otherwise (what a load balancer or Docker's HEALTHCHECK acts on).

const SHIPPED = journal.entries.length;
let testDb: TestDatabase;
const saved = {
  DATABASE_URL: process.env.DATABASE_URL,
  INNGEST_EVENT_KEY: process.env.INNGEST_EVENT_KEY,
  INNGEST_SIGNING_KEY: process.env.INNGEST_SIGNING_KEY,
};

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterEach(async () => {
  await closeDb();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterAll(async () => {
  await testDb.drop();
});

async function callHealth() {
  const response = await health();
  return { status: response.status, text: await response.text(), cache: response.headers.get("cache-control") };
}

describe("/api/health", () => {
  it("the proxy lets it through without a session (no redirect to /login)", async () => {
    const response = await proxy(new NextRequest("http://127.0.0.1:3000/api/health"));
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
  });

  it("answers 200 with the mode and each active channel's last sync age, by id only", async () => {
    const [eu] = await testDb.db
      .insert(channels)
      .values({ name: "Secret EU store", baseUrl: "https://eu.secret-shop.example", credentialsEncrypted: "v1:x" })
      .returning();
    const [never] = await testDb.db
      .insert(channels)
      .values({ name: "Never synced", baseUrl: "https://never.secret-shop.example", credentialsEncrypted: "v1:x" })
      .returning();
    await testDb.db
      .insert(channels)
      .values({ name: "Switched off", baseUrl: "https://off.secret-shop.example", credentialsEncrypted: "v1:x", active: false });
    const finishedAt = new Date(Date.now() - 120_000);
    await testDb.db.insert(syncRuns).values([
      { channelId: eu!.id, mode: "initial", trigger: "schedule", status: "succeeded", startedAt: finishedAt, finishedAt },
      // A later failed run does not make the channel look freshly synced.
      {
        channelId: eu!.id,
        mode: "incremental",
        trigger: "schedule",
        status: "failed",
        startedAt: new Date(),
        finishedAt: new Date(),
        errorMessage: "Magento at https://eu.secret-shop.example answered 500",
      },
    ]);
    process.env.DATABASE_URL = testDb.url;
    delete process.env.INNGEST_EVENT_KEY;

    const { status, text, cache } = await callHealth();
    expect(status).toBe(200);
    expect(cache).toBe("no-store");
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      status: "ok",
      database: "reachable",
      migrations: { applied: SHIPPED, expected: SHIPPED, current: true },
      mode: "in-process",
    });
    expect(body.channels).toHaveLength(2);
    expect(body.channels[0].id).toBe(eu!.id);
    expect(body.channels[0].lastSyncAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(body.channels[0].lastSyncAgeSeconds).toBeLessThan(180);
    expect(body.channels[1]).toEqual({ id: never!.id, lastSyncAgeSeconds: null });
    for (const secret of ["Secret", "secret-shop", "Never synced", "500"]) expect(text).not.toContain(secret);
  });

  it("says inngest mode when an Inngest server takes the background work", async () => {
    process.env.DATABASE_URL = testDb.url;
    // Inngest Cloud: both keys (one alone is refused at start, lib/jobs/settings.ts).
    process.env.INNGEST_EVENT_KEY = "test-event-key";
    process.env.INNGEST_SIGNING_KEY = "signkey-test-0123456789abcdef";
    const report = await healthReport(async () => testDb.db);
    expect(report.mode).toBe("inngest");
  });

  it("answers 503 without the error's text when the database is unreachable", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    process.env.DATABASE_URL = "postgres://portal:hunter2@127.0.0.1:1/portal";
    const { status, text } = await callHealth();
    expect(status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: "unavailable", database: "unreachable", migrations: null, channels: [] });
    for (const leak of ["hunter2", "127.0.0.1", "ECONNREFUSED", "portal:"]) expect(text).not.toContain(leak);
  });

  it("answers 503 when the newest migration of this build is not applied", async () => {
    const behind = await createTestDatabase();
    try {
      await behind.db.execute(sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`);
      process.env.DATABASE_URL = behind.url;
      const { status, text } = await callHealth();
      expect(status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({
        status: "unavailable",
        database: "reachable",
        migrations: { applied: SHIPPED - 1, expected: SHIPPED, current: false },
      });
    } finally {
      await closeDb();
      await behind.drop();
    }
  });

  it("answers 503 on a database never migrated", async () => {
    const empty = await createTestDatabase({ migrate: false });
    try {
      const report = await healthReport(async () => empty.db);
      expect(report).toMatchObject({ status: "unavailable", database: "reachable", migrations: { applied: 0, current: false } });
    } finally {
      await empty.drop();
    }
  });

  it("works on the embedded PGlite too", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "portal-health-"));
    const handle = await openDatabase({ pgliteDir: folder });
    try {
      await migrateDatabase(handle.db, "pglite");
      const report = await healthReport(async () => handle.db);
      expect(report).toMatchObject({ status: "ok", migrations: { applied: SHIPPED, current: true }, channels: [] });
    } finally {
      await handle.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
