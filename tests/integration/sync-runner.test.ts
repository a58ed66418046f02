import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, syncErrors, syncRuns } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { getCheckpoint, INCREMENTAL_OVERLAP_MS } from "@/lib/sync/checkpoints";
import { ChannelHold, channelBusyMessage, claimLease, leaseHolder, releaseLease } from "@/lib/sync/lease";
import { dueChannels, inFlightBudget, runChannelSync, startRun, syncNextPages } from "@/lib/sync/runner";
import { listErrors, listRuns, markRunning, requestCancel, statsOf } from "@/lib/sync/runs";
import { SyncBusyError } from "@/lib/sync/lease";
import type { Connector, ConnectorName, PageRequest, UpdatedWindow } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The runner against real Postgres with small fake connectors: they read an in-memory "Magento"
// and write to a plain table with no unique key, so a page written twice would show as duplicates.

const DAY = 24 * 60 * 60 * 1000;
let testDb: TestDatabase;

type FakeRecord = { id: number; updatedAt: Date; invalid?: boolean; failMapping?: boolean; big?: boolean };
type FetchCall = { window: UpdatedWindow; page: number };

function fakeConnector(
  name: ConnectorName,
  source: FakeRecord[],
  hooks: { afterPage?: (page: FakeRecord[]) => void } = {},
): Connector<FakeRecord> & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  return {
    name,
    windowed: name !== "stores",
    calls,
    async fetchPage(_ctx, { window, page }, pageSize) {
      calls.push({ window, page });
      const matching = source
        .filter((r) => (!window.from || r.updatedAt >= window.from) && (!window.to || r.updatedAt < window.to))
        .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || a.id - b.id);
      const slice = matching.slice((page - 1) * pageSize, page * pageSize);
      return {
        page,
        records: slice.filter((r) => !r.invalid),
        invalid: slice
          .filter((r) => r.invalid)
          .map((r, index) => ({ index, id: r.id, issues: [{ path: "items[0].email", message: "Invalid email" }], raw: r })),
        totalCount: matching.length,
        done: page * pageSize >= matching.length,
      };
    },
    async writePage(tx, ctx, records) {
      const ok = records.filter((r) => !r.failMapping);
      for (const r of ok) {
        await tx.execute(
          sql`insert into fake_records (channel_id, connector, origin_id, run_id) values (${ctx.channel.id}, ${name}, ${r.id}, ${ctx.runId})`,
        );
      }
      const max = records.reduce<Date | null>((m, r) => (!m || r.updatedAt > m ? r.updatedAt : m), null);
      return {
        created: ok.length,
        updated: 0,
        unchanged: 0,
        failed: records
          .filter((r) => r.failMapping)
          .map((r) => ({ originId: String(r.id), field: "total", message: "Cannot map", payload: r.big ? { blob: "x".repeat(5000) } : r })),
        maxUpdatedAt: max,
      };
    },
    async afterPage(_tx, _ctx, records) {
      hooks.afterPage?.(records);
    },
  };
}

/** The connector, noting each fetch (as `label` names it) and the start and end of each (slowed) write in `events`. */
function tracedConnector(base: Connector<FakeRecord>, events: string[], label: (request: PageRequest) => string): Connector<FakeRecord> {
  return {
    ...base,
    async fetchPage(ctx, request, size) {
      events.push(label(request));
      return base.fetchPage(ctx, request, size);
    },
    async writePage(tx, ctx, rows) {
      events.push("write start");
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = await base.writePage(tx, ctx, rows);
      events.push("write end");
      return result;
    },
  };
}

async function addChannel(name: string, extra: Partial<typeof channels.$inferInsert> = {}) {
  const start = new Date(Date.now() - 70 * DAY).toISOString().slice(0, 10);
  const [row] = await testDb.db
    .insert(channels)
    .values({
      name,
      baseUrl: "http://127.0.0.1:9",
      credentialsEncrypted: sealCredentials({ type: "bearer", token: "t0ken" }),
      syncStartDate: start,
      entities: ["customers"],
      ...extra,
    })
    .returning();
  return row!;
}

