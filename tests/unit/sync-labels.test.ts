import { describe, expect, it } from "vitest";
import { ago, dataAsOf, figuresAsOf, runStatusLabel } from "@/components/dashboard/labels";

// What the dashboard says about how fresh its data is: true at the moment it is shown, never
// "Data as of never", and a running sync says so.

const NOW = new Date("2026-12-06T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe("sync labels", () => {
  it("a channel's last run: a running or queued sync says so; no run at all is 'not synced yet'", () => {
    expect(runStatusLabel("running")).toBe("sync running");
    expect(runStatusLabel("queued")).toBe("sync starting");
    expect(runStatusLabel(null)).toBe("not synced yet");
    expect(runStatusLabel("succeeded")).toBe("succeeded");
  });

  it("the data's age: never 'as of never'; the first sync running says so", () => {
    expect(dataAsOf(hoursAgo(3), "succeeded", NOW)).toBe("Data as of 3 h ago");
    expect(dataAsOf(null, null, NOW)).toBe("Data not synced yet");
    expect(dataAsOf(null, "running", NOW)).toBe("Data not synced yet: the first sync is running");
    expect(dataAsOf(null, "failed", NOW)).toBe("Data not synced yet");
    expect(dataAsOf(hoursAgo(3), "running", NOW)).toBe("Data as of 3 h ago; a sync is running");
  });

  it("the dashboard's figures: computed after the first sync, which may be running now", () => {
    expect(figuresAsOf(hoursAgo(2), false, NOW)).toBe("As of 2 h ago");
    expect(figuresAsOf(null, false, NOW)).toBe("Not computed yet (after the first sync)");
    expect(figuresAsOf(null, true, NOW)).toBe("Not computed yet: the first sync is running");
  });

  it("ago() of a missing time is not 'never'", () => {
    expect(ago(null, NOW)).toBe("not yet");
    expect(ago(hoursAgo(72), NOW)).toBe("3 days ago");
  });
});
