import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpFetch, HttpResponse } from "@/lib/magento/guarded-fetch";
import { MagentoTransport } from "@/lib/magento/http";
import { AdaptiveLimiter, type BudgetPermit, TokenBucket } from "@/lib/magento/limits";

// Per-client limits, measured on a real local server: requests in flight never exceed the
// concurrency cap, and requests arrive no faster than the requests-per-second cap. The adaptive
// budget (AIMD) is driven by hand and through the transport with a fake clock and a fake fetch.

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

  it("never lets more than the rate's worth leave within any second, even when its timers fire late (fake clock)", async () => {
    let now = 0;
    // A busy event loop: timers only run every 300 ms, all the due ones together.
    const timers: { at: number; wake: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((wake) => timers.push({ at: now + ms, wake }));
    const bucket = new TokenBucket(5, 2, { now: () => now }, sleep);
    const starts: number[] = [];
    let left = 30;
    for (let i = 0; i < 30; i++) void bucket.take().then(() => (starts.push(now), left--));
    for (let guard = 0; left > 0 && guard < 1000; guard++) {
      for (let flush = 0; flush < 5; flush++) await Promise.resolve();
      now += 300;
      for (const timer of timers.splice(0).filter((t) => (t.at <= now ? (t.wake(), false) : true))) timers.push(timer);
    }
    expect(starts).toHaveLength(30);
    for (const start of starts) expect(starts.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
  });

  it("settle waits until the last second's requests are a second old, so the next client (the next step) stays within the rate (fake clock)", async () => {
    let now = 0;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now += ms;
    };
    const first = new TokenBucket(4, 4, { now: () => now }, sleep);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await first.take();
      starts.push(now);
      now += 100;
    }
    await first.settle();
    // The next step's client starts with a full burst: none of it lands in the first one's second.
    const second = new TokenBucket(4, 4, { now: () => now }, sleep);
    for (let i = 0; i < 4; i++) {
      await second.take();
      starts.push(now);
    }
    for (const start of starts) expect(starts.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(4);
    // A bucket that sent nothing settles at once.
    slept.length = 0;
    await new TokenBucket(4, 1, { now: () => now }, sleep).settle();
    expect(slept).toEqual([]);
  });
});

const ok = (latencyMs = 10) => ({ status: 200, latencyMs });

/** Acquires `count` places at once and keeps the permits in grant order. */
async function hold(limiter: AdaptiveLimiter, count: number): Promise<BudgetPermit[]> {
  return Promise.all(Array.from({ length: count }, () => limiter.acquire()));
}

describe("AdaptiveLimiter (the in-flight budget)", () => {
  it("starts at max, never grants more places than the limit, and serves waiters in arrival order", async () => {
    const limiter = new AdaptiveLimiter(3);
    expect(limiter.budget).toEqual({ inFlight: 0, limit: 3, max: 3, maxInFlightSeen: 0, decreases: 0 });
    const first = await hold(limiter, 3);
    const order: number[] = [];
    const granted: number[] = [];
    const waiters = [1, 2, 3, 4, 5].map((n) =>
      limiter.acquire().then((permit) => {
        order.push(n);
        granted.push(limiter.inFlight);
        return permit;
      }),
    );
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(limiter.inFlight).toBe(3);
    first[0]!.release(ok());
    first[1]!.release(ok());
    const second = await Promise.all(waiters.slice(0, 2));
    expect(order).toEqual([1, 2]);
    first[2]!.release(ok());
    for (const permit of second) permit.release(ok());
    for (const permit of await Promise.all(waiters.slice(2))) permit.release(ok());
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...granted)).toBeLessThanOrEqual(3);
    expect(limiter.budget).toMatchObject({ inFlight: 0, limit: 3, maxInFlightSeen: 3, decreases: 0 });
  });

  it("a 429 or 503 halves the limit once per congestion event; requests sent before it do not halve it again", async () => {
    const limiter = new AdaptiveLimiter(8);
    const permits = await hold(limiter, 8);
    permits[0]!.release({ status: 429, latencyMs: 5 });
    expect(limiter.budget).toMatchObject({ limit: 4, decreases: 1, inFlight: 7 });
    // The other seven were sent into the same congestion: their refusals say nothing new.
    for (const permit of permits.slice(1, 4)) permit.release({ status: 503, latencyMs: 5 });
    expect(limiter.budget).toMatchObject({ limit: 4, decreases: 1, inFlight: 4 });
    // Still 4 in flight: a new request waits until one of them is done.
    let started = false;
    const next = limiter.acquire().then((permit) => ((started = true), permit));
    await Promise.resolve();
    expect(started).toBe(false);
    for (const permit of permits.slice(4)) permit.release(ok());
    const fresh = await next;
    // Successes of requests sent before the decrease do not grow the budget either.
    expect(limiter.limit).toBe(4);
    fresh.release({ status: 503, latencyMs: 5 });
    expect(limiter.budget).toMatchObject({ limit: 2, decreases: 2 });
    const last = await limiter.acquire();
    last.release({ status: 429, latencyMs: 5 });
    const lowest = await limiter.acquire();
    lowest.release({ status: 429, latencyMs: 5 });
    expect(limiter.budget).toMatchObject({ limit: 1, decreases: 4 });
  });

  it("grows back by one per success of a request sent after the decrease, up to max", async () => {
    const limiter = new AdaptiveLimiter(8);
    const permits = await hold(limiter, 8);
    permits[0]!.release({ status: 429, latencyMs: 5 });
    for (const permit of permits.slice(1)) permit.release(ok());
    expect(limiter.limit).toBe(4);
    const limits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const permit = await limiter.acquire();
      permit.release(ok());
      limits.push(limiter.limit);
    }
    expect(limits).toEqual([5, 6, 7, 8, 8, 8]);
    // Other answers (404, 500, no answer) neither grow nor shrink it.
    const stuck = new AdaptiveLimiter(4);
    (await stuck.acquire()).release({ status: 429, latencyMs: 1 });
    for (const outcome of [{ status: 404, latencyMs: 1 }, { status: 500, latencyMs: 1 }, { status: null, latencyMs: 1 }, null]) {
      (await stuck.acquire()).release(outcome);
    }
    expect(stuck.budget).toMatchObject({ limit: 2, decreases: 1 });
  });

  it("halves on a success slower than twice the median and more than 250 ms above it (after 10 samples)", async () => {
    const limiter = new AdaptiveLimiter(8);
    const one = async (latencyMs: number) => (await limiter.acquire()).release(ok(latencyMs));
    for (let i = 0; i < 9; i++) await one(100);
    await one(1_000); // only 9 samples so far: no median yet
    expect(limiter.budget).toMatchObject({ limit: 8, decreases: 0 });
    expect(limiter.medianLatencyMs()).toBe(100);
    await one(340); // above 2 × 100 but not above 100 + 250
    expect(limiter.budget).toMatchObject({ limit: 8, decreases: 0 });
    await one(351);
    expect(limiter.budget).toMatchObject({ limit: 4, decreases: 1 });
    // A slow answer to a request sent before the decrease is the same slowdown.
    const limiter2 = new AdaptiveLimiter(8);
    for (let i = 0; i < 10; i++) (await limiter2.acquire()).release(ok(100));
    const [a, b] = await hold(limiter2, 2);
    a!.release(ok(2_000));
    b!.release(ok(2_000));
    expect(limiter2.budget).toMatchObject({ limit: 4, decreases: 1 });
  });

  it("never halves for local jitter under 250 ms, however large relative to a near-zero median", async () => {
    const limiter = new AdaptiveLimiter(6);
    for (let round = 0; round < 200; round++) {
      const permits = await hold(limiter, 6);
      permits.forEach((permit, i) => permit.release(ok(round % 7 === 0 && i === 0 ? 249 : i % 3)));
    }
    expect(limiter.budget).toEqual({ inFlight: 0, limit: 6, max: 6, maxInFlightSeen: 6, decreases: 0 });
    expect(limiter.medianLatencyMs()).toBeLessThanOrEqual(2);
  });

  it("refuses a max that is not a whole number of at least 1", () => {
    expect(() => new AdaptiveLimiter(0)).toThrow(RangeError);
    expect(() => new AdaptiveLimiter(1.5)).toThrow(RangeError);
  });
});

