// Per-client limits on how hard we hit a store: a cap on requests in flight and a requests-per-
// second token bucket. One channel = one client = one set of limits.

export interface Clock {
  /** Milliseconds, monotonic enough for scheduling (Date.now by default). */
  now(): number;
}

export type Sleep = (ms: number) => Promise<void>;

export const realClock: Clock = { now: () => Date.now() };
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Token bucket as virtual scheduling (GCRA): each request reserves the next free slot, so waiting
 * callers are served in order and the rate holds however many wait. `burst` requests may go at
 * once after a quiet spell; after that they are spaced 1/rate apart.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrival = Number.NEGATIVE_INFINITY;

  constructor(
    requestsPerSecond: number,
    burst: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    if (!(requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be above 0");
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError("burst must be a whole number of at least 1");
    this.intervalMs = 1000 / requestsPerSecond;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Milliseconds to wait for the slot just reserved (0 = go now). */
  reserve(): number {
    const now = this.clock.now();
    const allowedAt = Math.max(now, this.theoreticalArrival - this.toleranceMs);
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now) + this.intervalMs;
    return allowedAt - now;
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
  }
}

/** At most `limit` holders at a time; the others wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("concurrency must be a whole number of at least 1");
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      // The releasing holder hands its place over directly, so `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
