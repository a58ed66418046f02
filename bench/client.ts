// `npm run bench -- client [--orders N] [--customers N] [--runs N]`: how fast the Magento client
// pages through a store, and what the client itself adds per request. The simulator runs in its
// own process (zero injected latency), so its work does not share this event loop.
//   client_records_per_s            records parsed and validated per second, paging orders and
//                                   customers 300 at a time, one request in flight
//   client_overhead_ms_per_request  the client's own time per request: the same pages replayed
//                                   from memory (no network, no server), so what is left is building
//                                   the criteria and URL, auth, the limiter, JSON parsing and zod
//                                   validation of 300 records
import { createMagentoClient } from "@/lib/magento/client";
import { createGuardedFetch } from "@/lib/magento/guarded-fetch";
import type { RequestTiming } from "@/lib/magento/http";
import { freePort, option, startSimulatorProcess } from "./lib/simulator-process";

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

export async function run(args: string[]): Promise<void> {
  const orders = option(args, "orders", 10_000);
  const customers = option(args, "customers", 2_000);
  const runs = option(args, "runs", 3);
  const token = "bench-token-0123456789";
  const port = await freePort();
  const simulator = await startSimulatorProcess({ port, customers, orders, token });
  try {
    const timings: RequestTiming[] = [];
    const recorded = new Map<string, string>();
    const http = createGuardedFetch({ allowPrivate: true });
    const client = createMagentoClient({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { type: "bearer", token },
      concurrency: 1,
      requestsPerSecond: null,
      onRequest: (timing) => timings.push(timing),
      // The client's own HTTP stack, wrapped to keep each answer for the replay below.
      fetch: async (input, init) => {
        const response = await http(input, init);
        recorded.set(input, await response.text());
        return response;
      },
    });

    let records = 0;
    let invalid = 0;
    const runSeconds: number[] = [];
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      for (const entity of ["orders", "customers"] as const) {
        for await (const page of client.searchAll(entity, { pageSize: 300 })) {
          if (r === 0) {
            records += page.records.length;
            invalid += page.invalid.length;
          }
        }
      }
      runSeconds.push((performance.now() - started) / 1000);
    }
    const perRun = records;
    const bestSeconds = Math.min(...runSeconds);
    const recordsPerSecond = perRun / bestSeconds;

    // Replay the recorded answers from memory: no network and no server, only the client.
    const replayTimings: RequestTiming[] = [];
    const replay = createMagentoClient({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { type: "bearer", token },
      concurrency: 1,
      requestsPerSecond: null,
      onRequest: (timing) => replayTimings.push(timing),
      fetch: async (input) => {
        const body = recorded.get(String(input));
        if (body === undefined) throw new Error(`not recorded: ${String(input)}`);
        return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    const replayStarted = performance.now();
    let replayed = 0;
    for (let r = 0; r < runs; r++) {
      for (const entity of ["orders", "customers"] as const) {
        for await (const page of replay.searchAll(entity, { pageSize: 300 })) replayed += page.records.length;
      }
    }
    const overhead = (performance.now() - replayStarted) / replayTimings.length;
    if (replayed !== perRun * runs) throw new Error(`replay parsed ${replayed} records, expected ${perRun * runs}`);
    const clientMs = mean(timings.map((t) => t.ms));

    console.log(
      `Store: ${orders.toLocaleString("en-US")} orders + ${customers.toLocaleString("en-US")} customers (simulator, no injected latency)`,
    );
    console.log(
      `Paged ${perRun.toLocaleString("en-US")} records per run (${invalid} invalid), ${runs} runs, best ${bestSeconds.toFixed(2)} s`,
    );
    console.log(`  records/s                 ${Math.round(recordsPerSecond).toLocaleString("en-US")}`);
    console.log(`  requests                  ${timings.length} (${(timings.length / runs).toFixed(0)} per run, 300 per page)`);
    console.log(`  ms per request            ${clientMs.toFixed(2)} (send to body read: network + simulator)`);
    console.log(`  client overhead ms/req    ${overhead.toFixed(2)} (same pages replayed from memory)`);
    console.log(
      JSON.stringify({
        client_records_per_s: Math.round(recordsPerSecond),
        client_overhead_ms_per_request: Number(overhead.toFixed(2)),
        records_per_run: perRun,
        requests: timings.length,
        ms_per_request: Number(clientMs.toFixed(2)),
      }),
    );
  } finally {
    simulator.kill();
  }
}
