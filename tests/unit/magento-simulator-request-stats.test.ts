import { describe, expect, it } from "vitest";
import { RequestStatistics } from "@/simulator/request-stats";

// The simulator's request pressure with a fake clock: the most in flight at once, and the most
// started within any one-second window (sliding, not calendar seconds).

describe("RequestStatistics", () => {
  it("counts the most requests in flight at once, each until it is done", () => {
    const stats = new RequestStatistics(() => 0);
    const a = stats.started();
    const b = stats.started();
    a();
    a(); // done twice counts once
    const c = stats.started();
    expect(stats.pressure).toEqual({ inFlight: 2, maxConcurrent: 2, maxPerSecond: 3 });
    b();
    c();
    expect(stats.pressure.inFlight).toBe(0);
    expect(stats.pressure.maxConcurrent).toBe(2);
  });

  it("counts the most starts within any sliding second, also across a calendar second's edge", () => {
    let now = 0;
    const stats = new RequestStatistics(() => now);
    const at = (...times: number[]) => {
      for (const time of times) {
        now = time;
        stats.started()();
      }
    };
    // Three late in one second and three early in the next: per calendar second 3, within one sliding second 6.
    at(700, 800, 900, 1000, 1100, 1200);
    expect(stats.pressure.maxPerSecond).toBe(6);
    // A start leaves the window 1000 ms later: at 1700 it holds 800…1700, at 1801 900…1801 (6 each, never 7).
    at(1700, 1801);
    expect(stats.pressure.maxPerSecond).toBe(6);
    at(5000);
    expect(stats.pressure.maxPerSecond).toBe(6);
    at(5001, 5002, 5003, 5004, 5005, 5006);
    expect(stats.pressure.maxPerSecond).toBe(7);
  });

  it("reset starts afresh but keeps the requests still in flight", () => {
    let now = 0;
    const stats = new RequestStatistics(() => now);
    const open = stats.started();
    for (let i = 0; i < 4; i++) stats.started()();
    stats.reset();
    expect(stats.pressure).toEqual({ inFlight: 1, maxConcurrent: 1, maxPerSecond: 0 });
    now = 10;
    stats.started()();
    open();
    expect(stats.pressure).toEqual({ inFlight: 0, maxConcurrent: 2, maxPerSecond: 1 });
  });
});
