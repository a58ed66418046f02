// How hard a client presses on the simulator: REST requests in flight right now, the most that
// were in flight at once (from arrival until the answer is sent or the connection closes, so
// injected latency and hanging requests count), and the most that started within any one second
// (a sliding window). The control API reports them beside the request log and resets them with it.

export type RequestPressure = {
  /** REST requests being handled right now. */
  inFlight: number;
  /** The most REST requests in flight at once since the last reset. */
  maxConcurrent: number;
  /** The most REST requests that started within any 1-second window since the last reset. */
  maxPerSecond: number;
};

export class RequestStatistics {
  private active = 0;
  private highest = 0;
  private busiestSecond = 0;
  /** Start times (ms) within the last second, oldest first. */
  private readonly recentStarts: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A request arrived; call the returned function once when it is answered or abandoned. */
  started(): () => void {
    const at = this.now();
    this.recentStarts.push(at);
    while (this.recentStarts.length > 0 && this.recentStarts[0]! <= at - 1000) this.recentStarts.shift();
    this.busiestSecond = Math.max(this.busiestSecond, this.recentStarts.length);
    this.active++;
    this.highest = Math.max(this.highest, this.active);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
    };
  }

  get pressure(): RequestPressure {
    return { inFlight: this.active, maxConcurrent: this.highest, maxPerSecond: this.busiestSecond };
  }

  /** Starts counting afresh; requests still in flight stay counted (and set the new maximum). */
  reset(): void {
    this.highest = this.active;
    this.busiestSecond = 0;
    this.recentStarts.length = 0;
  }
}