describe("MagentoTransport.budget (fake clock, fake fetch)", () => {
  /** A fetch whose answers the test gives one at a time, moving the clock by each answer's latency. */
  function fakeStore() {
    let now = 0;
    const pending: ((response: HttpResponse) => void)[] = [];
    const fetch: HttpFetch = () => new Promise((resolve) => pending.push(resolve));
    const answer = async (status: number, latencyMs = 10) => {
      now += latencyMs;
      const headers = new Headers({ "content-type": "application/json", ...(status === 429 ? { "retry-after": "0" } : {}) });
      pending.shift()!({ status, statusText: "", headers, text: async () => (status < 300 ? "true" : '{"message":"busy"}') });
      await new Promise((resolve) => setImmediate(resolve));
    };
    const transport = new MagentoTransport({
      baseUrl: "https://shop.example.com",
      auth: { type: "bearer", token: "t" },
      concurrency: 8,
      requestsPerSecond: null,
      fetch,
      allowPrivateAddresses: true,
      clock: { now: () => now },
      sleep: async () => undefined,
      random: () => 0,
    });
    return { transport, pending, answer };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("keeps requests in flight within the budget, halves it on a 429 and grows it back to the setting", async () => {
    const { transport, pending, answer } = fakeStore();
    const calls = Array.from({ length: 30 }, (_, i) => transport.request({ method: "GET", path: `/V1/orders/${i}` }));
    await settle();
    expect(pending).toHaveLength(8);
    expect(transport.budget).toEqual({ inFlight: 8, limit: 8, max: 8, maxInFlightSeen: 8, decreases: 0 });
    await answer(429); // retried after Retry-After: 0, behind the waiting ones
    expect(transport.budget).toMatchObject({ limit: 4, decreases: 1, inFlight: 7 });
    const seen: number[] = [];
    let within = false;
    while (pending.length > 0) {
      // The seven sent before the 429 finish; after that, never more in flight than the budget.
      within ||= pending.length <= transport.budget.limit;
      if (within) expect(pending.length).toBeLessThanOrEqual(transport.budget.limit);
      expect(transport.inFlight).toBe(pending.length);
      seen.push(transport.budget.limit);
      await answer(200);
    }
    expect(within).toBe(true);
    await Promise.all(calls);
    // Seven old answers gave nothing back; then one place per success: 5, 6, 7, 8.
    expect(seen.slice(0, 8)).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    expect(transport.budget).toEqual({ inFlight: 0, limit: 8, max: 8, maxInFlightSeen: 8, decreases: 1 });
  });

  it("halves on a sharp slowdown measured on the transport's clock, not on sub-250 ms jitter", async () => {
    const { transport, answer } = fakeStore();
    const one = async (latencyMs: number) => {
      const call = transport.request({ method: "GET", path: "/V1/orders/1" });
      await settle();
      await answer(200, latencyMs);
      await call;
    };
    for (let i = 0; i < 10; i++) await one(2);
    await one(240);
    expect(transport.budget).toMatchObject({ limit: 8, decreases: 0 });
    await one(600);
    expect(transport.budget).toMatchObject({ limit: 4, decreases: 1, maxInFlightSeen: 1 });
  });
});