async function written(channelId: number) {
  const rows = await testDb.db.execute<{ origin_id: string; n: number }>(
    sql`select connector || ':' || origin_id as origin_id, count(*)::int as n from fake_records
        where channel_id = ${channelId} group by connector, origin_id order by 1`,
  );
  return [...(rows as unknown as Iterable<{ origin_id: string; n: number }>)];
}

function records(count: number, spreadDays = 65): FakeRecord[] {
  // Spread over the last `spreadDays` days, so the initial walk crosses several 30-day windows.
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    updatedAt: new Date(Date.now() - ((i + 1) * spreadDays * DAY) / (count + 1)),
  }));
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  await testDb.db.execute(
    sql`create table fake_records (channel_id bigint not null, connector text not null, origin_id text not null, run_id bigint)`,
  );
});

afterAll(async () => {
  await testDb?.drop();
});

describe("runChannelSync", () => {
  it("cuts the initial range into lanes that cover it exactly, fetches them at once, and writes every record once", async () => {
    const channel = await addChannel("initial");
    const stores = fakeConnector("stores", [{ id: 1, updatedAt: new Date() }]);
    const customers = fakeConnector("customers", records(9));
    const before = new Date();
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [stores, customers],
      pageSize: 2,
    });
    expect(run.status).toBe("succeeded");
    const rows = await written(channel.id);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows).toHaveLength(10); // 9 customers + 1 store

    // The lanes (first page of each) partition [sync start date, run start) with no gap or overlap.
    const lanes = customers.calls
      .filter((c) => c.page === 1)
      .map((c) => c.window)
      .sort((a, b) => a.from!.getTime() - b.from!.getTime());
    expect(lanes.length).toBe(inFlightBudget(channel));
    expect(lanes[0]!.from!.toISOString().slice(0, 10)).toBe(channel.syncStartDate);
    for (let i = 1; i < lanes.length; i++) expect(lanes[i]!.from).toEqual(lanes[i - 1]!.to);
    expect(lanes.at(-1)!.to!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // Each page asked for once.
    const asked = customers.calls.map((c) => `${c.window.from!.toISOString()} ${c.page}`);
    expect(new Set(asked).size).toBe(asked.length);

    const checkpoint = await getCheckpoint(testDb.db, channel.id, "customers", "initial");
    expect(checkpoint?.completedAt).not.toBeNull();
    const stats = statsOf(run, "customers");
    expect(stats).toMatchObject({ fetched: 9, created: 9, failed: 0 });
    expect(stats.startedAt).toBeTruthy();
    expect(stats.finishedAt).toBeTruthy();
    expect(run.recordsChanged).toBe(10);
    expect(await leaseHolder(testDb.db, channel.id)).toBeNull(); // released
  });

  it("a crash inside a page's transaction keeps nothing of that page; the rerun resumes and adds no duplicates", async () => {
    const channel = await addChannel("crash");
    const source = records(8, 20); // one window
    let pagesSeen = 0;
    const crashing = fakeConnector("customers", source, {
      afterPage: () => {
        pagesSeen++;
        if (pagesSeen === 2) throw new Error("kill -9 simulated after writePage");
      },
    });
    const stores = fakeConnector("stores", []);
    await expect(
      runChannelSync({
        db: testDb.db,
        channelId: channel.id,
        mode: "initial",
        trigger: "cli",
        connectors: [stores, crashing],
        pageSize: 3,
      }),
    ).rejects.toThrow("kill -9 simulated");

    // The first page with records (3) persisted with its checkpoint; the second left nothing: the
    // checkpoint's lanes still hold what it would have covered, and not the lane already written.
    const firstRows = await written(channel.id);
    expect(firstRows).toHaveLength(3);
    const stored = (await getCheckpoint(testDb.db, channel.id, "customers", "initial"))?.cursor?.lanes as { from: string; to: string }[];
    const inStored = (r: FakeRecord) => stored.some((lane) => r.updatedAt >= new Date(lane.from) && r.updatedAt < new Date(lane.to));
    const writtenIds = new Set(firstRows.map((r) => r.origin_id));
    for (const r of source) expect(inStored(r)).toBe(!writtenIds.has(`customers:${r.id}`));
    const [failedRun] = await listRuns(testDb.db, channel.id);
    expect(failedRun).toMatchObject({ status: "failed", errorMessage: "kill -9 simulated after writePage" });
    expect(statsOf(failedRun!, "customers").fetched).toBe(3); // the written pages' records only

    const healthy = fakeConnector("customers", source);
    const rerun = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [stores, healthy],
      pageSize: 3,
    });
    expect(rerun.status).toBe("succeeded");
    // Resumed from the checkpoint: the lane already written is not asked for again.
    for (const call of healthy.calls)
      expect(stored.some((lane) => new Date(lane.from).getTime() === call.window.from!.getTime())).toBe(true);
    const rows = await written(channel.id);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it("stops between pages when a cancel is requested", async () => {
    const channel = await addChannel("cancel");
    const customers = fakeConnector("customers", records(10, 20));
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [fakeConnector("stores", []), customers],
      pageSize: 2,
      onProgress: (p) => {
        if (p.connector === "customers" && p.page === 1) void requestCancel(testDb.db, p.runId);
      },
    });
    expect(run.status).toBe("canceled");
    expect(run.cancelRequestedAt).not.toBeNull();
    expect(statsOf(run, "customers").pages).toBeLessThanOrEqual(2);
    expect((await written(channel.id)).length).toBeLessThan(10);
    expect(await leaseHolder(testDb.db, channel.id)).toBeNull();
  });

  it("keeps going past bad records: status partial with sync_errors rows (payload ≤ 2 KB)", async () => {
    const channel = await addChannel("partial");
    const source: FakeRecord[] = records(6, 20);
    source[1]!.invalid = true;
    source[3]!.failMapping = true;
    source[3]!.big = true;
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [fakeConnector("stores", []), fakeConnector("customers", source)],
      pageSize: 4,
    });
    expect(run.status).toBe("partial");
    expect(run.errorCount).toBe(2);
    expect(run.recordsChanged).toBe(4);
    const errors = await listErrors(testDb.db, channel.id);
    expect(errors).toHaveLength(2);
    const invalid = errors.find((e) => e.originId === "2")!;
    expect(invalid).toMatchObject({ connector: "customers", field: "email", runId: run.id });
    const failed = errors.find((e) => e.originId === "4")!;
    expect(failed).toMatchObject({ field: "total", message: "Cannot map" });
    expect(JSON.stringify(failed.payload).length).toBeLessThanOrEqual(2200);
    expect(failed.payload).toMatchObject({ truncated: true });
    expect(statsOf(run, "customers")).toMatchObject({ fetched: 6, created: 4, failed: 2, errors: 2 });
  });

  it("incremental asks only from the checkpoint (minus the 5-minute overlap)", async () => {
    const channel = await addChannel("incremental");
    const source = records(4, 20);
    const stores = fakeConnector("stores", []);
    const initial = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [stores, fakeConnector("customers", source)],
    });
    expect(initial.status).toBe("succeeded");
    const checkpoint = await getCheckpoint(testDb.db, channel.id, "customers", "initial");
    const upperBound = new Date(checkpoint!.cursor!.upperBound as string);

    source.push({ id: 100, updatedAt: new Date(Date.now() + 1000) });
    const first = fakeConnector("customers", source);
    const inc = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "incremental",
      trigger: "schedule",
      connectors: [stores, first],
    });
    expect(inc.status).toBe("succeeded");
    expect(first.calls[0]!.window).toEqual({ from: new Date(upperBound.getTime() - INCREMENTAL_OVERLAP_MS), to: null });
    expect(statsOf(inc, "customers").created).toBe(1);

    const second = fakeConnector("customers", source);
    await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "incremental", trigger: "schedule", connectors: [stores, second] });
    const newest = source.find((r) => r.id === 100)!.updatedAt;
    expect(second.calls[0]!.window.from).toEqual(new Date(newest.getTime() - INCREMENTAL_OVERLAP_MS));
    const incCheckpoint = await getCheckpoint(testDb.db, channel.id, "customers", "incremental");
    expect(incCheckpoint?.lastUpdatedAt).toEqual(newest);
  });

  it("fetches the next page while the current one is being written", async () => {
    const channel = await addChannel("prefetch");
    const events: string[] = [];
    const traced = tracedConnector(fakeConnector("customers", records(6, 20)), events, (request) => `fetch ${request.page}`);
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [fakeConnector("stores", []), traced],
      pageSize: 2,
    });
    expect(run.status).toBe("succeeded");
    // Page 2 is asked for before page 1's write has finished.
    expect(events.indexOf("fetch 2")).toBeLessThan(events.indexOf("write end"));
  });

  it("asks for several lanes' pages before the first page is written, and for each page once", async () => {
    const channel = await addChannel("prefetch-window");
    const events: string[] = [];
    const traced = tracedConnector(
      fakeConnector("customers", records(9, 65)),
      events,
      (request) => `fetch ${request.window.from?.toISOString()} ${request.page}`,
    );
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [fakeConnector("stores", []), traced],
      pageSize: 100,
    });
    expect(run.status).toBe("succeeded");
    const fetches = events.filter((e) => e.startsWith("fetch"));
    expect(new Set(fetches).size).toBe(fetches.length);
    // Every lane's first page is on its way before the first write ends.
    const firstWriteEnd = events.indexOf("write end");
    expect(fetches.filter((f) => events.indexOf(f) < firstWriteEnd).length).toBe(inFlightBudget(channel));
    expect(await written(channel.id)).toEqual(
      records(9, 65)
        .map((r) => ({ origin_id: `customers:${r.id}`, n: 1 }))
        .sort((a, b) => a.origin_id.localeCompare(b.origin_id)),
    );
  });

  it("skips connectors the channel does not sync", async () => {
    const channel = await addChannel("entities", { entities: [] });
    const customers = fakeConnector("customers", records(3));
    const run = await runChannelSync({
      db: testDb.db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      connectors: [fakeConnector("stores", []), customers],
    });
    expect(run.status).toBe("succeeded");
    expect(customers.calls).toEqual([]);
  });
});

