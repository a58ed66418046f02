import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MagentoTransport } from "@/lib/magento/http";
import { Semaphore, TokenBucket } from "@/lib/magento/limits";

// Per-client limits, measured on a real local server: requests in flight never exceed the
// concurrency cap, and requests arrive no faster than the requests-per-second cap.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

/** A server that holds each request `holdMs` and records arrivals and the most in flight. */
async function measuringServer(holdMs: number) {
  const stats = { inFlight: 0, maxInFlight: 0, arrivals: [] as number[] };
  const server = createServer((_req, res) => {
    stats.arrivals.push(performance.now());
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    setTimeout(() => {
      stats.inFlight--;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("true");
    }, holdMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

describe("concurrency cap", () => {
  it("keeps at most `concurrency` requests in flight", async () => {
    const { baseUrl, stats } = await measuringServer(40);
    const client = new MagentoTransport({ baseUrl, auth: { type: "bearer", token: "t" }, concurrency: 3, requestsPerSecond: null });
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.request({ method: "GET", path: `/V1/orders/${i}` })));
    expect(stats.arrivals).toHaveLength(12);
    expect(stats.maxInFlight).toBe(3);
    expect(client.inFlight).toBe(0);
  });

  it("gives each client instance its own cap", async () => {
    const { baseUrl, stats } = await measuringServer(40);
    const make = () => new MagentoTransport({ baseUrl, auth: { type: "bearer", token: "t" }, concurrency: 2, requestsPerSecond: null });
    const [a, b] = [make(), make()];
    await Promise.all([a, b].flatMap((client) => Array.from({ length: 6 }, () => client.request({ method: "GET", path: "/V1/orders/1" }))));
    expect(stats.maxInFlight).toBe(4);
  });
});

describe("rate cap", () => {
  it("spaces requests to the requests-per-second cap", async () => {
    const { baseUrl, stats } = await measuringServer(0);
    const client = new MagentoTransport({ baseUrl, auth: { type: "bearer", token: "t" }, concurrency: 10, requestsPerSecond: 20 });
    await Promise.all(Array.from({ length: 10 }, () => client.request({ method: "GET", path: "/V1/orders/1" })));
    const span = stats.arrivals.at(-1)! - stats.arrivals[0]!;
    // 10 requests at 20/s: the first at once, then one every 50 ms → at least ~450 ms.
    expect(span).toBeGreaterThanOrEqual(400);
  });

  it("allows a burst, then the steady rate (fake clock)", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, { now: () => now }, async () => undefined);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0, 100, 200]);
    now = 1000;
    expect(bucket.reserve()).toBe(0);
  });
});

describe("Semaphore", () => {
  it("hands places over in arrival order", async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    const first = await semaphore.acquire();
    const waiters = [1, 2, 3].map((n) =>
      semaphore.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    expect(semaphore.inFlight).toBe(1);
    first();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.inFlight).toBe(0);
  });
});
