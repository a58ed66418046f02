import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { asc } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { channels, syncRuns } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { leaseHolder } from "@/lib/sync/lease";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Issue 20, part 7: two portal processes on one Postgres database, both running the in-process
// scheduler (SYNC_SCHEDULER on, no Inngest), never sync the same channel at once, and between them
// finish every due sync, each exactly once.

const CHANNELS = 3;
let sim: RunningSimulator | undefined;
let testDb: TestDatabase | undefined;
const children: ChildProcessWithoutNullStreams[] = [];
const savedKey = process.env.ENCRYPTION_KEY;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await sim?.close();
  await testDb?.drop();
  if (savedKey === undefined) delete process.env.ENCRYPTION_KEY;
  else process.env.ENCRYPTION_KEY = savedKey;
});

type Replica = {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; lines: string[]; stderr: string }>;
};

/** One replica: Node running the fixture with tsx as a loader (a SIGKILL then reaches the script itself). */
function startReplica(name: string, env: Record<string, string>): Replica {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/integration/fixtures/scheduler-child.ts")], {
    env: { ...process.env, ...env, REPLICA: name },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = "";
  let buffered = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const line of parts) {
      if (line === "ready") markReady();
      else if (line.trim()) lines.push(line);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, lines, stderr }));
  });
  return { child, ready, exited };
}

describe("two replicas, one database", () => {
  it("never run one channel twice at once and finish every due sync between them", async () => {
    // A small store answering slowly: each run takes a few seconds, long enough for the replicas
    // to reach the same channel while the other is still syncing it.
    sim = await startMagentoSimulator({ port: 0, seed: 2020, customers: 30, orders: 120 });
    sim.control.addFaults({ latencyMs: 40 });
    testDb = await createTestDatabase();
    const encryptionKey = randomBytes(32).toString("base64");
    process.env.ENCRYPTION_KEY = encryptionKey;
    const credentialsEncrypted = sealCredentials({ type: "bearer", token: sim.adminToken });
    const channelIds: number[] = [];
    for (let i = 1; i <= CHANNELS; i++) {
      const [channel] = await testDb.db
        .insert(channels)
        .values({
          name: `Store ${i}`,
          baseUrl: sim.baseUrl,
          authType: "bearer",
          credentialsEncrypted,
          syncStartDate: "2020-01-01",
          // One run each: the next is not due within the test.
          syncIntervalMinutes: 60,
          maxRequestsPerSecond: 100,
          maxRequestsInFlight: 4,
        })
        .returning();
      channelIds.push(channel!.id);
    }

    const env = { DATABASE_URL: testDb.url, ENCRYPTION_KEY: encryptionKey, MAGENTO_ALLOW_PRIVATE_URLS: "1" };
    const replicas = [startReplica("a", env), startReplica("b", env)];
    await Promise.all(replicas.map((r) => r.ready));
    for (const replica of replicas) replica.child.stdin.end("go\n");
    const results = await Promise.all(replicas.map((r) => r.exited));
    for (const result of results) expect(result.code, result.stderr).toBe(0);

    const runs = await testDb.db.select().from(syncRuns).orderBy(asc(syncRuns.id));
    for (const channelId of channelIds) {
      const ofChannel = runs.filter((run) => run.channelId === channelId);
      // Every due sync finished, and none ran twice (a replica acting on a list of due channels
      // read before the other replica synced one of them would start a second run).
      expect(
        ofChannel.map((run) => ({ status: run.status, error: run.errorMessage })),
        `runs of channel ${channelId}`,
      ).toEqual([{ status: "succeeded", error: null }]);
      // Nobody holds the channel any more.
      expect(await leaseHolder(testDb.db, channelId)).toBeNull();
    }
    // No two runs of one channel overlap in time (whatever their number).
    for (const a of runs) {
      for (const b of runs) {
        if (a.id >= b.id || a.channelId !== b.channelId) continue;
        const overlap = a.startedAt! < b.finishedAt! && b.startedAt! < a.finishedAt!;
        expect(overlap, `runs #${a.id} and #${b.id} of channel ${a.channelId} overlap`).toBe(false);
      }
    }
    // Both replicas did some of the work: the second did not just wait for the first.
    const finishedBy = results.map((result) => result.lines.filter((line) => /sync #\d+ succeeded/.test(line)).length);
    expect(
      finishedBy.every((count) => count > 0),
      JSON.stringify(results.map((r) => r.lines)),
    ).toBe(true);
    expect(finishedBy[0]! + finishedBy[1]!).toBe(CHANNELS);
  }, 180_000);
});
