// Per-client limits on how hard we hit a store: an adaptive budget of requests in flight (AIMD:
// it halves when Magento refuses or slows down, and grows back one request per success) and a
// requests-per-second token bucket on top. One channel = one client = one set of limits.

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
/**
 * The window the rate is kept in, a little over a second: a request leaves the process a moment
 * after it was let go (the event loop may be busy with a large page), so a store counting arrivals
 * could otherwise see one second's worth plus the late ones in the same second.
 */
export const RATE_WINDOW_MS = 1100;

export class TokenBucket {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrival = Number.NEGATIVE_INFINITY;
  private readonly perSecond: number;
  /** When the requests of the last second actually left (oldest first). */
  private readonly recentStarts: number[] = [];

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
    this.perSecond = Math.max(1, Math.floor(requestsPerSecond));
  }

  /** Milliseconds to wait for the slot just reserved (0 = go now). */
  reserve(): number {
    const now = this.clock.now();
    const allowedAt = Math.max(now, this.theoreticalArrival - this.toleranceMs);
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now) + this.intervalMs;
    return allowedAt - now;
  }

  /**
   * Waits until this bucket's requests of the last second are a second old, so a client that
   * starts next (the next step of a run, possibly on another machine) cannot add its own second's
   * worth to them: consecutive clients of one channel stay within the rate too.
   */
  async settle(): Promise<void> {
    const last = this.recentStarts.at(-1);
    if (last === undefined) return;
    const wait = last + RATE_WINDOW_MS - this.clock.now();
    if (wait > 0) await this.sleep(wait);
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
    // Timers fire late while the event loop is busy (a large page being parsed), and late
    // requests would then leave together: never more than the rate's worth within any second.
    for (;;) {
      const now = this.clock.now();
      while (this.recentStarts.length > 0 && this.recentStarts[0]! <= now - RATE_WINDOW_MS) this.recentStarts.shift();
      if (this.recentStarts.length < this.perSecond) {
        this.recentStarts.push(now);
        return;
      }
      await this.sleep(this.recentStarts[0]! + RATE_WINDOW_MS - now);
    }
  }
}

/** The in-flight budget as the transport reports it (MagentoTransport.budget). */
export interface RequestBudget {
  /** Requests holding a place right now (waiting for the rate cap, sent, or reading the answer). */
  inFlight: number;
  /** How many may be in flight now: `max` until Magento pushes back, then lower until it recovers. */
  limit: number;
  /** The channel's setting: the most the budget ever allows. */
  max: number;
  /** The most requests that were in flight at once since the client was created. */
  maxInFlightSeen: number;
  /** How many times the budget was halved. */
  decreases: number;
}

/** What became of a request that held a place: its HTTP status (null: no answer) and how long it took. */
export interface RequestOutcome {
  status: number | null;
  /** From sending to having read the answer (not the time spent waiting for a place). */
  latencyMs: number;
}

/** A place in the budget; give it back exactly once with what became of the request. */
export interface BudgetPermit {
  release(outcome: RequestOutcome | null): void;
}

export interface AdaptiveLimiterOptions {
  /** Successful latencies the running median is taken over. Default 50. */
  sampleSize?: number;
  /** The latency rule applies once this many successes were measured. Default 10. */
  minSamples?: number;
  /** A success this many times the median counts as a slowdown… Default 2. */
  slowFactor?: number;
  /** …if it is also this much above the median (so local jitter never counts). Default 250 ms. */
  slowMarginMs?: number;
}

/** Statuses by which Magento (or its proxy) says it has too much to do. */
const PUSH_BACK_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Requests in flight under an adaptive limit (additive increase, multiplicative decrease). The
 * limit starts at `max`. A 429 or 503 answer, or a success much slower than the running median of
 * recent successes (above `slowFactor` × median and above median + `slowMarginMs`), halves it
 * (never below 1); each success raises it by one again, up to `max`. One congestion event halves
 * it once: signals from requests that took their place before the last decrease are ignored (they
 * were sent into the same congestion), and only requests started after it grow it back. Waiting
 * callers are served in arrival order whenever a place frees up or the limit grows.
 */
export class AdaptiveLimiter {
  readonly max: number;
  private current: number;
  private active = 0;
  private highest = 0;
  private decreaseCount = 0;
  /** Bumped by every decrease: a permit from an older epoch started before it. */
  private epoch = 0;
  private readonly waiting: ((permit: BudgetPermit) => void)[] = [];
  private readonly samples: number[] = [];
  private nextSample = 0;
  private readonly sampleSize: number;
  private readonly minSamples: number;
  private readonly slowFactor: number;
  private readonly slowMarginMs: number;

  constructor(max: number, options: AdaptiveLimiterOptions = {}) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError("concurrency must be a whole number of at least 1");
    this.max = max;
    this.current = max;
    this.sampleSize = options.sampleSize ?? 50;
    this.minSamples = options.minSamples ?? 10;
    this.slowFactor = options.slowFactor ?? 2;
    this.slowMarginMs = options.slowMarginMs ?? 250;
  }

  get inFlight(): number {
    return this.active;
  }

  get limit(): number {
    return this.current;
  }

  get budget(): RequestBudget {
    return { inFlight: this.active, limit: this.current, max: this.max, maxInFlightSeen: this.highest, decreases: this.decreaseCount };
  }

  /** The median of the recent successful latencies, or null while there are too few of them. */
  medianLatencyMs(): number | null {
    if (this.samples.length < this.minSamples) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  acquire(): Promise<BudgetPermit> {
    if (this.waiting.length === 0 && this.active < this.current) return Promise.resolve(this.grant());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private grant(): BudgetPermit {
    this.active++;
    this.highest = Math.max(this.highest, this.active);
    const epoch = this.epoch;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.active--;
        if (outcome) this.learn(epoch, outcome);
        this.drain();
      },
    };
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.active < this.current) this.waiting.shift()!(this.grant());
  }

  private learn(epoch: number, { status, latencyMs }: RequestOutcome): void {
    const current = epoch === this.epoch;
    if (status !== null && PUSH_BACK_STATUSES.has(status)) {
      if (current) this.decrease();
      return;
    }
    if (status === null || status < 200 || status >= 300) return;
    const median = this.medianLatencyMs();
    this.sample(latencyMs);
    const slow = median !== null && latencyMs > this.slowFactor * median && latencyMs > median + this.slowMarginMs;
    if (!current) return;
    if (slow) this.decrease();
    else this.current = Math.min(this.max, this.current + 1);
  }

  private sample(latencyMs: number): void {
    if (this.samples.length < this.sampleSize) this.samples.push(latencyMs);
    else this.samples[this.nextSample] = latencyMs;
    this.nextSample = (this.nextSample + 1) % this.sampleSize;
  }

  private decrease(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.decreaseCount++;
    this.epoch++;
  }
}