describe("lease", () => {
  it("two concurrent syncs of one channel: exactly one starts, the other is refused", async () => {
    const channel = await addChannel("lease");
    const results = await Promise.allSettled([
      startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "cli" }),
      startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "cli" }),
    ]);
    const started = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(SyncBusyError);
    // The refused attempt left no run behind.
    expect(await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channel.id))).toHaveLength(1);

    // And a whole sync is refused while the lease is held.
    await expect(
      runChannelSync({ db: testDb.db, channelId: channel.id, mode: "incremental", trigger: "cli", connectors: [] }),
    ).rejects.toBeInstanceOf(SyncBusyError);
  });

  it("a run whose process died is marked failed when the next sync takes the channel over", async () => {
    const channel = await addChannel("abandoned");
    const dead = await startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "schedule" });
    await markRunning(testDb.db, dead.id);
    // Its process is gone: nobody renews the lease, which expires.
    expect(await claimLease(testDb.db, channel.id, `run:${dead.id}`, -1000)).toBe(true);
    const next = await startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "schedule" });
    const runs = await listRuns(testDb.db, channel.id);
    const old = runs.find((r) => r.id === dead.id)!;
    expect(old.status).toBe("failed");
    expect(old.finishedAt).not.toBeNull();
    expect(old.errorMessage).toMatch(
      new RegExp(
        `^Stopped without finishing: its process ended \\(last sign of life \\d{4}-\\d\\d-\\d\\d .* UTC\\)\\. Sync #${next.id} continues`,
      ),
    );
    expect(runs.find((r) => r.id === next.id)!.status).toBe("queued");
  });

  it("a run between two of its steps (Inngest) keeps the channel: another sync is refused, naming it and until when; its next step continues it", async () => {
    const channel = await addChannel("steps");
    const connectors = [fakeConnector("stores", []), fakeConnector("customers", records(7, 20))];
    const run = await startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "schedule" });
    const first = await syncNextPages({ db: testDb.db, runId: run.id, maxPages: 2, connectors, pageSize: 2 });
    expect(first.done).toBe(false);
    // No process holds it between the steps (no session spans two invocations): the row does, for a while.
    const holder = await leaseHolder(testDb.db, channel.id);
    expect(holder).toMatchObject({ owner: `run:${run.id}`, state: "waiting" });
    const left = Date.parse(holder!.expiresAt!) - Date.now();
    expect(left).toBeGreaterThan(60_000);
    expect(left).toBeLessThanOrEqual(120_000);
    const refused = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "incremental", trigger: "cli", connectors }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SyncBusyError);
    expect(channelBusyMessage(channel.name, (refused as SyncBusyError).holder)).toMatch(
      new RegExp(
        `^A sync of "steps" is already running: sync #${run.id} since \\d\\d \\w+ \\d{4}, \\d\\d:\\d\\d UTC, waiting for its next step \\(last heartbeat \\d+ s ago\\); ` +
          "it keeps the channel until \\d\\d \\w+ \\d{4}, \\d\\d:\\d\\d UTC unless it continues\\. Try again when it has finished\\.$",
      ),
    );
    let result = first;
    while (!result.done) result = await syncNextPages({ db: testDb.db, runId: run.id, maxPages: 2, connectors, pageSize: 2 });
    expect(result.status).toBe("succeeded");
    expect(await written(channel.id)).toHaveLength(7);
    expect(await leaseHolder(testDb.db, channel.id)).toBeNull();
  });

  it("a run left unfinished by a process that died is due at once; one whose process lives is left alone", async () => {
    const channel = await addChannel("resume-due", { syncIntervalMinutes: 24 * 60 });
    const hold = await ChannelHold.acquire(testDb.db, channel.id);
    try {
      const run = await startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "schedule", hold });
      await markRunning(testDb.db, run.id);
      expect((await dueChannels(testDb.db)).map((c) => c.id)).not.toContain(channel.id);
      // Its process dies: Postgres ends its session, and the lock with it.
      await testDb.db.execute(sql`select pg_terminate_backend((cursor->>'backendPid')::int) from sync_checkpoints
        where channel_id = ${channel.id} and connector = '__lease'`);
      for (let i = 0; i < 50 && (await leaseHolder(testDb.db, channel.id)); i++) await new Promise((r) => setTimeout(r, 20));
      expect((await dueChannels(testDb.db)).map((c) => c.id)).toContain(channel.id);
    } finally {
      await hold.end();
    }
  });

  it("an expired lease can be taken over; the holder can renew and release", async () => {
    const channel = await addChannel("lease-expiry");
    expect(await claimLease(testDb.db, channel.id, "a", -1000)).toBe(true); // already expired
    expect(await claimLease(testDb.db, channel.id, "b")).toBe(true);
    expect(await claimLease(testDb.db, channel.id, "a")).toBe(false);
    expect(await claimLease(testDb.db, channel.id, "b")).toBe(true);
    await releaseLease(testDb.db, channel.id, "b");
    expect(await claimLease(testDb.db, channel.id, "a")).toBe(true);
  });
});

describe("syncNextPages", () => {
  it("does bounded batches and says where to continue", async () => {
    const channel = await addChannel("batches");
    const connectors = [fakeConnector("stores", []), fakeConnector("customers", records(7, 20))];
    const run = await startRun(testDb.db, { channelId: channel.id, mode: "initial", trigger: "action" });
    const first = await syncNextPages({ db: testDb.db, runId: run.id, maxPages: 2, connectors, pageSize: 2 });
    expect(first).toMatchObject({
      done: false,
      status: "running",
      pages: 2,
      continueFrom: { runId: run.id, connector: "customers" },
    });
    let result = first;
    let pages = first.pages;
    while (!result.done) {
      result = await syncNextPages({ db: testDb.db, runId: run.id, maxPages: 2, connectors, pageSize: 2 });
      expect(result.pages).toBeLessThanOrEqual(2);
      pages += result.pages;
    }
    expect(result.status).toBe("succeeded");
    // Each page was asked for once and written once, whatever the batches cut.
    const customerCalls = connectors[1]!.calls.map((c) => `${c.window.from!.toISOString()} ${c.page}`);
    expect(new Set(customerCalls).size).toBe(customerCalls.length);
    expect(pages).toBe(1 + customerCalls.length);
    const rows = await written(channel.id);
    expect(rows).toHaveLength(7);
    const errors = await testDb.db
      .select()
      .from(syncErrors)
      .where(and(eq(syncErrors.channelId, channel.id)));
    expect(errors).toEqual([]);
  });
});
